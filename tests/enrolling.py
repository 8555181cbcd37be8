"""Enrolling through the real services on a given day: consent signed, demo values recorded, eligibility
confirmed, then enrollment (the arm from the study design)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from coordinator.assignment.enrollment import Enrolled, enroll
from coordinator.context import Context
from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from tests.consenting import sign_all


def on_day(ctx: Context, day: date) -> Context:
    """The same workspace with its clock at 10:00 on `day`."""
    return replace(ctx, clock=lambda: datetime.combine(day, time(10, 0)).astimezone())


def make_eligible(ctx: Context, code: str, study: str, arm: str | None, day: date) -> None:
    then = on_day(ctx, day)
    values = demo_values(study)
    assert values is not None, f"resources/demo/{study}.yaml is missing"
    eligibility.record(then, code, values.eligible(arm, day))
    eligibility.confirm(then, code)


def enroll_on(ctx: Context, code: str, study: str, arm: str | None, day: date) -> Enrolled:
    sign_all(ctx, code, day)
    make_eligible(ctx, code, study, arm, day)
    return enroll(on_day(ctx, day), code, reason="eligible")
