"""Samples at scale: a scanned id looked up among 1,000,000 samples, a box map of 81 positions, 100 labels.

Budgets (issue 5, point 9): lookup by scanned id <= 5 ms; a box map of 81 positions drawn < 100 ms; a sheet of
100 labels < 2 s.
Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/samples.py [--count 1000000] [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from pathlib import Path

from common import (
    STUDY,
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
from coordinator.errors import NotFound
from coordinator.samples import queries
from coordinator.samples.custody import Status
from coordinator.samples.lineage import primary_code
from coordinator.samples.positions import position_label
from coordinator.samples.storage import add_unit, box_map

PARTICIPANTS = 20_000
BOX = "F1/R1/BOX-001"
LOOKUP, BOX_MAP, LABELS = 0.005, 0.100, 2.0


def fill_samples(path: Path, count: int, seed: int = 5) -> list[str]:
    """`count` collected MILA samples spread over the register (raw inserts: a fixture, not audited); the first
    81 fill box BOX, 9 × 9. Returns the codes."""
    chance = random.Random(seed)
    connection = raw_connection(path)
    study_id = connection.execute("SELECT id FROM study WHERE code = ?", (STUDY,)).fetchone()[0]
    box_id = connection.execute("SELECT id FROM storage_unit WHERE path = ?", (BOX,)).fetchone()[0]
    statuses = [Status.stored.value] * 6 + [Status.processed.value, Status.shipped.value, Status.destroyed.value]
    codes, rows = [], []
    for number in range(1, count + 1):
        code = primary_code(STUDY, number)
        codes.append(code)
        in_box = number <= 81
        rows.append((number, code, study_id, chance.randint(1, PARTICIPANTS), 0, "collected", "BMA",
                     chance.choice(("DIAG", "SURG")), f"2025-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d} "
                     "09:30", "Bench Runner", float(chance.randint(2, 8)), "mL",
                     Status.stored.value if in_box else chance.choice(statuses),
                     box_id if in_box else None, number if in_box else None))
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO sample (id, code, study_id, participant_id, level, origin, type_id, timepoint, collected_at, "
        "collected_by, volume, unit, status, box_id, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return codes


def lookups(ctx: Context, codes: list[str], runs: int) -> list[tuple]:
    chance = random.Random(7)
    scans = [chance.choice(codes) for _ in range(runs)]
    found = [seconds(lambda code=code: queries.find(ctx, code)) for code in scans]
    missing = [seconds(lambda: _missing(ctx)) for _ in range(runs)]
    return [("lookup by scanned id (found, details + events)", ms(statistics.median(found)), ms(max(found)),
             verdict(statistics.median(found) <= LOOKUP)),
            ("lookup of an unknown id (refused)", ms(statistics.median(missing)), ms(max(missing)),
             verdict(statistics.median(missing) <= LOOKUP))]


def _missing(ctx: Context) -> None:
    try:
        queries.find(ctx, "MILA-999999999")
    except NotFound:
        return
    raise AssertionError("an unknown id was found")


def list_pages(ctx: Context, runs: int) -> list[tuple]:
    """The study-wide view: the count and the first page of a few filters (no budget; for the notes)."""
    found = []
    for name, query in (("list: all MILA by id", queries.SampleQuery(study=STUDY)),
                        ("list: stored, by collection date desc",
                         queries.SampleQuery(study=STUDY, status=Status.stored, sort="collected", descending=True)),
                        ("list: id contains '12345'", queries.SampleQuery(study=STUDY, text="12345"))):
        total = median_seconds(lambda query=query: queries.count(ctx, query), max(3, runs // 10))
        first = median_seconds(lambda query=query: queries.page(ctx, query, 0, 200), max(3, runs // 10))
        found.append((name + " (count / first page)", f"{ms(total)} / {ms(first)}", "", "no budget"))
    return found


def box_drawing(ctx: Context, runs: int) -> tuple:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from ui.box_map import BoxMapWidget

    app = QApplication.instance() or QApplication([])
    widget = BoxMapWidget()
    widget.resize(760, 640)
    widget.show()

    def draw() -> None:
        widget.show_box(box_map(ctx, BOX))
        widget.grab()
        app.processEvents()

    times = [seconds(draw) for _ in range(runs)]
    widget.close()
    widget.deleteLater()  # gone before the interpreter's final collection: a widget outliving its application
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # crashes it
    return ("box map: read 81 positions + draw (grab)", ms(statistics.median(times)), ms(max(times)),
            verdict(statistics.median(times) < BOX_MAP))


def label_sheet(ctx: Context, codes: list[str], folder: Path, runs: int) -> tuple:
    from coordinator.documents.labels import print_labels

    times = [seconds(lambda run=run: print_labels(ctx, codes[:100], folder / f"labels-{run}.pdf"))
             for run in range(max(3, runs // 10))]
    return ("100 labels, cryo-a4 sheet PDF", ms(statistics.median(times)), ms(max(times)),
            verdict(statistics.median(times) < LABELS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    options = parser.parse_args()
    print(f"{machine()}; {options.count:,} samples of {PARTICIPANTS:,} participants; medians and worst of "
          f"{options.runs} runs")
    with scratch() as folder:
        path = folder / "samples.sqlite3"
        workspace = fresh_workspace(path)
        ctx = workspace.ctx
        add_unit(ctx, "freezer", "F1")
        add_unit(ctx, "rack", "F1/R1")
        add_unit(ctx, "box", BOX, 9, 9)
        fill_register(path, PARTICIPANTS)
        codes = fill_samples(path, options.count)
        assert box_map(ctx, BOX).occupants[81].code == codes[80] and position_label(81, 9) == "I9"
        rows = [*lookups(ctx, codes, options.runs), *list_pages(ctx, options.runs), box_drawing(ctx, options.runs),
                label_sheet(ctx, codes, folder, options.runs)]
        print_table(("measure", "median", "worst", "verdict"), rows)
        workspace.ctx.engine.dispose()


if __name__ == "__main__":
    main()
