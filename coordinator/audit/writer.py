"""The one write path. Every insert and update of study or identity data goes through a UnitOfWork,
which writes one audit row per changed field in the same transaction and commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime, timezone
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Executable, Result, Table, insert, select, update
from sqlmodel import SQLModel

from coordinator.audit import seal
from coordinator.context import Context
from coordinator.errors import InputError, NotPermitted
from coordinator.i18n import _
from coordinator.security.permissions import Permission, refusal
from coordinator.security.principals import load_principal
from coordinator.storage_errors import environment_errors
from db.audit_chain import HASHED_FIELDS, row_digest
from db.engine import writer
from db.tables import AuditEntry

AUDIT = AuditEntry.__table__


def audit_text(value: object) -> str | None:
    """How a value is written in the audit trail: ISO dates, plain text, None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


SECRET = "[secret]"


def _audited(table: Table, name: str, value: object) -> str | None:
    """The value as the audit trail keeps it: a column marked secret (a password's hash) only says it changed."""
    if value is not None and table.c[name].info.get("secret"):
        return SECRET
    return audit_text(value)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


class UnitOfWork:
    """One audited transaction. Use as a context manager; it commits on success and rolls back on error.

    `permission` is what the work needs: refused at the start when the signed-in user's roles lack it (on
    `study` when given), and again for every audit row, on the study the row is tagged with, so no write
    reaches a study its author has no role on. None: only a signed-in person (changing their own password).
    `study` and `subject` on the writes tag the audit rows (study short name, participant code) so that a
    participant's history is one indexed query. The audit rows are chained (db/audit_chain.py).
    """

    def __init__(self, ctx: Context, permission: Permission | None, *, study: str | None = None) -> None:
        self._ctx = ctx
        self._permission = permission
        self._study = study
        self._transaction: AbstractContextManager[Connection]
        self._connection: Connection
        self._stamp = ""
        self._pending: list[dict[str, Any]] = []  # audit rows not yet sent: written before any read and the commit

    def __enter__(self) -> UnitOfWork:
        with environment_errors():
            self._transaction = writer(self._ctx.engine).begin()
            self._connection = self._transaction.__enter__()
        try:
            self._check_actor()
        except BaseException as refused:
            self._transaction.__exit__(type(refused), refused, refused.__traceback__)
            raise
        self._stamp = utc_stamp(self._ctx.now())
        return self

    def _check_actor(self) -> None:
        """The actor's account and roles as they are now (deactivated or revoked since sign-in counts)."""
        ctx = self._ctx
        if not ctx.user.program:
            if not ctx.user.login:
                raise NotPermitted(refusal(ctx.user, Permission.READ, None))
            current = load_principal(self._connection, ctx.user.login)
            if current is None:
                raise NotPermitted(_("The account {login} is no longer active.").format(login=ctx.user.login))
            ctx.user = current
        if self._permission is not None:
            ctx.require(self._permission, self._study)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with environment_errors():  # a failed COMMIT (disk full) is an environment problem too
            if error is None:
                try:
                    self._flush_audit()
                except BaseException as failure:
                    self._transaction.__exit__(type(failure), failure, failure.__traceback__)  # rolls back
                    raise
            self._transaction.__exit__(kind, error, trace)  # commits, or rolls back on error
            if error is not None:
                raise error

    @property
    def today(self) -> date:
        return self._ctx.today()

    @property
    def actor(self) -> str:
        return self._ctx.actor

    @property
    def stamp(self) -> str:
        """The UTC time of this transaction, as its audit rows carry it."""
        return self._stamp

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for reads by other modules; the audit written so far is in it."""
        self._flush_audit()
        return self._connection

    def read(self, statement: Executable) -> Result:
        return self.connection.execute(statement)

    def insert(
        self, model: type[SQLModel], values: Mapping[str, Any], *, study: str | None = None,
        subject: str | None = None, record_id: str | None = None,
    ) -> int | None:
        """Insert one row and audit each non-empty field; returns the new primary key when it is an integer."""
        table: Table = model.__table__
        result = self._connection.execute(insert(table), dict(values))
        key = result.inserted_primary_key[0] if result.inserted_primary_key else None
        record = record_id or audit_text(key)
        self._audit(
            {"action": "insert", "table_name": table.name, "record_id": record, "field": name,
             "old_value": None, "new_value": _audited(table, name, value), "reason": None,
             "study_code": study, "subject_code": subject}
            for name, value in values.items() if value is not None
        )
        return key if isinstance(key, int) else None

    def insert_many(
        self, model: type[SQLModel], rows: list[dict[str, Any]], *, record_ids: list[str],
        studies: list[str | None], subjects: list[str | None],
    ) -> None:
        """Insert many rows with explicit keys in one statement each for data and audit (bulk registration)."""
        if not rows:
            return
        table: Table = model.__table__
        self._connection.execute(insert(table), rows)
        self._audit(
            {"action": "insert", "table_name": table.name, "record_id": record, "field": name,
             "old_value": None, "new_value": _audited(table, name, value), "reason": None,
             "study_code": study, "subject_code": subject}
            for row, record, study, subject in zip(rows, record_ids, studies, subjects, strict=True)
            for name, value in row.items() if value is not None
        )

    def update(
        self, model: type[SQLModel], record_id: int | str, changes: Mapping[str, Any], *, reason: str,
        study: str | None = None, subject: str | None = None, audited_as: str | None = None,
    ) -> dict[str, tuple[Any, Any]]:
        """Change saved data: a reason is required; only fields whose value really changes are written.
        `audited_as`: the record's name in the trail when it was inserted under one (a sample's code)."""
        if not reason or not reason.strip():
            raise InputError(_("A reason is required to change saved data."), field="reason")
        table: Table = model.__table__
        key = next(iter(table.primary_key.columns))
        current = self.connection.execute(
            select(*(table.c[name] for name in changes)).where(key == record_id)
        ).one()
        changed = {
            name: (old, new) for name, old, new in zip(changes, current, changes.values(), strict=True)
            if audit_text(old) != audit_text(new)
        }
        if not changed:
            return {}
        self._connection.execute(
            update(table).where(key == record_id).values({name: new for name, (_old, new) in changed.items()})
        )
        self._audit(
            {"action": "update", "table_name": table.name, "record_id": audited_as or audit_text(record_id),
             "field": name,
             "old_value": _audited(table, name, old), "new_value": _audited(table, name, new),
             "reason": reason.strip(),
             "study_code": study, "subject_code": subject}
            for name, (old, new) in changed.items()
        )
        return changed

    def record_event(
        self, table: str, record_id: str, what: str, *, reason: str | None = None, study: str | None = None,
        subject: str | None = None,
    ) -> None:
        """Audit something that is not a field change (a restore, a study version loaded)."""
        self._audit([
            {"action": "event", "table_name": table, "record_id": record_id, "field": None, "old_value": None,
             "new_value": what, "reason": reason, "study_code": study, "subject_code": subject}
        ])

    def _audit(self, rows: Iterable[dict[str, Any]]) -> None:
        """Queue audit rows; they are inserted in one statement, in this transaction, before it reads or commits."""
        queued = [{"at_utc": self._stamp, "actor": self._ctx.actor, **row} for row in rows]
        if self._permission is not None:
            for study in {row["study_code"] for row in queued} - {None}:
                self._ctx.require(self._permission, study)
        self._pending.extend(queued)

    def _flush_audit(self) -> None:
        """Insert the queued rows after the last one the seal names, each with its digest, and move the seal."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        last_id, previous = seal.end_of_trail(self._connection)
        for number, row in enumerate(pending, start=last_id + 1):
            row["id"] = number
            previous = row["row_hash"] = row_digest(previous, [row[name] for name in HASHED_FIELDS])
        self._connection.execute(insert(AUDIT), pending)
        seal.reseal(self._connection, last_id + len(pending), previous)
