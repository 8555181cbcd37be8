"""Reading the register: filtered and sorted in SQL, ids first and rows on demand for lazy tables.

Roles are per study: a list keeps to the studies the user may read (an SQL filter, none for a role on every
study), and one participant of another study is refused (NotPermitted) rather than shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, Select, bindparam, select

from coordinator.context import Context
from coordinator.errors import InputError, NotFound
from coordinator.i18n import _
from coordinator.participants.age import age_in_years
from coordinator.participants.lifecycle import Status
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from coordinator.studies.schema import StudyDefinition
from coordinator.values import search_key
from db.tables import Contact, Identity, Participant, Study, StudyVersion

P = Participant.__table__
I = Identity.__table__  # noqa: E741 - the identity table
C = Contact.__table__
S = Study.__table__
V = StudyVersion.__table__

SORT_KEYS = {
    "code": (S.c.code, P.c.site_number, P.c.sequence),
    "site": (P.c.site_number, P.c.sequence),
    "arm": (P.c.arm_code, P.c.site_number, P.c.sequence),
    "status": (P.c.status, P.c.site_number, P.c.sequence),
    "age": (I.c.birth_date, P.c.id),
    "registered": (P.c.registered_on, P.c.id),
    "enrolled": (P.c.enrolled_on, P.c.id),
    "ended": (P.c.ended_on, P.c.id),
}
INVERTED = frozenset({"age"})  # the youngest first is "age ascending": later birth dates first
_IDENTITY_SORTS = frozenset(key for key, columns in SORT_KEYS.items() if any(c.table is I for c in columns))


@dataclass(frozen=True)
class ParticipantQuery:
    study: str | None = None
    text: str = ""  # part of a code or of a name (case and accents ignored)
    arm: str | None = None
    status: Status | None = None
    site: int | None = None
    sort: str = "code"
    descending: bool = False


class ParticipantRow(NamedTuple):
    """One line of the participant table. Immutable like the other records here, but a named tuple: a page of
    200 is built in a quarter of the time frozen dataclasses take (bench/participant_table.py)."""

    id: int
    code: str
    study: str
    site: int
    arm: str | None
    status: Status
    birth_date: date
    registered_on: date
    enrolled_on: date | None
    ended_on: date | None

    def age(self, on: date) -> int:
        return age_in_years(self.birth_date, on)


@dataclass(frozen=True)
class ContactRow:
    role: str
    name: str
    relationship: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class ParticipantDetail:
    row: ParticipantRow
    study_version: int
    definition: StudyDefinition  # the version the participant was registered under
    status_date: date
    first_name: str | None
    last_name: str | None
    sex: str
    contacts: list[ContactRow] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _filtered(columns: tuple, query: ParticipantQuery, *, identity: bool = True) -> Select:
    """The participants matching `query`; `identity=False` leaves the identity table out of the join (see find_ids)."""
    joined = P.join(I, I.c.participant_id == P.c.id) if identity else P
    statement = select(*columns).select_from(joined.join(S, S.c.id == P.c.study_id))
    if query.study:
        statement = statement.where(S.c.code == query.study)
    if query.arm:
        statement = statement.where(P.c.arm_code == query.arm)
    if query.status:
        statement = statement.where(P.c.status == query.status.value)
    if query.site is not None:
        statement = statement.where(P.c.site_number == query.site)
    text = query.text.strip()
    if text:
        code_part = _like_pattern(text.upper())
        name_part = _like_pattern(search_key(text))
        statement = statement.where(
            P.c.code.like(code_part, escape="\\") | I.c.search_name.like(name_part, escape="\\")
        )
    return statement


def keep_readable(ctx: Context, statement: Select) -> Select:
    """The statement (joined with the study table) kept to the studies the signed-in user may read."""
    studies = ctx.user.studies_with(Permission.READ)
    return statement if studies is None else statement.where(S.c.code.in_(sorted(studies)))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def validate(ctx: Context, query: ParticipantQuery) -> None:
    """Refuse filters that name what does not exist, instead of silently showing nothing."""
    if query.sort not in SORT_KEYS:
        raise InputError(_("Cannot sort by {key}; use one of: {known}.").format(
            key=query.sort, known=", ".join(SORT_KEYS)), field="sort")
    if query.study is None:
        ctx.require(Permission.READ)  # on some study: the list keeps to those
        if query.arm or query.site is not None:
            raise InputError(_("Name the study (--study) to filter by arm or site."), field="study")
        return
    study = catalogue.current(ctx, query.study)
    ctx.require(Permission.READ, study.code)
    definition = study.definition
    if query.arm and definition.arm(query.arm) is None:
        raise InputError(_("{study} has no arm {arm}. Its arms: {known}.").format(
            study=query.study, arm=query.arm, known=", ".join(arm.code for arm in definition.arms)), field="arm")
    if query.site is not None and definition.site(query.site) is None:
        raise InputError(_("{study} has no site {site}.").format(study=query.study, site=query.site), field="site")


def find_ids(ctx: Context, query: ParticipantQuery) -> list[int]:
    """The ids of the matching participants, in display order: cheap enough for 100,000 rows (bench/).

    The identity table is joined only when the search or the sort reads it: every participant has exactly one
    identity row (written in the same transaction), and looking it up for 100,000 rows taken in index order
    costs more than the rest of the query. The ids come straight from the DB-API cursor: plain integers need
    no conversion, and skipping SQLAlchemy's row objects saves about 25 ms per 100,000 ids.
    """
    identity = bool(query.text.strip()) or query.sort in _IDENTITY_SORTS
    statement = keep_readable(ctx, _filtered((P.c.id,), query, identity=identity)).order_by(*_order(query))
    with environment_errors(), ctx.engine.connect() as connection, connection.execute(statement) as result:
        return [row[0] for row in result.cursor]


def _order(query: ParticipantQuery) -> tuple:
    columns = SORT_KEYS[query.sort]
    if query.descending != (query.sort in INVERTED):
        return tuple(column.desc() for column in columns)
    return columns


_ROW_COLUMNS = (P.c.id, P.c.code, S.c.code.label("study"), P.c.site_number, P.c.arm_code, P.c.status,
                I.c.birth_date, P.c.registered_on, P.c.enrolled_on, P.c.ended_on)


_STATUSES = {status.value: status for status in Status}  # a dict lookup costs a tenth of Status(value)


def _row(record: Sequence) -> ParticipantRow:
    """A ParticipantRow from the first values of a row that starts with _ROW_COLUMNS."""
    pid, code, study, site, arm, status, birth, registered, enrolled, ended = record[:len(_ROW_COLUMNS)]
    return ParticipantRow(pid, code, study, site, arm, _STATUSES[status], date.fromisoformat(birth),
                          date.fromisoformat(registered), _date(enrolled), _date(ended))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


_ROWS_BY_ID = _filtered(_ROW_COLUMNS, ParticipantQuery()).where(P.c.id.in_(bindparam("ids", expanding=True)))


def rows(ctx: Context, ids: list[int]) -> list[ParticipantRow]:
    """The rows for some ids, in the order of the ids (a page of a lazy table).

    The statement is built once, and the values are read from the DB-API cursor (texts and integers need no
    conversion): a page then costs about what the SQL costs.
    """
    if not ids:
        return []
    with environment_errors(), ctx.engine.connect() as connection, \
            connection.execute(_ROWS_BY_ID, {"ids": ids}) as result:
        found = {record[0]: _row(record) for record in result.cursor}
    return [found[i] for i in ids if i in found]


def list_participants(ctx: Context, query: ParticipantQuery) -> list[ParticipantRow]:
    validate(ctx, query)
    with environment_errors(), ctx.engine.connect() as connection:
        statement = keep_readable(ctx, _filtered(_ROW_COLUMNS, query)).order_by(*_order(query))
        return [_row(r) for r in connection.execute(statement)]


def _id_and_study(connection: Connection, code: str) -> tuple[int, str]:
    found = connection.execute(select(P.c.id, S.c.code).join(S, S.c.id == P.c.study_id)
                               .where(P.c.code == code.strip().upper())).first()
    if found is None:
        raise NotFound(_("No participant has the code {code}.").format(code=code), field="code")
    return found[0], found[1]


def participant_id(connection: Connection, code: str) -> int:
    return _id_and_study(connection, code)[0]


def permitted_participant_id(ctx: Context, connection: Connection, code: str,
                             permission: Permission = Permission.READ) -> int:
    """The participant's id, once the user's role on their study is checked to allow `permission`: what every
    read or change of one participant starts with, so that a refusal comes before any rule and tells nothing of
    another study (NotFound for an unknown code, NotPermitted for a participant of a study not allowed)."""
    pid, study = _id_and_study(connection, code)
    ctx.require(permission, study)
    return pid


def get_participant(ctx: Context, code: str) -> ParticipantDetail:
    with environment_errors(), ctx.engine.connect() as connection:
        pid = permitted_participant_id(ctx, connection, code)
        record = connection.execute(
            _filtered((*_ROW_COLUMNS, P.c.study_version_id, P.c.status_date, I.c.first_name, I.c.last_name,
                       I.c.sex), ParticipantQuery()).where(P.c.id == pid)
        ).one()
        version = connection.execute(select(V.c.number).where(V.c.id == record.study_version_id)).scalar_one()
        definition = catalogue.definition_of_version(connection, record.study_version_id)
        contacts = [ContactRow(*c) for c in connection.execute(
            select(C.c.role, C.c.name, C.c.relationship, C.c.phone, C.c.email)
            .where(C.c.participant_id == pid).order_by(C.c.role, C.c.id))]
    return ParticipantDetail(_row(record), version, definition, date.fromisoformat(record.status_date),
                             record.first_name, record.last_name, record.sex, contacts)
