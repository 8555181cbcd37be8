"""Issue 7 budget: `coordinator audit verify` of 1,000,000 audit rows under 10 s.

Writes `--rows` audit rows through the program's own writer (hash chain and seal as in real use, in transactions
of 10,000 rows; not timed against a budget, printed for information), then times the verification, which reads
every row in id order and recomputes its digest.

Usage: .venv/bin/python bench/audit_verify.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse

from common import fresh_workspace, machine, median_seconds, ms, print_table, scratch, seconds, verdict

from coordinator.audit.chain import verify
from coordinator.audit.writer import UnitOfWork
from coordinator.security.permissions import Permission

BUDGET = 10.0
PER_TRANSACTION = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    with scratch() as folder:
        ctx = fresh_workspace(folder / "bench.sqlite3").ctx

        def write() -> None:
            for start in range(0, args.rows, PER_TRANSACTION):
                with UnitOfWork(ctx, Permission.BACKUP) as work:
                    for number in range(start, min(start + PER_TRANSACTION, args.rows)):
                        work.record_event("database", str(number), "bench event", study="MILA",
                                          subject=f"MILA-01-{number % 9999 + 1:04d}")

        written = seconds(write)
        report = verify(ctx.engine)
        assert report.intact, report.faults[:3]
        checked = report.checked
        timed = median_seconds(lambda: verify(ctx.engine), args.runs, warmup=0)
        ctx.engine.dispose()
    print_table(("what", "rows", "median", "budget"), [
        ("write through the chained writer", f"{args.rows:,}", ms(written), ""),
        ("audit verify", f"{checked:,}", ms(timed), f"{ms(BUDGET)} {verdict(timed < BUDGET)}"),
    ])


if __name__ == "__main__":
    main()
