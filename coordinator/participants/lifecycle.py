"""The status lifecycle of a participant, as plain rules over plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import N_, _


class Status(str, Enum):
    screening = "screening"
    enrolled = "enrolled"
    completed = "completed"
    withdrawn = "withdrawn"
    lost = "lost to follow-up"
    screen_failure = "screen failure"

    @property
    def label(self) -> str:
        return _(_LABELS[self])

    @property
    def is_final(self) -> bool:
        return self in FINAL


_LABELS = {
    Status.screening: N_("Screening"),
    Status.enrolled: N_("Enrolled"),
    Status.completed: N_("Completed"),
    Status.withdrawn: N_("Withdrawn"),
    Status.lost: N_("Lost to follow-up"),
    Status.screen_failure: N_("Screen failure"),
}

FINAL = frozenset({Status.completed, Status.withdrawn, Status.lost, Status.screen_failure})

ALLOWED = {
    Status.screening: frozenset({Status.enrolled, Status.screen_failure, Status.withdrawn}),
    Status.enrolled: frozenset({Status.completed, Status.withdrawn, Status.lost}),
}


def parse_status(text: str) -> Status:
    """Accept the value, the label or a short form: 'lost', 'screen-failure', 'Screen failure'."""
    def words(value: str) -> str:
        return " ".join(value.lower().replace("-", " ").replace("_", " ").split())

    wanted = words(text)
    for status in Status:
        if wanted in (words(status.value), words(status.label), words(status.name)):
            return status
    raise InputError(_("Unknown status {status}. Use one of: {known}.").format(
        status=text, known=", ".join(status.value for status in Status)), field="status")


@dataclass(frozen=True)
class Move:
    """A requested status change."""

    to: Status
    on: date
    arm: str | None = None


def check_move(current: Status, last_move: date, move: Move, today: date, *, arms: set[str]) -> None:
    """Refuse a move the lifecycle forbids, with the reason in words."""
    if current.is_final:
        raise RuleViolation(_("The participant's status is final ({status} since {date}): "
                              "no further status change is possible.").format(
            status=current.label, date=last_move.isoformat()), field="status")
    if move.to not in ALLOWED[current]:
        raise RuleViolation(_("A participant in {current} cannot move to {target}.").format(
            current=current.label, target=move.to.label), field="status")
    if move.on > today:
        raise InputError(_("The date {date} is in the future.").format(date=move.on.isoformat()), field="date")
    if move.on < last_move:
        raise InputError(_("The date {date} is before the last status change ({last}).").format(
            date=move.on.isoformat(), last=last_move.isoformat()), field="date")
    if move.to is Status.enrolled:
        if not move.arm:
            raise RuleViolation(_("Enrolling needs an arm."), field="arm")
        if move.arm not in arms:
            raise InputError(_("Unknown arm {arm}. Arms of this study: {known}.").format(
                arm=move.arm, known=", ".join(sorted(arms))), field="arm")
    elif move.arm:
        raise InputError(_("An arm is given only when enrolling."), field="arm")
