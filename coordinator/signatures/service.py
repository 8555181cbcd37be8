"""Signing a participant's record with the password asked again, and reading the signatures back with whether each
still holds: its content hash recomputed now against the one kept when it was signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.security.signin import confirm_password
from coordinator.signatures.meanings import Meaning, parse_meaning
from coordinator.signatures.records import KINDS
from coordinator.signatures.signable import Record, SignableKind, content_sha256, find_record
from coordinator.storage_errors import environment_errors
from db.tables import Signature

SIGNATURE = Signature.__table__


@dataclass(frozen=True)
class SignatureView:
    """A signature as shown and printed: printed name, date and time, meaning, and whether it still holds."""

    id: int
    kind: str
    code: str
    study: str | None
    signer: str  # the login
    printed_name: str
    meaning: Meaning
    signed_at: str  # ISO 8601 UTC, as the audit trail has it
    valid: bool  # False once the signed content changed

    @property
    def kind_label(self) -> str:
        found = KINDS.get(self.kind)
        return found.shown_name if found else self.kind

    @property
    def local_time(self) -> datetime:
        return datetime.fromisoformat(self.signed_at.replace("Z", "+00:00")).astimezone()

    @property
    def time_with_zone(self) -> str:
        """Local date and time with its offset from UTC, e.g. 2026-11-21 11:30 UTC+01:00: printed, unambiguous."""
        return with_zone(self.local_time)


def with_zone(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    zone = moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M") + f" UTC{zone[:3]}:{zone[3:]}"


def kind_named(name: str) -> SignableKind:
    found = KINDS.get((name or "").strip().lower())
    if found is None:
        raise InputError(_("{name} is not a record that can be signed; sign one of: {known}.").format(
            name=name, known=", ".join(KINDS)), field="kind")
    return found


def check_signable(ctx: Context, kind: str, code: str) -> tuple[SignableKind, Record]:
    """Refuse, before any password is asked, a signature the user's role does not allow (NotPermitted) or a record
    that cannot be signed now (RuleViolation, with the reason); the window greys its button with the same words."""
    signable = kind_named(kind)
    with environment_errors(), ctx.engine.connect() as connection:
        record = find_record(connection, code)
        ctx.require(Permission.SIGN, record.study)
        _refuse_unready(ctx, signable, record, connection)
    return signable, record


def sign(ctx: Context, kind: str, code: str, meaning: str | Meaning | None, password: str) -> SignatureView:
    """Sign a participant's record as the signed-in user. Refused before the password is checked when the meaning
    is missing, the role does not allow it or the record is not ready; a wrong password counts towards the lockout.
    Nothing is written unless the signature is (apart from what confirm_password audits)."""
    chosen = parse_meaning(meaning)
    signable, record = check_signable(ctx, kind, code)
    confirm_password(ctx, password)
    with UnitOfWork(ctx, Permission.SIGN, study=record.study) as work:
        data = _refuse_unready(ctx, signable, record, work.connection)  # as it is now that others wait for us
        values = {"record_kind": signable.name, "record_id": record.code, "study_code": record.study,
                  "subject_code": record.code, "signer": work.actor, "printed_name": ctx.user.full_name,
                  "meaning": chosen.value, "signed_at": work.stamp,
                  "content_sha256": content_sha256(signable, record, data)}
        key = work.insert(Signature, values, study=record.study, subject=record.code)
    assert key is not None
    return SignatureView(key, signable.name, record.code, record.study, values["signer"], values["printed_name"],
                         chosen, values["signed_at"], valid=True)


def _refuse_unready(ctx: Context, signable: SignableKind, record: Record, connection: Connection) -> dict:
    data = signable.content(connection, record)
    why = signable.refusal(ctx, record, data)
    if why is not None:
        raise RuleViolation(why, field="record")
    return data


def signatures_of(ctx: Context, code: str, kind: str | None = None) -> list[SignatureView]:
    """A participant's signatures, oldest first, each checked against its record's content as it is now."""
    kinds = [kind_named(kind).name] if kind is not None else list(KINDS)
    with environment_errors(), ctx.engine.connect() as connection:
        record = find_record(connection, code)
        ctx.require(Permission.READ, record.study)
        rows = connection.execute(
            select(SIGNATURE).where(SIGNATURE.c.record_kind.in_(kinds) & (SIGNATURE.c.record_id == record.code))
            .order_by(SIGNATURE.c.signed_at, SIGNATURE.c.id)).all()
        now = {name: content_sha256(KINDS[name], record, KINDS[name].content(connection, record))
               for name in {row.record_kind for row in rows}}
    return [SignatureView(row.id, row.record_kind, row.record_id, row.study_code, row.signer, row.printed_name,
                          Meaning(row.meaning), row.signed_at, row.content_sha256 == now[row.record_kind])
            for row in rows]

