"""Reading a shipment: what left, from where, to whom, under which manifest number (the manifest PDF prints it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from coordinator.context import Context
from coordinator.errors import NotFound
from coordinator.i18n import _
from coordinator.samples.custody import Event
from coordinator.samples.lineage import normalized_code, remainder
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies.catalogue import current_definitions
from coordinator.studies.schema import Site
from db.tables import Participant, Sample, SampleEvent, Shipment, Study, UserAccount

SHIPMENT = Shipment.__table__
EVENT = SampleEvent.__table__
SAMPLE = Sample.__table__
CHILD = SAMPLE.alias("child")
P = Participant.__table__
S = Study.__table__
USER = UserAccount.__table__


@dataclass(frozen=True)
class ShippedSample:
    code: str
    participant: str
    type_id: str
    timepoint: str | None
    collected_at: str  # local date and time, YYYY-MM-DD HH:MM
    volume_text: str  # what the tube held when it left: its volume less what aliquots and derivatives took
    from_location: str | None  # FREEZER/RACK/BOX/POS it was taken from; None if it was not stored


@dataclass(frozen=True)
class ShipmentDetail:
    number: str
    study: str
    destination: str
    shipped_at: str  # local date and time, YYYY-MM-DD HH:MM
    shipped_by: str  # login
    note: str | None
    samples: list[ShippedSample]
    shipped_by_name: str = ""  # the account's full name
    sender: str = ""  # the site(s) of the participants, as the study file names them
    study_title: str = ""

    @property
    def count(self) -> int:
        return len(self.samples)


def shipment(ctx: Context, number: str) -> ShipmentDetail:
    """The shipment with this manifest number and its samples in id order; READ on its study."""
    ctx.require(Permission.READ)
    wanted = normalized_code(number)
    with environment_errors(), ctx.engine.connect() as connection:
        head = connection.execute(
            select(SHIPMENT.c.id, SHIPMENT.c.number, SHIPMENT.c.study_id, S.c.code.label("study"),
                   SHIPMENT.c.destination, SHIPMENT.c.shipped_at, SHIPMENT.c.shipped_by, SHIPMENT.c.note,
                   USER.c.full_name)
            .join(S, S.c.id == SHIPMENT.c.study_id).outerjoin(USER, USER.c.login == SHIPMENT.c.shipped_by)
            .where(SHIPMENT.c.number == wanted)).first()
        if head is None:
            raise NotFound(_("No shipment has the manifest number {number}.").format(number=number.strip()),
                           field="shipment")
        ctx.require(Permission.READ, head.study)
        taken = (select(func.coalesce(func.sum(CHILD.c.taken), 0.0)).where(CHILD.c.parent_id == SAMPLE.c.id)
                 .scalar_subquery())
        rows = connection.execute(
            select(SAMPLE.c.code, P.c.code.label("participant"), P.c.site_number, SAMPLE.c.type_id,
                   SAMPLE.c.timepoint, SAMPLE.c.collected_at, SAMPLE.c.volume, SAMPLE.c.unit, taken.label("taken"),
                   EVENT.c.location)
            .select_from(EVENT).join(SAMPLE, SAMPLE.c.id == EVENT.c.sample_id)
            .join(P, P.c.id == SAMPLE.c.participant_id)
            .where(EVENT.c.shipment_id == head.id, EVENT.c.event == Event.shipped.value)
            .order_by(SAMPLE.c.code)).all()
        definition = current_definitions(connection, {head.study_id})[head.study_id]
    sites = sorted({row.site_number for row in rows})
    sender = "; ".join(_site_text(definition.site(number), number) for number in sites)
    return ShipmentDetail(
        head.number, head.study, head.destination, head.shipped_at, head.shipped_by, head.note,
        [ShippedSample(row.code, row.participant, row.type_id, row.timepoint, row.collected_at,
                       f"{remainder(row.volume, [row.taken]):g} {row.unit}", row.location) for row in rows],
        head.full_name or "", sender, definition.title)


def _site_text(site: Site | None, number: int) -> str:
    if site is None:
        return _("site {number:02d}").format(number=number)
    return f"{site.name}, {site.city}" if site.city else site.name
