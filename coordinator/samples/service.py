"""Recording samples: collection under the consent gate, aliquots and derivatives with their lineage, and each
step of custody. Every change goes through one UnitOfWork: the sample, its event and the audit rows commit
together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, func, select

from coordinator.audit.writer import UnitOfWork
from coordinator.consent.service import Action, require_not_stopped, require_scope
from coordinator.context import Context
from coordinator.errors import InputError, NotFound, RuleViolation
from coordinator.i18n import _
from coordinator.participants.queries import permitted_participant_id
from coordinator.samples.custody import FIRST_EVENTS, LEAVES_POSITION, Event, Status, next_status
from coordinator.samples.lineage import child_code, normalized_code, primary_code, remainder
from coordinator.samples.positions import parse_location, position_label, position_number
from coordinator.samples.quantities import (
    EPSILON,
    Quantity,
    moment_text,
    parse_cell_count,
    parse_moment,
    parse_quantity,
    parse_weight,
    same_dimension,
)
from coordinator.security.permissions import Permission
from coordinator.studies.catalogue import current_definitions
from coordinator.studies.sample_schema import SampleType
from coordinator.studies.schema import StudyDefinition
from coordinator.values import clean_text
from db.tables import Participant, Sample, SampleEvent, Shipment, StorageUnit, Study

SAMPLE = Sample.__table__
EVENT = SampleEvent.__table__
UNIT = StorageUnit.__table__
P = Participant.__table__
S = Study.__table__
SHIPMENT = Shipment.__table__
MAX_ALIQUOTS = 100


@dataclass(frozen=True)
class Collection:
    """What a coordinator types when a sample is taken."""

    type: str
    at: str | datetime
    volume: str
    timepoint: str | None = None
    collected_by: str | None = None  # default: the person using the program
    notes: str | None = None


@dataclass(frozen=True)
class Derivation:
    """Samples made from another one: `count` of them, each of `volume`, each taking `taken` from the parent
    (default: its volume, when the units compare). A cell product dosed per kg adds its counts and the weight."""

    type: str
    volume: str
    count: int = 1
    taken: str | None = None
    at: str | datetime | None = None
    total_cells: str | None = None
    marker_cells: str | None = None
    weight: str | None = None
    notes: str | None = None


class Held(NamedTuple):
    """A sample as a write sees it."""

    id: int
    code: str
    study: str
    study_id: int
    participant_id: int
    participant: str
    type_id: str
    timepoint: str | None
    collected_at: str
    volume: float
    unit: str
    level: int
    status: str
    box_id: int | None
    position: int | None


_HELD = (SAMPLE.c.id, SAMPLE.c.code, S.c.code.label("study"), SAMPLE.c.study_id, SAMPLE.c.participant_id,
         P.c.code.label("participant"), SAMPLE.c.type_id, SAMPLE.c.timepoint, SAMPLE.c.collected_at, SAMPLE.c.volume,
         SAMPLE.c.unit, SAMPLE.c.level, SAMPLE.c.status, SAMPLE.c.box_id, SAMPLE.c.position)


def find_held(connection: Connection, code: str) -> Held:
    """The sample with this id, or NotFound in words (a mistyped or unknown scan)."""
    found = connection.execute(
        select(*_HELD).join(S, S.c.id == SAMPLE.c.study_id).join(P, P.c.id == SAMPLE.c.participant_id)
        .where(SAMPLE.c.code == normalized_code(code))).first()
    if found is None:
        raise NotFound(_("No sample has the id {code}.").format(code=code.strip()), field="sample")
    return Held(*found)


def permitted_sample(ctx: Context, connection: Connection, code: str, permission: Permission) -> Held:
    """The sample, once the user's role on its study allows `permission` (before any rule speaks)."""
    held = find_held(connection, code)
    ctx.require(permission, held.study)
    return held


def sample_type(definition: StudyDefinition, type_id: str, field: str = "type") -> SampleType:
    plan = definition.samples
    found = plan.type(type_id.strip().upper()) if plan else None
    if found is None:
        known = ", ".join(kind.id for kind in plan.types) if plan else _("none")
        raise InputError(_("{study} has no sample type {type}. Its types: {known}.").format(
            study=definition.short_name, type=type_id, known=known), field=field)
    return found


def _definition(connection: Connection, study_id: int) -> StudyDefinition:
    return current_definitions(connection, {study_id})[study_id]


def local_now(ctx: Context) -> datetime:
    return ctx.now().astimezone().replace(tzinfo=None, second=0, microsecond=0)


def event_moment(ctx: Context, text: str | datetime | None, label: str) -> datetime:
    """When something happened: now by default; never in the future."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return local_now(ctx)
    moment = parse_moment(text, "at", label)
    if moment > local_now(ctx):
        raise InputError(_("{label} {moment} is in the future.").format(label=label, moment=moment_text(moment)),
                         field="at")
    return moment


def check_in_order(connection: Connection, moment: datetime, held: Held) -> None:
    """Custody is told in order: a step cannot come before the sample's collection nor its latest step."""
    if moment_text(moment) < held.collected_at:
        raise InputError(_("{moment} is before sample {code} was collected ({collected}).").format(
            moment=moment_text(moment), code=held.code, collected=held.collected_at), field="at")
    latest = connection.execute(select(func.max(EVENT.c.at)).where(EVENT.c.sample_id == held.id)).scalar()
    if latest is not None and moment_text(moment) < latest:
        raise InputError(_("{moment} is before the last step recorded for sample {code} ({latest}).").format(
            moment=moment_text(moment), code=held.code, latest=latest), field="at")


def _usable(connection: Connection, moment: datetime, held: Held) -> None:
    """A withdrawal that asks to destroy samples leaves nothing to do with them but store them and destroy them."""
    require_not_stopped(connection, held.participant, moment.date(), Action.sample_use)


def collect(ctx: Context, participant: str, given: Collection) -> str:
    """Record a collected sample; returns its new id. Refused unless consent covers the type's scope that day."""
    moment = event_moment(ctx, given.at, _("The collection time"))
    volume = parse_quantity(given.volume, "volume", _("The volume"))
    with UnitOfWork(ctx, Permission.RECORD) as work:
        pid = permitted_participant_id(ctx, work.connection, participant, Permission.RECORD)
        subject = work.read(select(P.c.code, P.c.study_id, S.c.code.label("study"))
                            .join(S, S.c.id == P.c.study_id).where(P.c.id == pid)).one()
        definition = _definition(work.connection, subject.study_id)
        kind = sample_type(definition, given.type)
        if not kind.primary:
            raise RuleViolation(_("A {type} is made from another sample, not collected: use derive.").format(
                type=kind.label), field="type")
        timepoint = _timepoint(kind, given.timepoint)
        _check_unit(volume, kind)
        require_scope(work.connection, subject.code, moment.date(), Action.sample_collection, kind.consent)
        number = work.read(select(func.count()).where(SAMPLE.c.study_id == subject.study_id,
                                                      SAMPLE.c.level == 0)).scalar_one() + 1
        code = primary_code(subject.study, number)
        tags = {"study": subject.study, "subject": subject.code}
        key = work.insert(Sample, {
            "code": code, "study_id": subject.study_id, "participant_id": pid, "parent_id": None, "level": 0,
            "origin": "collected", "type_id": kind.id, "timepoint": timepoint, "collected_at": moment_text(moment),
            "collected_by": clean_text(given.collected_by) or ctx.user.full_name or ctx.actor,
            "volume": volume.value, "unit": volume.unit, "notes": clean_text(given.notes),
            "status": Status.collected.value}, record_id=code, **tags)
        assert key is not None
        append_event(work, key, code, Event.collected, moment, tags)
        return code


def _timepoint(kind: SampleType, text: str | None) -> str | None:
    value = clean_text(text)
    if value is None:
        return None
    upper = value.upper()
    if upper in kind.timepoints:
        return upper
    if not kind.timepoints:
        raise InputError(_("{type} has no timepoints.").format(type=kind.label), field="timepoint")
    raise InputError(_("{type} has no timepoint {timepoint}. Its timepoints: {known}.").format(
        type=kind.label, timepoint=value, known=", ".join(kind.timepoints)), field="timepoint")


def _check_unit(volume: Quantity, kind: SampleType) -> None:
    if not same_dimension(volume.unit, kind.unit):
        raise InputError(_("A {type} is measured in {unit}, not {given}.").format(
            type=kind.label, unit=kind.unit, given=volume.unit), field="volume")


def append_event(work: UnitOfWork, sample_id: int, code: str, event: Event, moment: datetime, tags: dict[str, str],
           **details: object) -> None:
    work.insert(SampleEvent, {"sample_id": sample_id, "event": event.value, "at": moment_text(moment),
                              "by": work.actor, **details}, record_id=code, **tags)


def _tags(held: Held) -> dict[str, str]:
    return {"study": held.study, "subject": held.participant}


def apply_event(work: UnitOfWork, held: Held, event: Event, moment: datetime, reason: str | None = None,
          **changes: object) -> Status:
    """Append `event` and bring the sample's stored status (and place) to what it leads to."""
    status = next_status(Status(held.status), event, held.code)
    values = {"status": status.value, **changes}
    if event in LEAVES_POSITION:
        values.update(box_id=None, position=None)
    work.update(Sample, held.id, values, reason=reason or event.label, audited_as=held.code, **_tags(held))
    return status


def aliquot(ctx: Context, code: str, count: int, volume: str, at: str | datetime | None = None) -> list[str]:
    """Split a sample into `count` aliquots of `volume` each, of the same type; returns their ids."""
    return derive(ctx, code, Derivation(type="", volume=volume, count=count, at=at), split=True)


def derive(ctx: Context, code: str, given: Derivation, *, split: bool = False) -> list[str]:
    """Make samples from another one (aliquots when `split`): each keeps its parent and level, and takes its part
    of the parent's remainder."""
    if not isinstance(given.count, int) or not 1 <= given.count <= MAX_ALIQUOTS:
        raise InputError(_("Make between 1 and {most} samples at once.").format(most=MAX_ALIQUOTS), field="count")
    moment = event_moment(ctx, given.at, _("The time"))
    volume = parse_quantity(given.volume, "volume", _("The volume"))
    with UnitOfWork(ctx, Permission.RECORD) as work:
        parent = permitted_sample(ctx, work.connection, code, Permission.RECORD)
        check_in_order(work.connection, moment, parent)
        _usable(work.connection, moment, parent)
        definition = _definition(work.connection, parent.study_id)
        parent_type = sample_type(definition, parent.type_id)
        if split:
            kind = parent_type
            if kind.dose is not None:
                raise RuleViolation(_("A {type} is counted and dosed as made; make the doses from the product it "
                                      "comes from instead of splitting one.").format(type=kind.label), field="count")
        else:
            kind = sample_type(definition, given.type)
            if kind.id not in parent_type.derivatives:
                made = ", ".join(parent_type.derivatives) or _("nothing")
                raise RuleViolation(_("A {type} cannot be made from a {parent} (it makes: {made}).").format(
                    type=kind.label, parent=parent_type.label, made=made), field="type")
        _check_unit(volume, kind)
        taken = _taken(given, volume, parent)
        left = remainder(parent.volume, _taken_so_far(work.connection, parent.id))
        if taken * given.count > left + EPSILON:
            raise RuleViolation(_("{count} × {each:g} {unit} is more than the {left:g} {unit} left of {code}.").format(
                count=given.count, each=taken, unit=parent.unit, left=left, code=parent.code), field="volume")
        dose = _dose(kind, given)
        event = Event.aliquoted if split else Event.processed
        tags = _tags(parent)
        ordinal = work.read(select(func.count()).where(SAMPLE.c.parent_id == parent.id)).scalar_one()
        made_codes = []
        for index in range(1, given.count + 1):
            new_code = child_code(parent.code, ordinal + index)
            key = work.insert(Sample, {
                "code": new_code, "study_id": parent.study_id, "participant_id": parent.participant_id,
                "parent_id": parent.id, "level": parent.level + 1, "origin": "aliquot" if split else "derivative",
                "type_id": kind.id, "timepoint": parent.timepoint, "collected_at": parent.collected_at,
                "collected_by": ctx.user.full_name or ctx.actor, "volume": volume.value, "unit": volume.unit,
                "taken": taken, "notes": clean_text(given.notes), "status": FIRST_EVENTS[event].value, **dose},
                record_id=new_code, **tags)
            assert key is not None
            append_event(work, key, new_code, event, moment, tags, note=_("from {code}").format(code=parent.code))
            made_codes.append(new_code)
        note = _("into {codes}").format(codes=", ".join(made_codes))
        apply_event(work, parent, event, moment)
        append_event(work, parent.id, parent.code, event, moment, tags, note=note)
        return made_codes


def _taken(given: Derivation, volume: Quantity, parent: Held) -> float:
    """What each new sample takes from the parent, in the parent's unit."""
    if given.taken:
        part = parse_quantity(given.taken, "taken", _("The amount taken"))
    elif same_dimension(volume.unit, parent.unit):
        part = volume
    else:
        raise InputError(_("Say how much of {code} each one takes ({unit}).").format(
            code=parent.code, unit=parent.unit), field="taken")
    if not same_dimension(part.unit, parent.unit):
        raise InputError(_("{code} is measured in {unit}: the amount taken must be too.").format(
            code=parent.code, unit=parent.unit), field="taken")
    return part.to(parent.unit)


def _taken_so_far(connection: Connection, parent_id: int) -> list[float]:
    return [row[0] or 0.0 for row in connection.execute(select(SAMPLE.c.taken).where(SAMPLE.c.parent_id == parent_id))]


def _dose(kind: SampleType, given: Derivation) -> dict[str, float | None]:
    if kind.dose is None:
        if given.total_cells or given.marker_cells or given.weight:
            raise InputError(_("Cell counts and weight are recorded for cell products dosed per kg, not for a "
                               "{type}.").format(type=kind.label), field="cells")
        return {}
    missing = [label for label, value in ((_("total cells"), given.total_cells),
                                          (_("{marker} cells").format(marker=kind.dose.marker), given.marker_cells),
                                          (_("the recipient's weight"), given.weight)) if not value]
    if missing:
        raise InputError(_("A {type} needs {missing} to compute its dose per kg.").format(
            type=kind.label, missing=", ".join(missing)), field="cells")
    assert given.total_cells and given.marker_cells and given.weight
    total = parse_cell_count(given.total_cells, "total_cells", _("Total cells"))
    marker = parse_cell_count(given.marker_cells, "marker_cells", _("{marker} cells").format(marker=kind.dose.marker))
    if marker > total:
        raise InputError(_("There cannot be more {marker} cells than cells in all.").format(marker=kind.dose.marker),
                         field="marker_cells")
    return {"total_cells": total, "marker_cells": marker, "recipient_weight_kg": parse_weight(given.weight)}


def receive(ctx: Context, code: str, at: str | datetime | None = None) -> Status:
    """The sample arrives at the lab, or comes back from where it was shipped."""
    moment = event_moment(ctx, at, _("The time"))
    with UnitOfWork(ctx, Permission.RECORD) as work:
        held = permitted_sample(ctx, work.connection, code, Permission.RECORD)
        check_in_order(work.connection, moment, held)
        event = Event.received_back if held.status == Status.shipped.value else Event.received
        status = apply_event(work, held, event, moment)
        append_event(work, held.id, held.code, event, moment, _tags(held))
        return status


def store(ctx: Context, code: str, location: str, at: str | datetime | None = None) -> str:
    """Put a sample in a box position, or move it to another; returns the full location. One sample a position."""
    place = parse_location(location)
    moment = event_moment(ctx, at, _("The time"))
    with UnitOfWork(ctx, Permission.RECORD) as work:
        held = permitted_sample(ctx, work.connection, code, Permission.RECORD)
        check_in_order(work.connection, moment, held)
        box = work.read(select(UNIT.c.id, UNIT.c.rows, UNIT.c.columns, UNIT.c.path)
                        .where(UNIT.c.path == place.box_path, UNIT.c.kind == "box")).first()
        if box is None:
            raise NotFound(_("There is no box {box}; add it under Storage first.").format(box=place.box_path),
                           field="location")
        number = position_number(place.position, box.rows, box.columns, box.path)
        taken = work.read(select(SAMPLE.c.code).where(SAMPLE.c.box_id == box.id, SAMPLE.c.position == number)).first()
        where = f"{box.path}/{position_label(number, box.columns)}"
        if taken is not None:
            detail = (_("{code} is already there").format(code=taken.code) if taken.code != held.code
                      else _("the sample is already there"))
            raise RuleViolation(_("Position {where} is taken: {detail}.").format(where=where, detail=detail),
                                field="location")
        event = Event.moved if held.status == Status.stored.value else Event.stored
        apply_event(work, held, event, moment, reason=_("{event} at {where}").format(event=event.label, where=where),
              box_id=box.id, position=number)
        append_event(work, held.id, held.code, event, moment, _tags(held), location=where)
        return where


def retrieve(ctx: Context, code: str, at: str | datetime | None = None, note: str | None = None) -> str:
    """Take a sample out of its box (for processing or use); returns where it was."""
    return _leave(ctx, code, Event.retrieved, at, note=clean_text(note))


def use(ctx: Context, code: str, reason: str, at: str | datetime | None = None) -> str:
    """The sample was used up (an assay, an infusion)."""
    return _leave(ctx, code, Event.used, at, reason=_required(reason, _("Say what the sample was used for.")))


def destroy(ctx: Context, code: str, reason: str, at: str | datetime | None = None) -> str:
    """The sample was destroyed; its record and id stay."""
    return _leave(ctx, code, Event.destroyed, at, reason=_required(reason, _("A reason is required to destroy a "
                                                                             "sample.")))


def _required(text: str | None, message: str) -> str:
    value = clean_text(text)
    if value is None:
        raise InputError(message, field="reason")
    return value


def _leave(ctx: Context, code: str, event: Event, at: str | datetime | None, **details: str | None) -> str:
    moment = event_moment(ctx, at, _("The time"))
    with UnitOfWork(ctx, Permission.RECORD) as work:
        held = permitted_sample(ctx, work.connection, code, Permission.RECORD)
        check_in_order(work.connection, moment, held)
        if event is Event.used:
            _usable(work.connection, moment, held)
        where = location_of(work.connection, held)
        apply_event(work, held, event, moment, reason=details.get("reason") or event.label)
        append_event(work, held.id, held.code, event, moment, _tags(held), location=where, **details)
        return where or ""


def location_of(connection: Connection, held: Held) -> str | None:
    if held.box_id is None or held.position is None:
        return None
    box = connection.execute(select(UNIT.c.path, UNIT.c.columns).where(UNIT.c.id == held.box_id)).one()
    return f"{box.path}/{position_label(held.position, box.columns)}"


def ship(ctx: Context, codes: list[str], destination: str, at: str | datetime | None = None,
         note: str | None = None) -> str:
    """Send samples of one study to a destination under a new manifest number; returns the number."""
    where_to = _required(destination, _("Say where the samples are shipped to."))
    moment = event_moment(ctx, at, _("The shipping time"))
    if not codes:
        raise InputError(_("Name the samples to ship."), field="sample")
    with UnitOfWork(ctx, Permission.RECORD) as work:
        held = [permitted_sample(ctx, work.connection, code, Permission.RECORD) for code in codes]
        if len({sample.code for sample in held}) != len(held):
            raise InputError(_("A sample is named twice."), field="sample")
        studies = {sample.study for sample in held}
        if len(studies) > 1:
            raise InputError(_("A shipment holds the samples of one study; these are of {studies}.").format(
                studies=", ".join(sorted(studies))), field="sample")
        first = held[0]
        count = work.read(select(func.count()).where(SHIPMENT.c.study_id == first.study_id)).scalar_one()
        number = f"{first.study}-SHP-{count + 1:04d}"
        shipment = work.insert(Shipment, {"number": number, "study_id": first.study_id, "destination": where_to,
                                          "shipped_at": moment_text(moment), "shipped_by": ctx.actor,
                                          "note": clean_text(note)}, record_id=number, study=first.study)
        for sample in held:
            check_in_order(work.connection, moment, sample)
            _usable(work.connection, moment, sample)
            where = location_of(work.connection, sample)
            apply_event(work, sample, Event.shipped, moment, reason=_("shipped to {to} ({number})").format(
                to=where_to, number=number))
            append_event(work, sample.id, sample.code, Event.shipped, moment, _tags(sample), location=where,
                   destination=where_to, shipment_id=shipment)
        return number
