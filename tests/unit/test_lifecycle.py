from datetime import date

import pytest

from coordinator.errors import InputError, RuleViolation
from coordinator.participants.lifecycle import Move, Status, check_move, parse_status

TODAY = date(2026, 11, 21)
ARMS = {"AL", "CONTROL"}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.screening, Status.screen_failure),
        (Status.screening, Status.withdrawn),
        (Status.enrolled, Status.completed),
        (Status.enrolled, Status.withdrawn),
        (Status.enrolled, Status.lost),
    ],
)
def test_allowed_moves(current, target):
    check_move(current, date(2026, 1, 1), Move(target, date(2026, 2, 1)), TODAY, arms=ARMS)


def test_enrolling_needs_a_known_arm():
    check_move(Status.screening, date(2026, 1, 1), Move(Status.enrolled, date(2026, 1, 2), "AL"), TODAY, arms=ARMS)
    with pytest.raises(RuleViolation, match="needs an arm") as refused:
        check_move(Status.screening, date(2026, 1, 1), Move(Status.enrolled, date(2026, 1, 2)), TODAY, arms=ARMS)
    assert refused.value.field == "arm"
    with pytest.raises(InputError, match=r"Unknown arm XYZ\. Arms of this study: AL, CONTROL"):
        check_move(Status.screening, date(2026, 1, 1), Move(Status.enrolled, date(2026, 1, 2), "XYZ"), TODAY,
                   arms=ARMS)


def test_an_arm_is_only_given_when_enrolling():
    with pytest.raises(InputError, match="only when enrolling"):
        check_move(Status.enrolled, date(2026, 1, 1), Move(Status.completed, date(2026, 1, 2), "AL"), TODAY,
                   arms=ARMS)


@pytest.mark.parametrize("final", [Status.withdrawn, Status.completed, Status.lost, Status.screen_failure])
def test_nothing_after_a_final_status(final):
    with pytest.raises(RuleViolation, match="no further status change"):
        check_move(final, date(2026, 1, 1), Move(Status.enrolled, date(2026, 2, 1), "AL"), TODAY, arms=ARMS)


@pytest.mark.parametrize(
    ("current", "target"),
    [(Status.screening, Status.completed), (Status.screening, Status.lost), (Status.enrolled, Status.screen_failure),
     (Status.enrolled, Status.enrolled), (Status.screening, Status.screening)],
)
def test_moves_the_lifecycle_forbids(current, target):
    with pytest.raises(RuleViolation, match="cannot move"):
        check_move(current, date(2026, 1, 1), Move(target, date(2026, 2, 1), "AL" if target is Status.enrolled
                                                   else None), TODAY, arms=ARMS)


def test_dates_of_a_move():
    with pytest.raises(InputError, match="in the future") as future:
        check_move(Status.screening, date(2026, 1, 1), Move(Status.screen_failure, date(2026, 11, 22)), TODAY,
                   arms=ARMS)
    assert future.value.field == "date"
    with pytest.raises(InputError, match="before the last status change"):
        check_move(Status.screening, date(2026, 3, 1), Move(Status.screen_failure, date(2026, 2, 28)), TODAY,
                   arms=ARMS)
    check_move(Status.screening, date(2026, 3, 1), Move(Status.screen_failure, date(2026, 3, 1)), TODAY, arms=ARMS)


@pytest.mark.parametrize(
    ("text", "status"),
    [("enrolled", Status.enrolled), ("Screen failure", Status.screen_failure),
     ("screen-failure", Status.screen_failure), ("lost", Status.lost), ("LOST TO FOLLOW-UP", Status.lost),
     ("withdrawn", Status.withdrawn)],
)
def test_parse_status(text, status):
    assert parse_status(text) is status


def test_parse_status_refuses_unknown_words():
    with pytest.raises(InputError, match="Unknown status gone"):
        parse_status("gone")
