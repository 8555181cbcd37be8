"""Enrolling a participant: eligibility confirmed, consent complete, then the arm the study design gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator.assignment import allocation
from coordinator.audit.writer import UnitOfWork
from coordinator.consent.service import Action, require_consent
from coordinator.context import Context
from coordinator.eligibility.criteria import group_of
from coordinator.eligibility.facts import Subject, load_subject
from coordinator.eligibility.service import require_eligibility
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.status import apply_move
from coordinator.security.permissions import Permission
from coordinator.studies.schema import Allocation
from coordinator.values import clean_text, parse_date


@dataclass(frozen=True)
class Enrolled:
    code: str
    arm: str
    arm_label: str
    on: date
    stratum: str | None  # randomized studies: the stratum the allocation came from


def enroll(ctx: Context, code: str, arm: str | None = None, on: str | date | None = None,
           reason: str | None = None) -> Enrolled:
    """Refused, with every reason, unless eligibility is confirmed and consent is complete; nothing changes then."""
    day = ctx.today() if on is None or (isinstance(on, str) and not on.strip()) else parse_date(
        on, "date", _("Enrollment date"))
    if day > ctx.today():
        raise InputError(_("The date {date} is in the future.").format(date=day.isoformat()), field="date")
    wanted = arm.strip().upper() if arm and arm.strip() else None
    with UnitOfWork(ctx, Permission.RECORD) as work:
        subject = load_subject(work.connection, code, day)
        ctx.require(Permission.RECORD, subject.study)  # before any rule: another study's state is not told
        if Status(subject.status) is not Status.screening:
            raise RuleViolation(_("{code} is not in screening ({status}): only a participant in screening can be "
                                  "enrolled.").format(code=subject.code, status=Status(subject.status).label),
                                field="status")
        if wanted is not None and subject.definition.design.allocation is Allocation.randomized:
            raise RuleViolation(_("{study} is randomized: the arm comes from its sealed allocation list, not from a "
                                  "choice. Enroll without an arm.").format(study=subject.study), field="arm")
        _gates(work, subject, day)
        chosen, stratum = _arm(work, subject, wanted)
        apply_move(work, subject.id, Move(Status.enrolled, day, chosen), clean_text(reason) or _("Enrolled"))
    found = subject.definition.arm(chosen)
    return Enrolled(subject.code, chosen, found.label if found else chosen, day, stratum)


def _gates(work: UnitOfWork, subject: Subject, day: date) -> None:
    """Eligibility and consent: every refusal at once, so that the coordinator sees all that is missing."""
    refusals: list[RuleViolation] = []
    for gate in (lambda: require_eligibility(work.connection, subject),
                 lambda: require_consent(work.connection, subject.code, day, Action.enrollment)):
        try:
            gate()
        except RuleViolation as refusal:
            refusals.append(refusal)
    if refusals:
        raise RuleViolation(" ".join(refusal.message for refusal in refusals), field=refusals[0].field)


def _arm(work: UnitOfWork, subject: Subject, wanted: str | None) -> tuple[str, str | None]:
    definition = subject.definition
    if wanted is not None and definition.arm(wanted) is None:
        raise InputError(_("Unknown arm {arm}. Arms of {study}: {known}.").format(
            arm=wanted, study=subject.study, known=", ".join(a.code for a in definition.arms)), field="arm")
    if definition.design.allocation is Allocation.randomized:
        stratum = allocation.stratum_for(definition, subject.site, {
            name: observed.value for name, observed in subject.facts.values.items()})
        return allocation.reveal(work, subject.study_id, subject.study, subject.id, subject.code, stratum), stratum
    if definition.assignment is not None:
        given = group_of(definition, subject.facts)
        if given is None:
            item = definition.items[definition.assignment.item]
            raise RuleViolation(_("The arm follows from {item}: record it first.").format(item=item.label),
                                field="arm")
        if wanted is not None and wanted != given:
            raise RuleViolation(_("The arm follows from the recorded values: {arm}, not {wanted}.").format(
                arm=given, wanted=wanted), field="arm")
        return given, None
    if len(definition.arms) == 1:
        return definition.arms[0].code, None
    if wanted is None:
        raise RuleViolation(_("Choose the arm: {known}.").format(
            known=", ".join(a.code for a in definition.arms)), field="arm")
    return wanted, None
