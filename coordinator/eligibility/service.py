"""Screening a participant: record source values, assess the criteria, and the investigator's confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from coordinator.assignment import risk
from coordinator.audit.writer import UnitOfWork
from coordinator.consent.service import Action, require_not_stopped
from coordinator.context import Context
from coordinator.eligibility.criteria import ENROLLMENT, CriterionResult, Decision, Verdict, assess, verdict
from coordinator.eligibility.entry import Entry, ValueInput, check_entry, check_windows
from coordinator.eligibility.facts import Subject, inputs_fingerprint, load_subject
from coordinator.eligibility.rules import Observation
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.queries import participant_id, permitted_participant_id
from coordinator.participants.status import apply_move
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies.rule_schema import BUILT_IN_REFERENCES, Item, rule_items
from coordinator.values import clean_text
from db.tables import EligibilityConfirmation, Participant, ScreeningValue

SV = ScreeningValue.__table__
P = Participant.__table__
EC = EligibilityConfirmation.__table__


@dataclass(frozen=True)
class Confirmation:
    at: str  # ISO 8601 UTC
    by: str
    decision: Decision
    criteria_not_met: tuple[str, ...]
    current: bool  # False once a value it was based on has changed


@dataclass(frozen=True)
class RecordedValue:
    item: Item | None  # None for the yes/no answer of a criterion
    key: str
    observation: Observation | None


@dataclass(frozen=True)
class Assessment:
    """Everything the eligibility page and `eligibility check` show."""

    subject: Subject
    results: list[CriterionResult]
    verdict: Verdict
    confirmation: Confirmation | None
    values: list[RecordedValue]  # every item of the study, recorded or not, in file order

    @property
    def code(self) -> str:
        return self.subject.code

    @property
    def decided_on(self) -> date | None:
        """The day screening ended, which the criteria are shown as on; None during screening."""
        subject = self.subject
        return None if Status(subject.status) is Status.screening else subject.facts.assessed_on

    @property
    def stages(self) -> list[str]:
        return list(dict.fromkeys(result.criterion.stage for result in self.results))

    def stage_verdict(self, stage: str) -> Verdict:
        return verdict(self.results, stage)


def record(ctx: Context, code: str, entries: list[ValueInput], reason: str | None = None) -> Assessment:
    """Store source values in one transaction; changing a saved value needs a reason, audited with both values."""
    if not entries:
        raise InputError(_("Give at least one value to record."), field="value")
    today = ctx.today()
    with UnitOfWork(ctx, Permission.RECORD) as work:
        subject = load_subject(work.connection, code, today)
        ctx.require(Permission.RECORD, subject.study)  # before any rule: another study's state is not told
        require_not_stopped(work.connection, subject.code, today, Action.data_use)
        checked = [check_entry(subject.definition, given, subject.facts, today) for given in entries]
        keys = [entry.key for entry in checked]
        repeated = {key for key in keys if keys.count(key) > 1}
        if repeated:
            raise InputError(_("{items} is given twice.").format(items=", ".join(sorted(repeated))), field="criterion")
        for entry in checked:
            _store(work, subject, entry, reason, today)
        check_windows(subject.definition, checked, load_subject(work.connection, code, today).facts)
        risk.refresh(work, code, today)
    return assessment(ctx, code)


def _store(work: UnitOfWork, subject: Subject, entry: Entry, reason: str | None, today: date) -> None:
    existing = work.read(select(SV.c.id, SV.c.value, SV.c.unit, SV.c.uln, SV.c.measured_on, SV.c.source).where(
        (SV.c.participant_id == subject.id) & (SV.c.item == entry.key))).first()
    tags = {"study": subject.study, "subject": subject.code}
    if existing is None:
        work.insert(ScreeningValue, {"participant_id": subject.id, "item": entry.key, **entry.row(),
                                     "recorded_on": today.isoformat()}, **tags)
        return
    if dict(existing._mapping) | {"id": None} == entry.row() | {"id": None}:
        return  # the same value again: nothing to change
    why = clean_text(reason)
    if not why:
        shown = " ".join(part for part in (existing.value, existing.unit) if part)
        raise InputError(_("{label} is already recorded ({value}): give a reason for the change.").format(
            label=entry.label, value=shown), field="reason")
    work.update(ScreeningValue, existing.id, {**entry.row(), "recorded_on": today.isoformat()}, reason=why, **tags)


def assessment(ctx: Context, code: str, on: date | None = None) -> Assessment:
    """The criteria as they stand on a date. By default today during screening; once screening is over, the day
    it ended (enrollment, screen failure...), so that a later change (consent withdrawn, a lab's window passing, a
    birthday) does not re-decide it. Values recorded since (a later stage, the risk group) are read all the same."""
    with environment_errors(), ctx.engine.connect() as connection:
        permitted_participant_id(ctx, connection, code)
        return read_assessment(connection, code, on or decided_on(connection, code) or ctx.today())


def read_assessment(connection: Connection, code: str, on: date) -> Assessment:
    """The criteria as they stand on `on`, read inside the caller's connection (permission already checked)."""
    return _assessment(connection, load_subject(connection, code, on))


def decided_on(connection: Connection, code: str) -> date | None:
    """The day screening ended, which the criteria are read as on; None while screening goes on."""
    row = connection.execute(select(P.c.status, P.c.enrolled_on, P.c.status_date).where(
        P.c.id == participant_id(connection, code))).one()
    if Status(row.status) is Status.screening:
        return None
    return date.fromisoformat(row.enrolled_on or row.status_date)


def _assessment(connection: Connection, subject: Subject) -> Assessment:
    results = assess(subject.definition, subject.facts)
    items = subject.definition.items
    values = [RecordedValue(item, item.id, subject.facts.values.get(item.id)) for item in items.values()]
    eligibility = subject.definition.eligibility
    values += [RecordedValue(None, c.id, subject.facts.values.get(c.id))
               for c in (eligibility.criteria if eligibility else []) if c.rule is None]
    return Assessment(subject, results, verdict(results), _confirmation(connection, subject), values)


def _confirmation(connection: Connection, subject: Subject) -> Confirmation | None:
    row = connection.execute(
        select(EC.c.confirmed_at, EC.c.confirmed_by, EC.c.verdict, EC.c.criteria_not_met, EC.c.inputs_sha256)
        .where(EC.c.participant_id == subject.id).order_by(EC.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Confirmation(row.confirmed_at, row.confirmed_by, Decision(row.verdict),
                        tuple(row.criteria_not_met.split()), row.inputs_sha256 == fingerprint(subject))


def fingerprint(subject: Subject) -> str:
    """What a confirmation is bound to: every value the enrollment criteria and the arm assignment read. Not the
    consent date: enrollment checks consent itself, and the verdict again on its day."""
    definition = subject.definition
    names: list[str] = []
    for criterion in definition.eligibility.criteria if definition.eligibility else []:
        if criterion.stage == ENROLLMENT:
            names += rule_items(criterion.rule) if criterion.rule is not None else [criterion.id]
    if definition.assignment is not None:
        names.append(definition.assignment.item)
    return inputs_fingerprint(subject, sorted(set(names) - set(BUILT_IN_REFERENCES)))


def confirm(ctx: Context, code: str, expected: Decision | None = None) -> Assessment:
    """The investigator confirms the verdict. Not eligible ends the screening (screen failure, with the criteria).
    `expected` is the verdict the investigator was shown: refused if the values changed it in the meantime."""
    today = ctx.today()
    with UnitOfWork(ctx, Permission.CONFIRM_ELIGIBILITY) as work:
        subject = load_subject(work.connection, code, today)
        ctx.require(Permission.CONFIRM_ELIGIBILITY, subject.study)  # before any rule, as in `record`
        if subject.definition.eligibility is None:
            raise RuleViolation(_("{study} has no eligibility criteria in its study file.").format(
                study=subject.study), field="criterion")
        if Status(subject.status) is not Status.screening:
            raise RuleViolation(_("{code} is not in screening ({status}): eligibility is confirmed during "
                                  "screening.").format(code=subject.code, status=Status(subject.status).label),
                                field="status")
        current = _assessment(work.connection, subject)
        found = current.verdict
        if found.decision is Decision.incomplete:
            raise RuleViolation(_("Eligibility cannot be confirmed while criteria are missing: {missing}.").format(
                missing=", ".join(found.missing)), field="criterion")
        if expected is not None and found.decision is not expected:
            raise RuleViolation(_("The values changed since the verdict was shown: it is now {decision}. Look at the "
                                  "criteria again before confirming.").format(decision=found.decision.label),
                                field="criterion")
        work.insert(EligibilityConfirmation, {
            "participant_id": subject.id, "confirmed_at": work.stamp, "confirmed_by": work.actor,
            "verdict": found.decision.value, "criteria_not_met": " ".join(found.failing),
            "study_version": subject.version, "inputs_sha256": fingerprint(subject),
        }, study=subject.study, subject=subject.code)
        if found.decision is Decision.not_eligible:
            apply_move(work, subject.id, Move(Status.screen_failure, today), _(
                "Not eligible: {criteria}").format(criteria=", ".join(found.failing)))
    return assessment(ctx, code)


def require_eligibility(connection: Connection, subject: Subject) -> None:
    """The gate of enrollment: a current confirmation that the participant is eligible, still true on the day."""
    if subject.definition.eligibility is None:
        return
    current = _assessment(connection, subject)
    confirmation = current.confirmation
    if confirmation is None or confirmation.decision is not Decision.eligible:
        raise RuleViolation(_("{code} cannot be enrolled: an investigator has not confirmed eligibility.").format(
            code=subject.code), field="eligibility")
    if not confirmation.current:
        raise RuleViolation(_("{code} cannot be enrolled: values changed after eligibility was confirmed on "
                              "{at}; confirm it again.").format(code=subject.code, at=confirmation.at[:10]),
                            field="eligibility")
    if subject.facts.assessed_on.isoformat() < confirmation.at[:10]:
        raise RuleViolation(_("{code} cannot be enrolled on {date}, before eligibility was confirmed ({at}).").format(
            code=subject.code, date=subject.facts.assessed_on.isoformat(), at=confirmation.at[:10]),
            field="date")
    if current.verdict.decision is not Decision.eligible:
        reasons = [r for r in current.results if r.ok is not True and r.criterion.stage == ENROLLMENT]
        raise RuleViolation(_("{code} cannot be enrolled on {date}: {reasons}.").format(
            code=subject.code, date=subject.facts.assessed_on.isoformat(),
            reasons="; ".join(f"{r.criterion.id} {r.reason}" for r in reasons)), field="eligibility")
