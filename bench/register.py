"""Registering participants through the service vs raw sqlite3 inserts of the same rows.

Budget (issue 2, point 10): registering 10,000 participants through the service, audit on, <= 8x raw sqlite3.
Usage: .venv/bin/python bench/register.py [--count 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
from dataclasses import dataclass
from pathlib import Path

from common import (
    ACTOR,
    NOW,
    STUDY,
    fresh_workspace,
    machine,
    person,
    print_table,
    raw_connection,
    scratch,
    seconds,
    verdict,
)

from coordinator.audit.writer import utc_stamp
from coordinator.participants.register import (
    ContactInput,
    Registration,
    participant_code,
    register,
    register_many,
)
from coordinator.values import search_key

BUDGET = 8.0
HEADER = """\
What is compared, per participant (both sides write identical rows; checked below, table by table):
  1 participant row, 1 identity row, 2 contact rows (holders of parental authority, MILA is paediatric),
  and 23 audit rows (one per non-empty field, same stamp, actor, study and subject tags).
Both sides: a fresh migrated database with the five studies, the app's engine pragmas (WAL, synchronous=FULL,
foreign keys), and BEGIN IMMEDIATE ... COMMIT per transaction.
  service    coordinator.participants.register.register(): validation, the study's current version read,
             the next sequence by SELECT max(sequence) (register_many: once per site), SQLAlchemy Core
             inserts through UnitOfWork.
  raw        sqlite3 execute/executemany of the same INSERTs, values and sequences prepared beforehand
             (untimed), ids from lastrowid: the least work that writes the same rows.
"one transaction per registration" is what the GUI does; "one transaction" (register_many) is imports/demo."""


@dataclass(frozen=True)
class Prepared:
    """The values of one registration as the raw side inserts them."""

    code: str
    participant: tuple
    identity: tuple
    contacts: list[tuple]


def registrations(count: int) -> list[Registration]:
    chance = random.Random(1)
    result = []
    for _ in range(count):
        first, last, birth, sex, registered = person(chance)
        phone = f"+33 6 {chance.randint(10, 99)} {chance.randint(10, 99)} {chance.randint(10, 99)} 00"
        contacts = (ContactInput("holder1", f"Claire {last}", "mother", phone),
                    ContactInput("holder2", f"Marc {last}", "father"))
        result.append(Registration(STUDY, chance.randint(1, 3), birth, sex, first, last, registered, contacts))
    return result


def prepare(connection: sqlite3.Connection, regs: list[Registration]) -> list[Prepared]:
    study_id, version_id = connection.execute(
        "SELECT s.id, max(v.id) FROM study s JOIN study_version v ON v.study_id = s.id WHERE s.code = ?", (STUDY,)
    ).fetchone()
    sequences: dict[int, int] = {}
    prepared = []
    for reg in regs:
        site = int(reg.site)
        sequence = sequences[site] = sequences.get(site, 0) + 1
        code = participant_code(STUDY, site, sequence)
        day = reg.registered_on.isoformat()
        prepared.append(Prepared(
            code, (code, study_id, version_id, site, sequence, "screening", day, day),
            (reg.first_name, reg.last_name, reg.birth_date.isoformat(), reg.sex, search_key(reg.first_name,
                                                                                             reg.last_name)),
            [(c.role, c.name, c.relationship, c.phone, c.email) for c in reg.contacts],
        ))
    return prepared


P_FIELDS = ("code", "study_id", "study_version_id", "site_number", "sequence", "status", "status_date",
            "registered_on")
I_FIELDS = ("participant_id", "first_name", "last_name", "birth_date", "sex", "search_name")
C_FIELDS = ("participant_id", "role", "name", "relationship", "phone", "email")
INSERT_P = f"INSERT INTO participant ({', '.join(P_FIELDS)}) VALUES ({', '.join('?' * len(P_FIELDS))})"
INSERT_I = f"INSERT INTO identity ({', '.join(I_FIELDS)}) VALUES ({', '.join('?' * len(I_FIELDS))})"
INSERT_C = f"INSERT INTO contact ({', '.join(C_FIELDS)}) VALUES ({', '.join('?' * len(C_FIELDS))})"
INSERT_A = ("INSERT INTO audit_trail (at_utc, actor, action, table_name, record_id, field, old_value, new_value, "
            "reason, study_code, subject_code) VALUES (?, ?, 'insert', ?, ?, ?, NULL, ?, NULL, ?, ?)")


def raw_register(connection: sqlite3.Connection, prepared: list[Prepared], *, one_transaction: bool) -> None:
    stamp = utc_stamp(NOW)
    if one_transaction:
        connection.execute("BEGIN IMMEDIATE")
    for one in prepared:
        if not one_transaction:
            connection.execute("BEGIN IMMEDIATE")
        pid = connection.execute(INSERT_P, one.participant).lastrowid
        audit = [("participant", str(pid), name, str(value)) for name, value in zip(P_FIELDS, one.participant,
                                                                                    strict=True)]
        identity = (pid, *one.identity)
        connection.execute(INSERT_I, identity)
        audit += [("identity", str(pid), name, str(value)) for name, value in zip(I_FIELDS, identity, strict=True)
                  if value is not None]
        for contact in one.contacts:
            values = (pid, *contact)
            record = str(connection.execute(INSERT_C, values).lastrowid)
            audit += [("contact", record, name, str(value)) for name, value in zip(C_FIELDS, values, strict=True)
                      if value is not None]
        connection.executemany(INSERT_A, [(stamp, ACTOR, *row, STUDY, one.code) for row in audit])
        if not one_transaction:
            connection.execute("COMMIT")
    if one_transaction:
        connection.execute("COMMIT")


def dump(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(path)
    tables = ("participant", "identity", "contact", "audit_trail")
    result = {table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in tables}
    connection.close()
    return result


def run_service(path: Path, regs: list[Registration], *, one_transaction: bool) -> float:
    ctx = fresh_workspace(path).ctx
    try:
        if one_transaction:
            return seconds(lambda: register_many(ctx, regs))
        return seconds(lambda: [register(ctx, reg) for reg in regs])
    finally:
        ctx.engine.dispose()


def run_raw(path: Path, regs: list[Registration], *, one_transaction: bool) -> float:
    fresh_workspace(path).ctx.engine.dispose()
    connection = raw_connection(path)
    prepared = prepare(connection, regs)
    try:
        return seconds(lambda: raw_register(connection, prepared, one_transaction=one_transaction))
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    regs = registrations(args.count)
    print(f"Registering {args.count:,} participants into {STUDY}; median of {args.runs} runs; {machine()}\n")
    print(f"{HEADER}\n")
    cases = {  # name -> (runner, one transaction)
        "service register(), 1 transaction each": (run_service, False),
        "raw sqlite3, 1 transaction each": (run_raw, False),
        "service register_many(), 1 transaction": (run_service, True),
        "raw sqlite3, 1 transaction": (run_raw, True),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    with scratch() as folder:
        for run in range(args.runs):
            for index, (name, (runner, single)) in enumerate(cases.items()):
                path = folder / f"run{run}-{index}.sqlite3"
                times[name].append(runner(path, regs, one_transaction=single))
            if run == 0:
                same = [dump(folder / "run0-0.sqlite3") == dump(folder / "run0-1.sqlite3"),
                        dump(folder / "run0-2.sqlite3") == dump(folder / "run0-3.sqlite3")]
            for index in range(len(cases)):
                for suffix in ("", "-wal", "-shm"):
                    (folder / f"run{run}-{index}.sqlite3{suffix}").unlink(missing_ok=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    names = list(cases)
    per_tx = medians[names[0]] / medians[names[1]]
    bulk = medians[names[2]] / medians[names[3]]
    print_table(("case", "median", "per participant", "runs (s)"), [
        (name, f"{medians[name]:.2f} s", f"{medians[name] / args.count * 1e6:.0f} µs",
         " ".join(f"{value:.2f}" for value in times[name])) for name in names
    ])
    print(f"\nrows written identical to the service's: per transaction {same[0]}, one transaction {same[1]}")
    print(f"service / raw, 1 transaction per registration: {per_tx:.1f}x (budget <= {BUDGET:.0f}x): "
          f"{verdict(per_tx <= BUDGET and all(same))}")
    print(f"register_many / raw, 1 transaction:             {bulk:.1f}x (same budget applied): "
          f"{verdict(bulk <= BUDGET and all(same))}")
    print(f"for context, raw 1 transaction each / raw 1 transaction: {medians[names[1]] / medians[names[3]]:.1f}x "
          "(the cost of a durable commit per registration)")


if __name__ == "__main__":
    main()
