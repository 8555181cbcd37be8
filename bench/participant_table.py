"""What the participant table asks of the database, at 100,000 participants, vs the same SQL through raw sqlite3.

Budget (issue 2, point 10): each search/filter/sort <= 3x the same raw sqlite3 query, and under 100 ms.
Usage: .venv/bin/python bench/participant_table.py [--count 100000] [--runs 7] [--plans]
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable

from common import (
    STUDY,
    captured_sql,
    fill_register,
    fresh_workspace,
    machine,
    median_seconds,
    ms,
    print_table,
    raw_connection,
    scratch,
    seconds,
    verdict,
)

from coordinator.context import Context
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import ParticipantQuery, find_ids, rows

RATIO, LIMIT = 3.0, 0.100
PAGE = 200
HEADER = """\
service  coordinator.participants.queries.find_ids / rows, as the table calls them: SQLAlchemy Core, a pooled
         connection, BEGIN ... ROLLBACK around the read, ids as a list (rows: ParticipantRow objects).
raw      the very SELECT text and parameters the service sent (captured from the engine), run with
         execute().fetchall() on a sqlite3 connection with the same pragmas (find_ids reads its ids from the
         cursor into a plain list, which is why it can come out a little under raw's fetchall()).
Both return the same rows (checked). Medians after one warm-up run."""

CASES = {  # the table always has a study chosen (ui/participant_table_model.py); a0 is the CLI's `list` without one
    "a  no filter, by code": ParticipantQuery(study=STUDY),
    "a0 no study either, by code": ParticipantQuery(),
    "b  name contains 'mart'": ParticipantQuery(study=STUDY, text="mart"),
    "c  code contains '02-12'": ParticipantQuery(study=STUDY, text="02-12"),
    "d  arm AL + enrolled": ParticipantQuery(study=STUDY, arm="AL", status=Status.enrolled),
    "e  site 2": ParticipantQuery(study=STUDY, site=2),
    "f  by age, descending": ParticipantQuery(study=STUDY, sort="age", descending=True),
    "g  by status": ParticipantQuery(study=STUDY, sort="status"),
    # the table's other sortable columns
    "h  by site": ParticipantQuery(study=STUDY, sort="site"),
    "i  by arm": ParticipantQuery(study=STUDY, sort="arm"),
    "j  by registration, descending": ParticipantQuery(study=STUDY, sort="registered", descending=True),
    "k  by enrolment": ParticipantQuery(study=STUDY, sort="enrolled"),
    "l  by end": ParticipantQuery(study=STUDY, sort="ended"),
}


def select_sent(ctx: Context, call: Callable[[], list]) -> tuple[list, str, tuple]:
    """Run a service call once; return its result and the SELECT it sent."""
    with captured_sql(ctx.engine) as sent:
        result = call()
    [(statement, parameters)] = [(s, p) for s, p in sent if s.lstrip().upper().startswith("SELECT")]
    return result, statement, parameters


def measure(ctx: Context, raw: sqlite3.Connection, name: str, call: Callable[[], list],
            same: Callable[[list, list], bool], runs: int, plans: bool) -> tuple:
    result, statement, parameters = select_sent(ctx, call)
    raw_rows = raw.execute(statement, parameters).fetchall()
    if plans:
        print(f"\n{name}\n  {' '.join(statement.split())}\n  parameters {parameters}")
        for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters):
            print("  plan:", row[-1])
    service = median_seconds(call, runs)
    direct = median_seconds(lambda: raw.execute(statement, parameters).fetchall(), runs)
    ok = service <= RATIO * direct and service < LIMIT and same(result, raw_rows)
    return (name, f"{len(result):,}", ms(service), ms(direct), f"{service / direct:.1f}x",
            "ok" if same(result, raw_rows) else "DIFFERENT", verdict(ok))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plans", action="store_true", help="print each query and its EXPLAIN QUERY PLAN")
    args = parser.parse_args()
    print(f"Participant table over {args.count:,} participants in {STUDY}; median of {args.runs} runs; "
          f"{machine()}\n\n{HEADER}")
    with scratch() as folder:
        path = folder / "register.sqlite3"
        ctx = fresh_workspace(path).ctx
        print(f"\nfixture: {args.count:,} participants + identities by raw inserts in "
              f"{seconds(lambda: fill_register(path, args.count)):.1f} s")
        raw = raw_connection(path)
        table = [measure(ctx, raw, name, lambda q=query: find_ids(ctx, q),
                         lambda ids, found: ids == [row[0] for row in found], args.runs, args.plans)
                 for name, query in CASES.items()]
        page = find_ids(ctx, ParticipantQuery())[:PAGE]
        table.append(measure(ctx, raw, f"rows() for a page of {PAGE} ids", lambda: rows(ctx, page),
                             lambda objects, found: {o.id for o in objects} == {row[0] for row in found},
                             args.runs * 30, args.plans))  # under a millisecond: more runs for a steady median
        raw.close()
        ctx.engine.dispose()
    print()
    print_table(("find_ids(query)", "rows", "service", "raw", "ratio", "same rows", f"<= {RATIO:.0f}x and < 100 ms"),
                table)


if __name__ == "__main__":
    main()
