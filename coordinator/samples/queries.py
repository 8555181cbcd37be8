"""Reading samples: one by its scanned id, a participant's, and the study-wide list, filtered and sorted in SQL
and read a page at a time (the samples view holds a count and the pages it shows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, func, select

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.participants.queries import permitted_participant_id
from coordinator.samples.custody import Event, Status
from coordinator.samples.lineage import cells_per_kg, normalized_code, remainder
from coordinator.samples.positions import position_label
from coordinator.samples.service import find_held
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies.catalogue import current_definitions
from coordinator.studies.schema import StudyDefinition
from db.tables import Participant, Sample, SampleEvent, Shipment, StorageUnit, Study

SAMPLE = Sample.__table__
EVENT = SampleEvent.__table__
UNIT = StorageUnit.__table__
SHIPMENT = Shipment.__table__
P = Participant.__table__
S = Study.__table__
PARENT = SAMPLE.alias("parent")
SORTS = {
    "code": SAMPLE.c.code, "participant": P.c.code, "type": SAMPLE.c.type_id, "timepoint": SAMPLE.c.timepoint,
    "collected": SAMPLE.c.collected_at, "status": SAMPLE.c.status, "location": UNIT.c.path,
}


@dataclass(frozen=True)
class SampleQuery:
    """What the samples view shows; None is "any"."""

    study: str | None = None
    participant: str | None = None
    status: Status | None = None
    type: str | None = None
    text: str = ""  # part of a sample id
    sort: str = "code"
    descending: bool = False


@dataclass(frozen=True)
class SampleRow:
    id: int
    code: str
    study: str
    participant: str
    parent: str | None
    level: int
    origin: str
    type_id: str
    timepoint: str | None
    collected_at: str
    volume: float
    unit: str
    remaining: float
    status: Status
    location: str | None

    @property
    def volume_text(self) -> str:
        return f"{self.volume:g} {self.unit}"

    @property
    def remaining_text(self) -> str:
        return f"{self.remaining:g} {self.unit}"


@dataclass(frozen=True)
class EventRow:
    event: Event
    at: str
    by: str
    location: str | None
    destination: str | None
    manifest: str | None
    reason: str | None
    note: str | None


@dataclass(frozen=True)
class SampleDetail:
    row: SampleRow
    type_label: str
    specimen: str
    timepoint_label: str | None
    collected_by: str
    taken: float | None  # from the parent, in the parent's unit
    total_cells: float | None
    marker_cells: float | None
    marker: str | None  # CD3+ ...
    recipient_weight_kg: float | None
    notes: str | None
    events: list[EventRow]
    children: list[SampleRow] = field(default_factory=list)

    @property
    def dose_per_kg(self) -> float | None:
        if self.marker_cells is None or not self.recipient_weight_kg:
            return None
        return cells_per_kg(self.marker_cells, self.recipient_weight_kg)


_ROW = (SAMPLE.c.id, SAMPLE.c.code, S.c.code.label("study"), P.c.code.label("participant"),
        PARENT.c.code.label("parent"), SAMPLE.c.level, SAMPLE.c.origin, SAMPLE.c.type_id, SAMPLE.c.timepoint,
        SAMPLE.c.collected_at, SAMPLE.c.volume, SAMPLE.c.unit, SAMPLE.c.status, UNIT.c.path.label("box"),
        UNIT.c.columns.label("box_columns"), SAMPLE.c.position)


def _joined(*columns: Any) -> Select:
    return (select(*columns).select_from(SAMPLE).join(S, S.c.id == SAMPLE.c.study_id)
            .join(P, P.c.id == SAMPLE.c.participant_id).outerjoin(PARENT, PARENT.c.id == SAMPLE.c.parent_id)
            .outerjoin(UNIT, UNIT.c.id == SAMPLE.c.box_id))


def _rows(connection: Connection, statement: Select) -> list[SampleRow]:
    found = connection.execute(statement).all()
    taken: dict[int, list[float]] = {}
    ids = [r.id for r in found]
    if ids:
        for parent_id, part in connection.execute(select(SAMPLE.c.parent_id, SAMPLE.c.taken)
                                                  .where(SAMPLE.c.parent_id.in_(ids))):
            taken.setdefault(parent_id, []).append(part or 0.0)
    return [SampleRow(r.id, r.code, r.study, r.participant, r.parent, r.level, r.origin, r.type_id, r.timepoint,
                      r.collected_at, r.volume, r.unit, remainder(r.volume, taken.get(r.id, [])), Status(r.status),
                      f"{r.box}/{position_label(r.position, r.box_columns)}" if r.box else None)
            for r in found]


def _filtered(ctx: Context, statement: Select, query: SampleQuery) -> Select:
    readable = ctx.user.studies_with(Permission.READ)
    if readable is not None:
        statement = statement.where(S.c.code.in_(sorted(readable)))
    if query.study:
        statement = statement.where(S.c.code == query.study.strip().upper())
    if query.participant:
        statement = statement.where(P.c.code == query.participant.strip().upper())
    if query.status:
        statement = statement.where(SAMPLE.c.status == query.status.value)
    if query.type:
        statement = statement.where(SAMPLE.c.type_id == query.type.strip().upper())
    text = normalized_code(query.text)
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(SAMPLE.c.code.like(f"%{escaped}%", escape="\\"))
    return statement


def _checked(query: SampleQuery) -> None:
    if query.sort not in SORTS:
        raise InputError(_("Samples sort by {known}, not {sort}.").format(known=", ".join(SORTS), sort=query.sort),
                         field="sort")


def count(ctx: Context, query: SampleQuery) -> int:
    """How many samples the query finds: joined only with what the filters need, so it counts on an index."""
    ctx.require(Permission.READ)
    joined = SAMPLE.join(S, S.c.id == SAMPLE.c.study_id)
    if query.participant:
        joined = joined.join(P, P.c.id == SAMPLE.c.participant_id)
    with environment_errors(), ctx.engine.connect() as connection:
        return int(connection.execute(_filtered(ctx, select(func.count()).select_from(joined), query)).scalar_one())


def page(ctx: Context, query: SampleQuery, offset: int, limit: int) -> list[SampleRow]:
    """Rows `offset` .. `offset + limit` in the query's order (ties broken by id, so pages never overlap)."""
    ctx.require(Permission.READ)
    _checked(query)
    key = SORTS[query.sort]
    order = (key.desc(), SAMPLE.c.id.desc()) if query.descending else (key.asc(), SAMPLE.c.id.asc())
    with environment_errors(), ctx.engine.connect() as connection:
        return _rows(connection, _filtered(ctx, _joined(*_ROW), query).order_by(*order).offset(offset).limit(limit))


def samples_of(ctx: Context, participant: str) -> list[SampleRow]:
    """A participant's samples, each collected one followed by what was made from it (lineage order)."""
    with environment_errors(), ctx.engine.connect() as connection:
        return participant_samples(connection, permitted_participant_id(ctx, connection, participant))


def participant_samples(connection: Connection, participant_id: int) -> list[SampleRow]:
    """As `samples_of`, inside the caller's connection (permission already checked)."""
    return _rows(connection, _joined(*_ROW).where(SAMPLE.c.participant_id == participant_id)
                 .order_by(SAMPLE.c.code))


def find(ctx: Context, code: str) -> SampleDetail:
    """One sample by its (scanned) id, with its events, what it was made of and what was made from it."""
    with environment_errors(), ctx.engine.connect() as connection:
        held = find_held(connection, code)
        ctx.require(Permission.READ, held.study)
        row = _rows(connection, _joined(*_ROW).where(SAMPLE.c.id == held.id))[0]
        extra = connection.execute(select(SAMPLE.c.collected_by, SAMPLE.c.taken, SAMPLE.c.total_cells,
                                          SAMPLE.c.marker_cells, SAMPLE.c.recipient_weight_kg, SAMPLE.c.notes)
                                   .where(SAMPLE.c.id == held.id)).one()
        definition = current_definitions(connection, {held.study_id})[held.study_id]
        kind = definition.samples.type(held.type_id) if definition.samples else None
        events = [EventRow(Event(e.event), e.at, e.by, e.location, e.destination, e.number, e.reason, e.note)
                  for e in connection.execute(
                      select(EVENT.c.event, EVENT.c.at, EVENT.c.by, EVENT.c.location, EVENT.c.destination,
                             SHIPMENT.c.number, EVENT.c.reason, EVENT.c.note)
                      .outerjoin(SHIPMENT, SHIPMENT.c.id == EVENT.c.shipment_id)
                      .where(EVENT.c.sample_id == held.id).order_by(EVENT.c.id))]
        children = _rows(connection, _joined(*_ROW).where(SAMPLE.c.parent_id == held.id).order_by(SAMPLE.c.code))
    return SampleDetail(
        row, kind.label if kind else held.type_id, kind.specimen.label if kind else "",
        timepoint_label(definition, held.timepoint), extra.collected_by, extra.taken,
        extra.total_cells, extra.marker_cells, kind.dose.marker if kind and kind.dose else None,
        extra.recipient_weight_kg, extra.notes, events, children)


def timepoint_label(definition: StudyDefinition, timepoint: str | None) -> str | None:
    """A derivative keeps the timepoint of the sample it was made from, named by that sample's type."""
    kinds = definition.samples.types if definition.samples else []
    return next((kind.timepoints[timepoint] for kind in kinds if timepoint in kind.timepoints), None)
