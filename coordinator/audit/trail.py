"""Reading the whole audit trail back, filtered: the audit viewer's pages and the study-wide export's rows.

Filters and order are SQL on the audit table, so a trail of a million rows costs one count and one page per
screenful (measured on 1,000,000 rows, warm cache: a page ~1 ms, a count on an unindexed filter ~70 ms).
Reading needs `Permission.REVIEW_AUDIT`; someone who holds it on some studies only sees the rows of those
studies, and the rows about no study (accounts, sign-ins, backups) only with a role on every study.

Identity protection: the values of rows on the identity side (names, birth dates, holders of parental authority,
phone numbers, consent signers) are shown in the viewer, which is used at the site where the identity is kept,
and masked in every export (`masked=True`), which may leave the site. Password digests are masked everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Column, Connection, Select, func, select

from coordinator.audit.history import AuditLine
from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.security.permissions import PROGRAM, Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from db.tables import AuditEntry, UserAccount

A = AuditEntry.__table__
U = UserAccount.__table__
IDENTITY_TABLES = frozenset({"identity", "contact", "consent_signer"})  # who the participant is: never exported
BATCH = 5_000  # rows per read while streaming an export: memory stays flat whatever the size of the trail


@dataclass(frozen=True)
class AuditQuery:
    """What to show; None is "any". Dates are UTC days (the trail's own clock), both ends included."""

    study: str | None = None
    participant: str | None = None  # a participant code, exactly
    actor: str | None = None  # the user's login
    table: str | None = None  # the table the row is about: participant, identity, consent_signature, export...
    since: date | None = None
    until: date | None = None

    def checked(self) -> AuditQuery:
        """The same query with codes in the form stored (upper case, trimmed); InputError for crossed dates."""
        if self.since and self.until and self.since > self.until:
            raise InputError(_("The period ends ({until}) before it starts ({since}).").format(
                until=self.until.isoformat(), since=self.since.isoformat()), field="until")
        return AuditQuery(_code(self.study), _code(self.participant), _text(self.actor), _text(self.table),
                          self.since, self.until)

    def is_filtered(self) -> bool:
        return any(value is not None for value in vars(self).values())


COLUMNS = (A.c.id, A.c.at_utc, A.c.actor, A.c.action, A.c.table_name, A.c.record_id, A.c.field, A.c.old_value,
           A.c.new_value, A.c.reason, A.c.study_code, A.c.subject_code, A.c.row_hash)


def count(ctx: Context, query: AuditQuery) -> int:
    """How many rows the query finds (what the viewer's "N rows" says, and what an export will write)."""
    with environment_errors(), ctx.engine.connect() as connection:
        statement = _filtered(ctx, connection, select(func.count()).select_from(A), query)
        return int(connection.execute(statement).scalar_one())


def page(ctx: Context, query: AuditQuery, offset: int, limit: int, *, masked: bool = False) -> list[AuditLine]:
    """Rows `offset` to `offset + limit` of the query, newest first (highest id first)."""
    with environment_errors(), ctx.engine.connect() as connection:
        statement = _filtered(ctx, connection, select(*COLUMNS), query)
        rows = connection.execute(statement.order_by(A.c.id.desc()).offset(offset).limit(limit))
        return [_line(row, masked) for row in rows]


def rows(ctx: Context, query: AuditQuery, *, masked: bool = True) -> Iterator[AuditLine]:
    """Every row of the query, oldest first (the chain's order, how a trail is read on paper), fetched in batches
    by id inside one read transaction, so a row written meanwhile cannot shift or repeat a batch."""
    with environment_errors(), ctx.engine.connect() as connection, connection.begin():
        statement = _filtered(ctx, connection, select(*COLUMNS), query).order_by(A.c.id).limit(BATCH)
        after = 0
        while True:
            batch = connection.execute(statement.where(A.c.id > after)).all()
            yield from (_line(row, masked) for row in batch)
            if len(batch) < BATCH:
                return
            after = batch[-1][0]


def tables(ctx: Context) -> list[str]:
    """The tables the trail names, for the viewer's table filter."""
    return _distinct(ctx, A.c.table_name)


def actors(ctx: Context) -> list[str]:
    """Who may have written rows, for the viewer's user filter: every account's login, and "program" (the
    program's own work). Read from the accounts, not the trail: a DISTINCT over a million audit rows took 136 ms
    on the UI thread at opening, the accounts take well under a millisecond. Accounts are never deleted, so no
    author of a row is missing; a login with no row simply finds none."""
    ctx.require(Permission.REVIEW_AUDIT)
    with environment_errors(), ctx.engine.connect() as connection:
        logins = connection.execute(select(U.c.login)).scalars()
        return sorted({PROGRAM.login, *logins})


def mask(table: str, value: str | None, *, masked: bool) -> str | None:
    """A value as it may be shown: identity values only at the site (`masked` False). Password digests never
    reach the trail (the writer keeps "[secret]" for them)."""
    if value is None:
        return None
    if masked and table in IDENTITY_TABLES:
        return f"[{table}]"
    return value


def _distinct(ctx: Context, column: Column) -> list[str]:
    with environment_errors(), ctx.engine.connect() as connection:
        statement = _filtered(ctx, connection, select(column).distinct(), AuditQuery())
        return sorted(value for value in connection.execute(statement).scalars() if value)


def _filtered(ctx: Context, connection: Connection, statement: Select, query: AuditQuery) -> Select:
    """The statement restricted to the query and to what the signed-in user may review."""
    query = query.checked()
    ctx.require(Permission.REVIEW_AUDIT, query.study)
    if query.study is not None:
        catalogue.current(ctx, query.study)  # NotFound, naming the known studies, for a mistyped code
        statement = statement.where(A.c.study_code == query.study)
    reviewable = ctx.user.studies_with(Permission.REVIEW_AUDIT)
    if reviewable is not None:
        statement = statement.where(A.c.study_code.in_(sorted(reviewable)))
    if query.participant is not None:
        statement = statement.where(A.c.subject_code == query.participant)
    if query.actor is not None:
        statement = statement.where(A.c.actor == query.actor)
    if query.table is not None:
        statement = statement.where(A.c.table_name == query.table)
    if query.since is not None:
        statement = statement.where(A.c.at_utc >= query.since.isoformat())
    if query.until is not None:  # the stamps are ISO text: everything before the next day's midnight
        statement = statement.where(A.c.at_utc < (query.until + timedelta(days=1)).isoformat())
    return statement


def _line(row: tuple, masked: bool) -> AuditLine:
    (row_id, at_utc, actor, action, table, record, field, old, new, reason, study, participant, row_hash) = row
    return AuditLine(row_id, at_utc, actor, action, table, record, field, mask(table, old, masked=masked),
                     mask(table, new, masked=masked), reason, study=study, participant=participant,
                     row_hash=row_hash)


def _code(text: str | None) -> str | None:
    cleaned = _text(text)
    return cleaned.upper() if cleaned else None


def _text(text: str | None) -> str | None:
    return (text.strip() or None) if text is not None else None
