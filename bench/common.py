"""Shared by the bench scripts: scratch databases, raw sqlite3 with the app's own pragmas, timing, tables.

Every script prints figures (medians over several runs) and a verdict against the budget of issue 2, point 10.
They are measurements to read, not tests: the machine is noisy (±10–30 %).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, event

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/NAME.py` puts bench/, not the project, on the path
    sys.path.insert(0, str(ROOT))

from coordinator.participants.lifecycle import Status  # noqa: E402
from coordinator.participants.register import participant_code  # noqa: E402
from coordinator.security import accounts  # noqa: E402
from coordinator.security.signin import sign_in  # noqa: E402
from coordinator.values import search_key  # noqa: E402
from coordinator.workspace import Workspace, open_workspace  # noqa: E402
from db.engine import make_engine, sqlite_url  # noqa: E402

NOW = datetime(2026, 11, 21, 10, 30, tzinfo=timezone.utc)
TODAY = NOW.date()
ACTOR = "bench"
PASSWORD = "measured, not guessed"
STUDY = "MILA"  # 3 sites, arms AL and CONTROL, ages 1–15

FIRST_NAMES = ("Hervé", "Chloé", "Léa", "Noé", "Zoé", "Jules", "Inès", "Gaël", "Maëlys", "Łukasz", "Anaïs", "Théo",
               "Camille", "Élodie", "Lucas", "Emma", "Hugo", "Jade", "Louis", "Alice", "Arthur", "Lina", "Nathan",
               "Manon", "Raphaël", "Sarah", "Adam", "Clara", "Gabriel", "Rose", "Mathis", "Anna", "Tom", "Eva")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Żółć",
              "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas")
SITES = ((1, 0.5), (2, 0.3), (3, 0.2))
STATUSES = ((Status.screening, 0.10), (Status.enrolled, 0.50), (Status.completed, 0.20),
            (Status.withdrawn, 0.05), (Status.lost, 0.03), (Status.screen_failure, 0.12))


@contextmanager
def scratch() -> Iterator[Path]:
    """A temporary folder for databases, removed afterwards; it is also the data folder (the audit seal's key),
    so a bench never touches the user's own."""
    with tempfile.TemporaryDirectory(prefix="coordinator-bench-") as folder:
        before = os.environ.get("COORDINATOR_DATA_DIR")
        os.environ["COORDINATOR_DATA_DIR"] = str(Path(folder) / "data")
        try:
            yield Path(folder)
        finally:
            if before is None:
                os.environ.pop("COORDINATOR_DATA_DIR")
            else:
                os.environ["COORDINATOR_DATA_DIR"] = before


def fresh_workspace(path: Path) -> Workspace:
    """A database made the way the program makes it: migrated, the five study files loaded, a fixed clock, and
    the bench's own account (administrator, investigator and coordinator) signed in."""
    workspace = open_workspace(str(path), clock=lambda: NOW)
    if not accounts.has_accounts(workspace.ctx):
        accounts.create_first_administrator(workspace.ctx, ACTOR, "Bench Runner", PASSWORD, also_investigator=True)
    sign_in(workspace.ctx, ACTOR, PASSWORD)
    return workspace


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection opened by the app's own engine, so it gets exactly the same pragmas
    (WAL, synchronous=FULL, foreign keys, busy timeout, autocommit with explicit BEGIN)."""
    return make_engine(sqlite_url(path)).raw_connection().driver_connection


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_seconds(action: Callable[[], object], runs: int, *, warmup: int = 1) -> float:
    """The median time of `runs` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        action()
    return statistics.median(seconds(action) for _ in range(runs))


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, tuple]]]:
    """The statements and parameters an engine sends to sqlite3, exactly as sent (for replaying them raw)."""
    sent: list[tuple[str, tuple]] = []

    def _record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, tuple(parameters)))

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def print_table(header: tuple[str, ...], rows: list[tuple]) -> None:
    cells = [tuple(str(cell) for cell in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                        for i, (cell, width) in enumerate(zip(row, widths, strict=True))))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def ms(value: float) -> str:
    return f"{value * 1000:.2f} ms" if value < 0.01 else f"{value * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "within budget" if ok else "MISSES the budget"


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}"


def weighted(chance: random.Random, choices: tuple[tuple[object, float], ...]) -> object:
    return chance.choices([value for value, _ in choices], [weight for _, weight in choices])[0]


def person(chance: random.Random) -> tuple[str, str, date, str, date]:
    """First name, last name, birth date (1–15 years old at registration), sex, registration date."""
    registered = TODAY - timedelta(days=chance.randint(30, 3 * 365))
    birth = registered - timedelta(days=chance.randint(366, 15 * 365))
    return chance.choice(FIRST_NAMES), chance.choice(LAST_NAMES), birth, chance.choice("FM"), registered


def fill_register(path: Path, count: int, seed: int = 2) -> None:
    """Put `count` participants into STUDY with raw inserts (a fixture: fast, not audited).

    A realistic spread: sites 50/30/20 %, statuses from screening to completed, arms AL/CONTROL for those who
    were enrolled, ages 1–15, French names with accents; identity rows with the same search key the service
    writes. The audit trail is not filled: the participant table does not read it.
    """
    chance = random.Random(seed)
    connection = raw_connection(path)
    study_id, version_id = connection.execute(
        "SELECT s.id, max(v.id) FROM study s JOIN study_version v ON v.study_id = s.id WHERE s.code = ?", (STUDY,)
    ).fetchone()
    sequences = {site: 0 for site, _ in SITES}
    participants, identities = [], []
    for number in range(1, count + 1):
        first, last, birth, sex, registered = person(chance)
        site = weighted(chance, SITES)
        status = weighted(chance, STATUSES)
        sequences[site] += 1
        was_enrolled = status not in (Status.screening, Status.screen_failure)
        enrolled = registered + timedelta(days=7) if was_enrolled else None
        ended = registered + timedelta(days=30) if status.is_final else None
        status_date = ended or enrolled or registered
        participants.append((
            number, participant_code(STUDY, site, sequences[site]), study_id, version_id, site, sequences[site],
            status.value, status_date.isoformat(), chance.choice(("AL",) * 4 + ("CONTROL",)) if was_enrolled
            else None, registered.isoformat(), _iso(enrolled), _iso(ended),
        ))
        identities.append((number, first, last, birth.isoformat(), sex, search_key(first, last)))
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO participant (id, code, study_id, study_version_id, site_number, sequence, "
                           "status, status_date, arm_code, registered_on, enrolled_on, ended_on) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", participants)
    connection.executemany("INSERT INTO identity (participant_id, first_name, last_name, birth_date, sex, "
                           "search_name) VALUES (?, ?, ?, ?, ?, ?)", identities)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
