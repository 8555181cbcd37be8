"""A withdrawal of consent that says "destroy samples" flows to the samples: the list of what must be destroyed
(with where each one is), the certificate to sign, then one confirmation that marks them all destroyed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from coordinator.audit.writer import UnitOfWork
from coordinator.consent.service import status as consent_status
from coordinator.consent.status import Scope, State
from coordinator.context import Context
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.queries import permitted_participant_id
from coordinator.samples.custody import Event, Status
from coordinator.samples.quantities import moment_text
from coordinator.samples.queries import EVENT, SHIPMENT, EventRow, SampleRow, samples_of
from coordinator.samples.service import (
    append_event,
    apply_event,
    check_in_order,
    event_moment,
    find_held,
    location_of,
)
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from db.tables import Sample

SAMPLE = Sample.__table__


@dataclass(frozen=True)
class DestructionList:
    participant: str
    study: str
    withdrawn_on: date
    to_destroy: list[SampleRow]  # at the site: to be destroyed here
    elsewhere: list[SampleRow]  # shipped: the destination must be told to destroy them
    destroyed: list[SampleRow]  # already destroyed (or used up): nothing left to do
    last_events: dict[str, EventRow] = field(default_factory=dict)  # each sample's latest custody event

    def last_event(self, code: str) -> EventRow | None:
        """Where a shipped sample went, or when a destroyed one was destroyed."""
        return self.last_events.get(code)

    @property
    def certificate_number(self) -> str:
        return f"{self.participant}-DC-{self.withdrawn_on:%Y%m%d}"

    @property
    def reason(self) -> str:
        return _("Consent withdrawn on {date}: destroy samples (certificate {number})").format(
            date=self.withdrawn_on.isoformat(), number=self.certificate_number)


def destruction_list(ctx: Context, participant: str) -> DestructionList:
    """What a withdrawal with "destroy samples" asks of the site; refused when consent says no such thing."""
    current = consent_status(ctx, participant)
    if current.state is not State.withdrawn or Scope.samples not in current.scopes:
        raise RuleViolation(_("The consent of {code} is not withdrawn with \"destroy samples\": no sample is to be "
                              "destroyed for a withdrawal.").format(code=participant.strip().upper()),
                            field="participant")
    assert current.since is not None
    rows = samples_of(ctx, participant)
    return DestructionList(
        participant.strip().upper(), rows[0].study if rows else "", current.since,
        [r for r in rows if r.status.is_here], [r for r in rows if r.status is Status.shipped],
        [r for r in rows if r.status.is_final], _last_events(ctx, rows))


def _last_events(ctx: Context, rows: list[SampleRow]) -> dict[str, EventRow]:
    """The latest custody event of each sample, in one query."""
    codes = {row.id: row.code for row in rows}
    found: dict[str, EventRow] = {}
    with environment_errors(), ctx.engine.connect() as connection:
        for e in connection.execute(
                select(EVENT.c.sample_id, EVENT.c.event, EVENT.c.at, EVENT.c.by, EVENT.c.location,
                       EVENT.c.destination, SHIPMENT.c.number, EVENT.c.reason, EVENT.c.note)
                .outerjoin(SHIPMENT, SHIPMENT.c.id == EVENT.c.shipment_id)
                .where(EVENT.c.sample_id.in_(list(codes))).order_by(EVENT.c.id)):
            found[codes[e.sample_id]] = EventRow(Event(e.event), e.at, e.by, e.location, e.destination, e.number,
                                                 e.reason, e.note)
    return found


def confirm_destruction(ctx: Context, participant: str, at: str | datetime | None = None,
                        expected: list[str] | None = None) -> DestructionList:
    """Mark every sample of the list destroyed, in one transaction; returns the list as it was confirmed.
    `expected`: the ids the person confirming was shown (the certificate signed); refused if the list changed."""
    listed = destruction_list(ctx, participant)
    if not listed.to_destroy:
        raise RuleViolation(_("No sample of {code} is left to destroy at the site.").format(code=listed.participant),
                            field="participant")
    if expected is not None and sorted(expected) != sorted(row.code for row in listed.to_destroy):
        raise RuleViolation(_("The samples to destroy changed since the list was shown; check the new list (and print "
                              "the certificate again)."), field="participant")
    moment = event_moment(ctx, at, _("The time of destruction"))
    if moment.date() < listed.withdrawn_on:
        raise InputError(_("The destruction ({moment}) cannot come before the withdrawal ({date}).").format(
            moment=moment_text(moment), date=listed.withdrawn_on.isoformat()), field="at")
    with UnitOfWork(ctx, Permission.RECORD) as work:
        permitted_participant_id(ctx, work.connection, participant, Permission.RECORD)
        for row in listed.to_destroy:
            held = find_held(work.connection, row.code)
            if held.status != row.status.value:
                raise RuleViolation(_("Sample {code} changed meanwhile; open the list again.").format(code=row.code),
                                    field="participant")
            check_in_order(work.connection, moment, held)
            where = location_of(work.connection, held)
            apply_event(work, held, Event.destroyed, moment, reason=listed.reason)
            append_event(work, held.id, held.code, Event.destroyed, moment, {"study": held.study,
                                                                         "subject": held.participant},
                   location=where, reason=listed.reason)
    return listed
