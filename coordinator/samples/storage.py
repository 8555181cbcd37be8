"""Freezers, racks and boxes: adding them, listing them, and the map of a box (who is in which position)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import func, select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError, NotFound
from coordinator.i18n import N_, _
from coordinator.samples.custody import Status
from coordinator.samples.positions import check_box_size, storage_parts
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.values import clean_text
from db.tables import Participant, Sample, StorageUnit, Study

UNIT = StorageUnit.__table__
SAMPLE = Sample.__table__
S = Study.__table__
P = Participant.__table__


class UnitKind(str, Enum):
    freezer = "freezer"
    rack = "rack"
    box = "box"

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self])


_KIND_LABELS = {UnitKind.freezer: N_("freezer"), UnitKind.rack: N_("rack"), UnitKind.box: N_("box")}
_DEPTH = {UnitKind.freezer: 1, UnitKind.rack: 2, UnitKind.box: 3}
_EXAMPLE = {UnitKind.freezer: "F1", UnitKind.rack: "F1/R2", UnitKind.box: "F1/R2/BOX-07"}


@dataclass(frozen=True)
class UnitRow:
    id: int
    kind: UnitKind
    name: str
    path: str
    parent_id: int | None
    rows: int | None
    columns: int | None
    note: str | None
    occupied: int  # boxes: samples in it


@dataclass(frozen=True)
class Occupant:
    position: int
    code: str | None  # None: a sample of a study the user may not read
    study: str | None
    participant: str | None
    type_id: str | None
    status: Status


@dataclass(frozen=True)
class BoxMap:
    path: str
    rows: int
    columns: int
    occupants: dict[int, Occupant]

    @property
    def free(self) -> int:
        return self.rows * self.columns - len(self.occupants)


def add_unit(ctx: Context, kind: str | UnitKind, path: str, rows: int | None = None, columns: int | None = None,
             note: str | None = None) -> str:
    """Add a freezer (F1), a rack in it (F1/R2) or a box in a rack (F1/R2/BOX-07, with rows × columns)."""
    unit_kind = _kind(kind)
    parts = storage_parts(path)
    if len(parts) != _DEPTH[unit_kind] or not all(parts):
        raise InputError(_("A {kind} is named by its path, e.g. {example}.").format(
            kind=unit_kind.label, example=_EXAMPLE[unit_kind]), field="path")
    if any(len(part) > 40 for part in parts):
        raise InputError(_("A name in storage has at most 40 characters."), field="path")
    if unit_kind is UnitKind.box:
        if rows is None or columns is None:
            raise InputError(_("Give the box's rows and columns, e.g. 9 × 9."), field="size")
        check_box_size(rows, columns)
    elif rows is not None or columns is not None:
        raise InputError(_("Only a box has rows and columns."), field="size")
    clean_path = "/".join(parts)
    with UnitOfWork(ctx, Permission.RECORD) as work:
        if work.read(select(UNIT.c.id).where(UNIT.c.path == clean_path)).first() is not None:
            raise InputError(_("{path} already exists.").format(path=clean_path), field="path")
        parent_id = None
        if len(parts) > 1:
            parent_path = "/".join(parts[:-1])
            parent_kind = UnitKind.freezer if unit_kind is UnitKind.rack else UnitKind.rack
            parent_id = work.read(select(UNIT.c.id).where(UNIT.c.path == parent_path,
                                                          UNIT.c.kind == parent_kind.value)).scalar()
            if parent_id is None:
                raise NotFound(_("There is no {kind} {path}; add it first.").format(
                    kind=parent_kind.label, path=parent_path), field="path")
        work.insert(StorageUnit, {"kind": unit_kind.value, "name": parts[-1], "parent_id": parent_id,
                                  "path": clean_path, "rows": rows, "columns": columns, "note": clean_text(note)},
                    record_id=clean_path)
    return clean_path


def _kind(kind: str | UnitKind) -> UnitKind:
    try:
        return UnitKind(kind.strip().lower() if isinstance(kind, str) else kind)
    except ValueError:
        raise InputError(_("Storage is a freezer, a rack or a box, not {kind}.").format(kind=kind),
                         field="kind") from None


def units(ctx: Context) -> list[UnitRow]:
    """Every freezer, rack and box in path order, boxes with how many samples they hold."""
    ctx.require(Permission.READ)
    occupied = (select(SAMPLE.c.box_id, func.count().label("n")).where(SAMPLE.c.box_id.is_not(None))
                .group_by(SAMPLE.c.box_id).subquery())
    with environment_errors(), ctx.engine.connect() as connection:
        return [UnitRow(r.id, UnitKind(r.kind), r.name, r.path, r.parent_id, r.rows, r.columns, r.note, r.n or 0)
                for r in connection.execute(
                    select(UNIT, occupied.c.n).outerjoin(occupied, occupied.c.box_id == UNIT.c.id)
                    .order_by(UNIT.c.path))]


def box_map(ctx: Context, path: str) -> BoxMap:
    """Who is where in one box, in one query; samples of studies the user may not read show as occupied only."""
    ctx.require(Permission.READ)
    readable = ctx.user.studies_with(Permission.READ)
    with environment_errors(), ctx.engine.connect() as connection:
        box = connection.execute(select(UNIT.c.id, UNIT.c.path, UNIT.c.rows, UNIT.c.columns)
                                 .where(UNIT.c.path == "/".join(storage_parts(path)), UNIT.c.kind == "box")).first()
        if box is None:
            raise NotFound(_("There is no box {box}.").format(box=path), field="location")
        occupants = {}
        for r in connection.execute(
                select(SAMPLE.c.position, SAMPLE.c.code, S.c.code.label("study"), P.c.code.label("participant"),
                       SAMPLE.c.type_id, SAMPLE.c.status)
                .join(S, S.c.id == SAMPLE.c.study_id).join(P, P.c.id == SAMPLE.c.participant_id)
                .where(SAMPLE.c.box_id == box.id)):
            if readable is None or r.study in readable:
                occupants[r.position] = Occupant(r.position, r.code, r.study, r.participant, r.type_id,
                                                 Status(r.status))
            else:
                occupants[r.position] = Occupant(r.position, None, None, None, None, Status(r.status))
    return BoxMap(box.path, box.rows, box.columns, occupants)
