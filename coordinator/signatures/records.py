"""The kinds of record a participant's investigator signs, and what each one's signed content is.

Eligibility: the newest confirmation (who, when, verdict, study version) and the eligibility service's own hash of
the values it read (`fingerprint`): one definition of what a confirmation reads, so the signature turns invalid
exactly when the confirmation stops being current. Consent: every consent signature and withdrawal (the signers by
their record, not their names). Casebook: the participant's study data as a whole (samples included), without names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from coordinator.consent import service as consent
from coordinator.context import Context
from coordinator.eligibility.facts import load_subject
from coordinator.eligibility.service import fingerprint
from coordinator.i18n import N_, _
from coordinator.signatures.signable import Record, SignableKind
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
    StudyVersion,
)

EC = EligibilityConfirmation.__table__
SIG = ConsentSignature.__table__
WD = ConsentWithdrawal.__table__
SV = ScreeningValue.__table__
P = Participant.__table__
I = Identity.__table__  # noqa: E741
V = StudyVersion.__table__
AL = Allocation.__table__
RA = RiskAssessment.__table__
SAMPLE = Sample.__table__


def _rows(connection: Connection, columns: tuple, where: Any, order: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in connection.execute(select(*columns).where(where).order_by(order))]


# --- eligibility ---------------------------------------------------------------------------------------------------

_CONFIRMATION = (EC.c.id, EC.c.confirmed_at, EC.c.confirmed_by, EC.c.verdict, EC.c.criteria_not_met,
                 EC.c.study_version, EC.c.inputs_sha256)


def eligibility_content(connection: Connection, record: Record) -> dict[str, Any]:
    newest = connection.execute(select(*_CONFIRMATION).where(EC.c.participant_id == record.id)
                                .order_by(EC.c.id.desc()).limit(1)).first()
    if newest is None:
        return {"confirmation": None}
    subject = load_subject(connection, record.code, date.fromisoformat(newest.confirmed_at[:10]))
    return {"confirmation": dict(newest._mapping), "values_read_sha256": fingerprint(subject)}


def eligibility_refusal(_ctx: Context, record: Record, data: dict[str, Any]) -> str | None:
    confirmation = data["confirmation"]
    if confirmation is None:
        return _("{code} has no eligibility confirmation to sign: an investigator confirms eligibility "
                 "first.").format(code=record.code)
    if confirmation["inputs_sha256"] != data["values_read_sha256"]:
        return _("Values of {code} changed after eligibility was confirmed on {date}: confirm eligibility again "
                 "before signing.").format(code=record.code, date=confirmation["confirmed_at"][:10])
    return None


# --- consent -------------------------------------------------------------------------------------------------------

_SIGNATURE = (SIG.c.id, SIG.c.episode, SIG.c.role, SIG.c.signer_id, SIG.c.signed_on, SIG.c.signed_time,
              SIG.c.document, SIG.c.document_version, SIG.c.obtained_by, SIG.c.witness_id, SIG.c.assent,
              SIG.c.exception, SIG.c.exception_detail)
_WITHDRAWAL = (WD.c.id, WD.c.episode, WD.c.withdrawn_on, WD.c.by_role, WD.c.stop_follow_up, WD.c.stop_data_use,
               WD.c.destroy_samples)


def consent_content(connection: Connection, record: Record) -> dict[str, Any]:
    return {"signatures": _rows(connection, _SIGNATURE, SIG.c.participant_id == record.id, SIG.c.id),
            "withdrawals": _rows(connection, _WITHDRAWAL, WD.c.participant_id == record.id, WD.c.id)}


def consent_refusal(ctx: Context, record: Record, _data: dict[str, Any]) -> str | None:
    current = consent.status(ctx, record.code)
    if current.is_current:
        return None
    return _("The consent of {code} cannot be signed: it is not complete ({details}).").format(
        code=record.code, details=current.explanation)


# --- casebook ------------------------------------------------------------------------------------------------------

_PARTICIPANT = (P.c.code, V.c.number.label("study_version"), P.c.site_number, P.c.status, P.c.status_date,
                P.c.arm_code, P.c.registered_on, P.c.enrolled_on, P.c.ended_on, I.c.birth_date, I.c.sex)
_VALUE = (SV.c.item, SV.c.value, SV.c.unit, SV.c.uln, SV.c.measured_on, SV.c.source, SV.c.recorded_on)
_SAMPLE = (SAMPLE.c.code, SAMPLE.c.type_id, SAMPLE.c.timepoint, SAMPLE.c.collected_at, SAMPLE.c.volume,
           SAMPLE.c.unit, SAMPLE.c.taken, SAMPLE.c.parent_id, SAMPLE.c.total_cells, SAMPLE.c.marker_cells,
           SAMPLE.c.recipient_weight_kg)
_ALLOCATION = (AL.c.stratum, AL.c.sequence, AL.c.arm_code, AL.c.revealed_at, AL.c.revealed_by)


def casebook_content(connection: Connection, record: Record) -> dict[str, Any]:
    """Everything recorded about the participant's course in the study; birth date and sex (they decide age and
    criteria) but never a name. The samples as collected or made (what, when, how much, made from what), not where
    they are kept: storing, moving or shipping a tube does not undo the investigator's review."""
    participant = connection.execute(
        select(*_PARTICIPANT).join(V, V.c.id == P.c.study_version_id).join(I, I.c.participant_id == P.c.id)
        .where(P.c.id == record.id)).one()
    allocation = _rows(connection, _ALLOCATION, AL.c.participant_id == record.id, AL.c.id)
    risk = _rows(connection, (RA.c.risk_group, RA.c.rule_version, RA.c.inputs), RA.c.participant_id == record.id,
                 RA.c.participant_id)
    return {
        "participant": dict(participant._mapping),
        "consent": consent_content(connection, record),
        "screening_values": _rows(connection, _VALUE, SV.c.participant_id == record.id, SV.c.item),
        "eligibility_confirmations": _rows(connection, _CONFIRMATION, EC.c.participant_id == record.id, EC.c.id),
        "allocation": allocation[0] if allocation else None,
        "risk": risk[0] if risk else None,
        "samples": _rows(connection, _SAMPLE, SAMPLE.c.participant_id == record.id, SAMPLE.c.code),
    }


def casebook_refusal(_ctx: Context, record: Record, data: dict[str, Any]) -> str | None:
    """Nothing to sign while nothing beyond the registration is recorded: no consent and no screening value."""
    if data["consent"]["signatures"] or data["screening_values"]:
        return None
    return _("The casebook of {code} has nothing to sign yet: no consent and no screening value is "
             "recorded.").format(code=record.code)


ELIGIBILITY = SignableKind("eligibility", N_("eligibility confirmation"), N_("the eligibility confirmation of {code}"),
                           eligibility_content, eligibility_refusal)
CONSENT = SignableKind("consent", N_("consent"), N_("the consent record of {code}"), consent_content, consent_refusal)
CASEBOOK = SignableKind("casebook", N_("casebook"), N_("the casebook of {code}"), casebook_content, casebook_refusal)

KINDS: dict[str, SignableKind] = {kind.name: kind for kind in (ELIGIBILITY, CONSENT, CASEBOOK)}
