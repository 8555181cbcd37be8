"""Custody as data: the events a sample goes through, and its status as a pure function of them.

The status is stored beside the sample so that lists filter on it in SQL; it is always the value `status_after`
gives for the sample's events, written in the same transaction as the event (a test replays them to check).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from coordinator.errors import RuleViolation
from coordinator.i18n import N_, _


class Event(str, Enum):
    collected = "collected"
    received = "received"
    processed = "processed"  # made from another sample, or the parent a derivative was made from
    aliquoted = "aliquoted"  # split from another sample, or the parent split
    stored = "stored"
    moved = "moved"
    retrieved = "retrieved"
    shipped = "shipped"
    received_back = "received back"
    used = "used"
    destroyed = "destroyed"

    @property
    def label(self) -> str:
        return _(_EVENT_LABELS[self])


_EVENT_LABELS = {
    Event.collected: N_("collected"), Event.received: N_("received"), Event.processed: N_("processed"),
    Event.aliquoted: N_("aliquoted"), Event.stored: N_("stored"), Event.moved: N_("moved"),
    Event.retrieved: N_("retrieved"), Event.shipped: N_("shipped"), Event.received_back: N_("received back"),
    Event.used: N_("used"), Event.destroyed: N_("destroyed"),
}


class Status(str, Enum):
    collected = "collected"
    received = "received"
    processed = "processed"
    stored = "stored"
    retrieved = "retrieved"  # out of storage, at the bench
    shipped = "shipped"
    used = "used"
    destroyed = "destroyed"

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])

    @property
    def is_final(self) -> bool:
        return self in (Status.used, Status.destroyed)

    @property
    def is_here(self) -> bool:
        """At the site: can be processed, stored, used or destroyed here."""
        return self not in (Status.shipped, Status.used, Status.destroyed)


_STATUS_LABELS = {
    Status.collected: N_("collected"), Status.received: N_("received"), Status.processed: N_("processed"),
    Status.stored: N_("stored"), Status.retrieved: N_("retrieved"), Status.shipped: N_("shipped"),
    Status.used: N_("used"), Status.destroyed: N_("destroyed"),
}

# event -> (the statuses it may follow, the status it leads to; None keeps the status)
_RULES: dict[Event, tuple[frozenset[Status], Status | None]] = {
    Event.received: (frozenset({Status.collected}), Status.received),
    Event.processed: (frozenset({Status.collected, Status.received, Status.processed, Status.retrieved,
                                 Status.stored}), None),
    Event.aliquoted: (frozenset({Status.collected, Status.received, Status.processed, Status.retrieved,
                                 Status.stored}), None),
    Event.stored: (frozenset({Status.collected, Status.received, Status.processed, Status.retrieved}),
                   Status.stored),
    Event.moved: (frozenset({Status.stored}), Status.stored),
    Event.retrieved: (frozenset({Status.stored}), Status.retrieved),
    Event.shipped: (frozenset({Status.collected, Status.received, Status.processed, Status.retrieved,
                               Status.stored}), Status.shipped),
    Event.received_back: (frozenset({Status.shipped}), Status.received),
    Event.used: (frozenset({Status.collected, Status.received, Status.processed, Status.retrieved,
                            Status.stored}), Status.used),
    Event.destroyed: (frozenset({Status.collected, Status.received, Status.processed, Status.retrieved,
                                 Status.stored}), Status.destroyed),
}
FIRST_EVENTS = {Event.collected: Status.collected, Event.aliquoted: Status.processed,
                Event.processed: Status.processed}
LEAVES_POSITION = frozenset({Event.retrieved, Event.shipped, Event.used, Event.destroyed})


def next_status(current: Status, event: Event, code: str) -> Status:
    """The status after `event`, or a refusal in words when the event cannot follow the current status."""
    allowed, after = _RULES[event]
    if current not in allowed:
        raise RuleViolation(_("Sample {code} is {status}: it cannot be {event}.").format(
            code=code, status=current.label, event=event.label), field="sample")
    return after or (Status.processed if current in (Status.collected, Status.received) else current)


def status_after(events: Iterable[Event]) -> Status:
    """The status a sample's events lead to, replayed from the first (its making) to the last."""
    found = iter(events)
    status = FIRST_EVENTS[next(found)]
    for event in found:
        status = next_status(status, event, "")
    return status
