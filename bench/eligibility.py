"""Issue 4 budgets: the eligibility check of one participant (< 50 ms) and randomizing 1,000 participants in a
row, each enrollment audited in its own transaction (< 5 s).

The check is timed for a participant of every study with its demo values recorded, in a register of
`--count` participants (the check reads one participant, so the register's size should not matter).
The randomization run prepares 1,000 consented, confirmed ELIT-AML01 participants (not timed), then enrolls them
one after another through the service: eligibility and consent gates, stratum, sealed list reveal, audit.

Usage: .venv/bin/python bench/eligibility.py [--count 10000] [--runs 15] [--randomize 1000]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, datetime, time

from common import fill_register, fresh_workspace, machine, median_seconds, ms, print_table, scratch, seconds, verdict

from coordinator.assignment.enrollment import enroll
from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.participants.register import Registration, register, register_many
from coordinator.studies import catalogue
from tests.consenting import sign_all

DAY = date(2026, 11, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--randomize", type=int, default=1000)
    args = parser.parse_args()
    print(machine())
    with scratch() as folder:
        path = folder / "bench.sqlite3"
        fresh_workspace(path).ctx.engine.dispose()
        fill_register(path, args.count)
        ctx = fresh_workspace(path).ctx
        then = replace(ctx, clock=lambda: datetime.combine(DAY, time(10)).astimezone())
        rows = []
        for summary in catalogue.summaries(ctx):
            values = demo_values(summary.code)
            if values is None:
                continue
            definition = summary.definition
            age = definition.age.minimum or 1
            code = register(ctx, Registration(summary.code, definition.sites[0].number,
                                              date(2026 - age - 1, 6, 1), "F", registered_on=DAY)).code
            sign_all(ctx, code, DAY)
            eligibility.record(then, code, values.eligible(None, DAY))
            decision = eligibility.assessment(then, code).verdict.decision.value
            took = median_seconds(lambda code=code: eligibility.assessment(then, code), args.runs)
            rows.append((f"check {summary.code} ({len(definition.eligibility.criteria)} criteria, {decision})",
                         ms(took), verdict(took < 0.05)))
        print_table(("eligibility check of one participant", f"median of {args.runs}", "budget 50 ms"), rows)
    if args.randomize:
        randomize(args.randomize)


def randomize(count: int) -> None:
    with scratch() as folder:
        ctx = fresh_workspace(folder / "bench.sqlite3").ctx
        then = replace(ctx, clock=lambda: datetime.combine(DAY, time(10)).astimezone())
        codes = [r.code for r in register_many(ctx, [
            Registration("ELIT-AML01", 1, date(1970, 1, 1 + n % 28), "FM"[n % 2], registered_on=DAY)
            for n in range(count)])]
        values = demo_values("ELIT-AML01").eligible(None, DAY)
        for code in codes:
            sign_all(ctx, code, DAY)
            eligibility.record(then, code, values)
            eligibility.confirm(then, code)

        def run() -> None:
            for code in codes:
                enroll(then, code)

        took = seconds(run)
        arms = next(s for s in catalogue.summaries(ctx) if s.code == "ELIT-AML01").arms
        print()
        print_table((f"randomizing {count} participants in a row", "total", "per enrollment", "budget 5 s"), [
            ("enroll(): gates, reveal, status, audit", f"{took:.2f} s", ms(took / count), verdict(took < 5)),
        ])
        print("arms: " + ", ".join(f"{arm.code} {arm.enrolled}" for arm in arms))


if __name__ == "__main__":
    main()
