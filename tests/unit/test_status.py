from datetime import date

import pytest

from coordinator.errors import NotFound, RuleViolation
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.queries import get_participant
from coordinator.participants.register import Registration, register
from coordinator.participants.status import change_status
from tests.enrolling import enroll_on


def test_enrol_then_withdraw_sets_the_dates(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2016-01-10", "F", registered_on="2026-09-01")).code
    enroll_on(ctx, code, "MILA", "CONTROL", date(2026, 9, 10))
    change_status(ctx, code, Move(Status.withdrawn, date(2026, 10, 1)), "family moved abroad")
    row = get_participant(ctx, code).row
    assert (row.status, row.arm, row.enrolled_on, row.ended_on) == (
        Status.withdrawn, "CONTROL", date(2026, 9, 10), date(2026, 10, 1))
    with pytest.raises(RuleViolation, match="final"):
        change_status(ctx, code, Move(Status.completed, date(2026, 10, 2)))


def test_enrolling_is_not_a_plain_status_change(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("ELIT-AML01", 1, "1980-01-10", "M")).code
    with pytest.raises(RuleViolation, match="Enroll"):
        change_status(ctx, code, Move(Status.enrolled, date(2026, 11, 21), "A-DLI"))
    assert get_participant(ctx, code).row.status is Status.screening


def test_an_unknown_code_is_not_found(workspace):
    with pytest.raises(NotFound, match="No participant has the code MILA-09-9999"):
        change_status(workspace.ctx, "MILA-09-9999", Move(Status.withdrawn, date(2026, 11, 21)))
