"""A participant's casebook as data: each form of the study's CRF with the values the database holds, read in one
connection, and the signatures of the forms that carry one. Names and birth dates are never read: the casebook
carries the participant code, the year of birth and the age (pseudonymised, GDPR art. 4(5))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, select

from coordinator.assignment.allocation import stratum_label
from coordinator.context import Context
from coordinator.crf.vocabulary import SIGNATURES
from coordinator.eligibility.rules import NONE, choice_label
from coordinator.eligibility.service import Assessment, decided_on, read_assessment
from coordinator.errors import RuleViolation
from coordinator.i18n import _
from coordinator.samples.lineage import cells_per_kg
from coordinator.samples.quantities import cells_text
from coordinator.samples.queries import participant_samples, timepoint_label
from coordinator.signatures.service import SignatureView, signatures_of
from coordinator.studies.crf_schema import CaseReportForms, CrfForm, CrfSection
from coordinator.studies.rule_schema import ItemKind
from coordinator.studies.schema import StudyDefinition
from db.tables import (
    Allocation,
    ConsentSignature,
    ConsentWithdrawal,
    EligibilityConfirmation,
    Identity,
    Participant,
    RiskAssessment,
    Sample,
    ScreeningValue,
)

Values = dict[str, Any]  # value name (vocabulary) -> what the database holds, None when nothing is recorded

P = Participant.__table__
I = Identity.__table__  # noqa: E741
SIG = ConsentSignature.__table__
WD = ConsentWithdrawal.__table__
EC = EligibilityConfirmation.__table__
SV = ScreeningValue.__table__
AL = Allocation.__table__
RA = RiskAssessment.__table__
SAMPLE = Sample.__table__


@dataclass(frozen=True)
class FilledSection:
    section: CrfSection
    rows: list[Values]  # one for a record held once per participant; a repeating one, a row each (maybe none)


@dataclass(frozen=True)
class FilledForm:
    form: CrfForm
    version: str
    sections: list[FilledSection]
    signatures: list[SignatureView] | None  # None: the form is signed on paper only, or not at all


@dataclass(frozen=True)
class Casebook:
    study: str
    study_title: str
    registry: str
    site: str  # number and name
    code: str
    arm: str | None  # its label
    status: str
    crf_version: str
    definition: StudyDefinition
    forms: list[FilledForm]


def crf_of(study: str, definition: StudyDefinition) -> CaseReportForms:
    """The study's forms, or a refusal in words when its file has none."""
    if definition.crf is None:
        raise RuleViolation(_("The study {study} has no case report forms: its study file has no crf "
                              "section.").format(study=study), field="study")
    return definition.crf


def read_casebook(ctx: Context, connection: Connection, participant_id: int, study: str,
                  definition: StudyDefinition) -> Casebook:
    """Everything the forms print about one participant (READ permission already checked by the caller)."""
    crf = crf_of(study, definition)
    subject = _subject(connection, participant_id, study, ctx.today())
    code = subject["code"]
    needed = {section.record for form in crf.forms for section in form.sections}
    reading = _Reading(connection, participant_id, code, definition, ctx.today())
    records = {name: _READERS[name](reading) for name in needed if name != "subject"}
    records["subject"] = [subject]
    forms = []
    for form in crf.forms:
        signed = form.signature in SIGNATURES
        forms.append(FilledForm(form, crf.version_of(form),
                                [FilledSection(section, records[section.record]) for section in form.sections],
                                signatures_of(ctx, code, form.signature) if signed else None))
    site = definition.site(subject["site"])
    arm = definition.arm(subject["arm"]) if subject["arm"] else None
    return Casebook(study, definition.title, definition.registry_label,
                    f"{subject['site']} {site.name}" if site else str(subject["site"]), code,
                    arm.label if arm else None, subject["status"], crf.version, definition, forms)


def listed_rows(definition: StudyDefinition, record: str) -> list[Values]:
    """The rows a listed record prints even when nothing is recorded: every criterion, every item."""
    eligibility = definition.eligibility
    if eligibility is None:
        return []
    if record == "criterion":
        return [{"id": c.id, "category": c.category.value, "text": c.text, "stage": c.stage}
                for c in eligibility.criteria]
    rows = [{"item": item.id, "label": item.label, "unit": item.unit} for item in eligibility.items]
    return rows + [{"item": c.id, "label": c.text} for c in eligibility.criteria if c.rule is None]


def _subject(connection: Connection, participant_id: int, study: str, today: date) -> Values:
    row = connection.execute(
        select(P.c.code, P.c.site_number, P.c.registered_on, P.c.status, P.c.status_date, P.c.arm_code,
               P.c.enrolled_on, P.c.ended_on, I.c.birth_date, I.c.sex)
        .join(I, I.c.participant_id == P.c.id).where(P.c.id == participant_id)).one()
    born = date.fromisoformat(row.birth_date)
    registered = date.fromisoformat(row.registered_on)
    age = registered.year - born.year - ((registered.month, registered.day) < (born.month, born.day))
    return {"study": study, "site": row.site_number, "code": row.code, "registered_on": row.registered_on,
            "birth_year": born.year, "age": age, "age_unit": "YEARS", "sex": row.sex, "status": row.status,
            "status_date": row.status_date, "arm": row.arm_code, "enrolled_on": row.enrolled_on,
            "ended_on": row.ended_on}


@dataclass
class _Reading:
    """One participant's casebook being read: what every reader needs, and the eligibility assessment, made once
    for the criteria and the confirmation."""

    connection: Connection
    participant_id: int
    code: str
    definition: StudyDefinition
    today: date

    @cached_property
    def assessment(self) -> Assessment:
        """The criteria as they stand on the day screening ended (today while it goes on)."""
        return read_assessment(self.connection, self.code, decided_on(self.connection, self.code) or self.today)

    def rows(self, statement: Any) -> list[Values]:
        return [dict(row._mapping) for row in self.connection.execute(statement)]


def _local_date(stamp: str | None) -> str | None:
    """The local date of a UTC time stamp (2026-07-12T23:30:00Z is 13 July in Paris), as the window shows it."""
    if not stamp:
        return None
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().date().isoformat()


def _consent(reading: _Reading) -> list[Values]:
    return reading.rows(select(
        SIG.c.episode, SIG.c.role, SIG.c.signed_on, SIG.c.signed_time, SIG.c.document, SIG.c.document_version,
        SIG.c.obtained_by, SIG.c.assent, SIG.c.exception).where(SIG.c.participant_id == reading.participant_id)
        .order_by(SIG.c.episode, SIG.c.signed_on, SIG.c.id))


def _withdrawal(reading: _Reading) -> list[Values]:
    rows = reading.rows(select(WD.c.withdrawn_on, WD.c.by_role, WD.c.stop_follow_up, WD.c.stop_data_use,
                               WD.c.destroy_samples).where(WD.c.participant_id == reading.participant_id)
                        .order_by(WD.c.id))
    flags = ("stop_follow_up", "stop_data_use", "destroy_samples")
    return [row | {flag: "yes" if row[flag] else "no" for flag in flags} for row in rows]


def _eligibility(reading: _Reading) -> list[Values]:
    """The newest confirmation, and whether it still holds: a value it read changed since, it no longer does."""
    confirmation = reading.assessment.confirmation
    if confirmation is None:
        return [{}]
    version = reading.connection.execute(
        select(EC.c.study_version).where(EC.c.participant_id == reading.participant_id)
        .order_by(EC.c.id.desc()).limit(1)).scalar_one()
    return [{"decision": confirmation.decision.value, "confirmed_on": _local_date(confirmation.at),
             "confirmed_by": confirmation.by, "criteria_not_met": " ".join(confirmation.criteria_not_met),
             "study_version": version, "current": "yes" if confirmation.current else "no"}]


def _criteria(reading: _Reading) -> list[Values]:
    found = {result.criterion.id: result for result in reading.assessment.results}
    return [row | {"result": found[row["id"]].state.value, "reason": found[row["id"]].reason}
            for row in listed_rows(reading.definition, "criterion")]


def _values(reading: _Reading) -> list[Values]:
    held = {row.item: row for row in reading.connection.execute(
        select(SV.c.item, SV.c.value, SV.c.unit, SV.c.uln, SV.c.measured_on, SV.c.source)
        .where(SV.c.participant_id == reading.participant_id))}
    items = reading.definition.items
    rows = []
    for row in listed_rows(reading.definition, "value"):
        found = held.get(row["item"])
        if found is None:
            rows.append(row)
            continue
        item = items.get(row["item"])
        shown: Any = found.value
        if item is not None and item.kind in (ItemKind.choice, ItemKind.yes_no):
            shown = choice_label(item, found.value)
        elif item is not None and item.kind is ItemKind.date:  # printed DD/MMM/YYYY, as every date of the forms
            shown = _("none") if found.value == NONE else date.fromisoformat(found.value)
        elif row["item"] not in items:  # the yes/no answer of a criterion without a rule
            shown = _("yes") if found.value == "yes" else _("no")
        rows.append(row | {"value": shown, "unit": found.unit, "uln": found.uln, "measured_on": found.measured_on,
                           "source": found.source})
    return rows


def _allocation(reading: _Reading) -> list[Values]:
    row = reading.connection.execute(select(AL.c.revealed_at, AL.c.stratum, AL.c.sequence, AL.c.arm_code)
                                     .where(AL.c.participant_id == reading.participant_id)).first()
    if row is None:
        return [{}]
    return [{"randomized_on": _local_date(row.revealed_at), "stratum": stratum_label(reading.definition, row.stratum),
             "sequence": row.sequence, "arm": row.arm_code}]


def _risk(reading: _Reading) -> list[Values]:
    row = reading.connection.execute(select(RA.c.risk_group, RA.c.rule_version)
                                     .where(RA.c.participant_id == reading.participant_id)).first()
    return [dict(row._mapping)] if row else [{}]


def _samples(reading: _Reading) -> list[Values]:
    """In lineage order; a cell product dosed per kilogram says its dose, e.g. 1.0 × 10⁶ CD3+ cells/kg."""
    definition = reading.definition
    markers = {kind.id: kind.dose.marker for kind in definition.samples.types if kind.dose} if definition.samples \
        else {}
    doses = {row.code: cells_per_kg(row.marker_cells, row.recipient_weight_kg) for row in reading.connection.execute(
        select(SAMPLE.c.code, SAMPLE.c.marker_cells, SAMPLE.c.recipient_weight_kg).where(
            (SAMPLE.c.participant_id == reading.participant_id) & SAMPLE.c.marker_cells.is_not(None)
            & (SAMPLE.c.recipient_weight_kg > 0)))}
    return [{"id": s.code, "type": s.type_id, "parent": s.parent, "level": s.level,
             "timepoint": timepoint_label(definition, s.timepoint) or s.timepoint,
             "collected_on": s.collected_at[:10], "collected_time": s.collected_at[11:16] or None,
             "quantity": s.volume, "unit": s.unit, "status": s.status.value, "location": s.location,
             "dose_per_kg": _("{dose} {marker} cells/kg").format(dose=cells_text(doses[s.code]),
                                                                  marker=markers.get(s.type_id, ""))
             if s.code in doses else None}
            for s in participant_samples(reading.connection, reading.participant_id)]


_READERS = {"consent": _consent, "withdrawal": _withdrawal, "eligibility": _eligibility, "criterion": _criteria,
            "value": _values, "allocation": _allocation, "risk": _risk, "sample": _samples}
