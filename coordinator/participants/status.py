"""Moving a participant through the lifecycle, and correcting what was typed wrong: audited changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.lifecycle import Move, Status, check_move
from coordinator.participants.queries import permitted_participant_id
from coordinator.security.permissions import Permission
from coordinator.studies.catalogue import definition_of_version
from coordinator.values import clean_text, parse_date, parse_sex, search_key
from db.tables import Identity, Participant, Study

P = Participant.__table__
I = Identity.__table__  # noqa: E741
S = Study.__table__


def change_status(ctx: Context, code: str, move: Move, reason: str | None = None) -> None:
    """Apply a status move after checking it against the lifecycle. Enrolling has its own service (eligibility,
    consent and the arm from the study design): `coordinator.assignment.enrollment.enroll`."""
    if move.to is Status.enrolled:
        raise RuleViolation(_("Enroll the participant with Enroll: it checks eligibility and consent and takes the "
                              "arm from the study design."), field="status")
    with UnitOfWork(ctx, Permission.RECORD) as work:
        apply_move(work, permitted_participant_id(ctx, work.connection, code, Permission.RECORD), move, reason)


def apply_move(work: UnitOfWork, pid: int, move: Move, reason: str | None = None) -> None:
    """Check a move against the lifecycle and the participant's study version, and write it, audited."""
    current = work.read(
        select(P.c.code, P.c.status, P.c.status_date, P.c.study_version_id, S.c.code.label("study"))
        .join(S, S.c.id == P.c.study_id).where(P.c.id == pid)
    ).one()
    definition = definition_of_version(work.connection, current.study_version_id)
    check_move(Status(current.status), date.fromisoformat(current.status_date), move, work.today,
               arms={arm.code for arm in definition.arms})
    changes: dict[str, object] = {"status": move.to.value, "status_date": move.on.isoformat()}
    if move.to is Status.enrolled:
        changes |= {"arm_code": move.arm, "enrolled_on": move.on.isoformat()}
    if move.to.is_final:
        changes["ended_on"] = move.on.isoformat()
    description = _("Status changed to {status}").format(status=move.to.label)
    work.update(Participant, pid, changes, reason=clean_text(reason) or description,
                study=current.study, subject=current.code)


IDENTITY_FIELDS = ("first_name", "last_name", "birth_date", "sex")


def correct_identity(ctx: Context, code: str, changes: dict[str, str | None], reason: str) -> None:
    """Correct names, birth date or sex; the reason is required and audited with old and new values."""
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise InputError(_("These fields cannot be corrected here: {fields}.").format(
            fields=", ".join(sorted(unknown))), field=sorted(unknown)[0])
    cleaned: dict[str, object] = {}
    for name, value in changes.items():
        if name == "birth_date":
            birth = parse_date(value or "", "birth_date", _("Birth date"))
            if birth > ctx.today():
                raise InputError(_("The birth date {date} is in the future.").format(date=birth.isoformat()),
                                 field="birth_date")
            cleaned[name] = birth.isoformat()
        elif name == "sex":
            cleaned[name] = parse_sex(value or "")
        else:
            cleaned[name] = clean_text(value)
    with UnitOfWork(ctx, Permission.RECORD) as work:
        pid = permitted_participant_id(ctx, work.connection, code, Permission.RECORD)
        current = work.read(
            select(P.c.code, S.c.code.label("study"), I.c.first_name, I.c.last_name, I.c.birth_date,
                   P.c.registered_on)
            .join(S, S.c.id == P.c.study_id).join(I, I.c.participant_id == P.c.id).where(P.c.id == pid)
        ).one()
        if "birth_date" in cleaned and cleaned["birth_date"] > current.registered_on:
            raise InputError(_("The birth date cannot be after the registration date ({date}).").format(
                date=current.registered_on), field="birth_date")
        first = cleaned.get("first_name", current.first_name)
        last = cleaned.get("last_name", current.last_name)
        cleaned["search_name"] = search_key(first, last)
        work.update(Identity, pid, cleaned, reason=reason, study=current.study, subject=current.code)
