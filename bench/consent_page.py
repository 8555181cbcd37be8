"""What the consent column costs: the status of a 200-row page of the participant table, with three signatures
per participant, next to the page of rows itself.

Usage: .venv/bin/python bench/consent_page.py [--count 2000] [--runs 7]
"""

from __future__ import annotations

import argparse
from datetime import date

from common import fill_register, fresh_workspace, machine, median_seconds, ms, print_table, scratch

from coordinator.consent.service import statuses
from coordinator.participants.queries import ParticipantQuery, find_ids, rows
from tests.consenting import sign_all

PAGE = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with scratch() as folder:
        path = folder / "bench.sqlite3"
        fresh_workspace(path).ctx.engine.dispose()
        fill_register(path, args.count)
        ctx = fresh_workspace(path).ctx
        ids = find_ids(ctx, ParticipantQuery())
        page = ids[:PAGE]
        for code in [row.code for row in rows(ctx, page)]:
            sign_all(ctx, code, date(2026, 11, 20))
        print(machine())
        print_table(("what", f"median of {args.runs}"), [
            (f"rows() for {PAGE} ids", ms(median_seconds(lambda: rows(ctx, page), args.runs))),
            (f"consent statuses() for {PAGE} ids", ms(median_seconds(lambda: statuses(ctx, page), args.runs))),
        ])


if __name__ == "__main__":
    main()
