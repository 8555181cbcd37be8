"""Casebooks at scale: one filled casebook; 500 into one PDF and into a folder, each against a bare ReportLab
reference drawn in the same run; the main thread's event loop while a batch runs in the database thread.

Budgets (issue 6, point 9): one casebook < 300 ms; 500 casebooks within 1.5x of a bare ReportLab reference that
draws the same number of equivalent pages in the same run; no UI stall over 100 ms during the batch.

The data: every MILA participant is made through the program's own services, as a site would: registered (name,
birth date, sex, two parents as contacts), consent signed by every role the rule asks on that day (both parents,
the child's assent from age 7, the investigator), the demo screening values of the participant's cohort
(resources/demo/MILA.yaml: 7-8 values, and the eligibility form lists 11 criteria and 11 values beside them),
eligibility confirmed, enrolled a week after registration, then a bone marrow aspirate collected, split into 1-3
stored aliquots, and an MSC culture derived from it (3-5 samples); the investigator e-signs the consent, the
eligibility and the casebook, each through the signature service (audited, content hash); one in twenty withdraws
from follow-up a month later (those signatures then print as no longer valid). Only the password check of the
signatures (argon2id, ~0.1-0.3 s each, three per participant) is skipped: the same check each time, it would make
the fixture take minutes. Made this way, 500 participants take well under a minute, so nothing is cloned.

The reference: plain ReportLab (SimpleDocTemplate, the same embedded DejaVu fonts, page size, margins and
compression), the same number of pages as the program printed (read back from its PDFs), each page with a header
(study, site, code, form, form version), a footer (printed by/at, page X of Y) and a QR code drawn the program's way
(coordinator.documents.qr), and a body like an average casebook page: measured on the program's own casebook
stories, as many paragraphs outside tables and as many table cells (the same share of Paragraph cells, the same
average text length) per page, one grid table with the casebooks' usual number of columns. What the reference does
not do is the program's own work: reading the database, choosing fonts per run of text, holding each casebook's
pages until it ends ("of Y"), logging the export, writing atomically (fsync, rename).

The event loop: offscreen, the batch is started as the casebooks dialog starts it (ui.tasks.run_task, cancellable,
its progress dialog moving at each step) while a 10 ms timer on the main thread notes when it fires. A stall is
told with the batch's step then, the garbage collections that overlapped it (gc.callbacks) and how busy the
process was (CPU time): a full collection holds the GIL from start to end, whatever the switch interval, so the
window waits for it. Found so far: the one-PDF batch used to build the story of every casebook before laying out
the first (over a million flowables for 500), and each full collection rescanned them (0.3-1.1 s stalls, then
0.5-0.8 s to free them at the end); it now builds a casebook's story when layout reaches it. What remains are
full collections of the program's own objects (~130,000: ~90-170 ms depending on the machine's load);
--gc-freeze shows them gone with gc.freeze() before the batch (ui.tasks could freeze at a batch's start and
unfreeze at its end).

Usage: .venv/bin/python bench/casebooks.py [--count 500] [--runs 10] [--batch-runs 3] [--quick] [--gc-freeze]
[--stacks]
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import math
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from common import (
    FIRST_NAMES,
    LAST_NAMES,
    PASSWORD,
    ROOT,
    SITES,
    STUDY,
    TODAY,
    fresh_workspace,
    machine,
    median_seconds,
    ms,
    print_table,
    scratch,
    seconds,
    verdict,
    weighted,
)
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from coordinator.assignment.enrollment import enroll
from coordinator.consent import service as consent
from coordinator.consent.rules import Role
from coordinator.context import Context
from coordinator.crf.casebook import read_casebook
from coordinator.demo_values import demo_values
from coordinator.documents import pdf
from coordinator.documents.casebook import Printing, casebook_story, print_casebook
from coordinator.documents.casebooks import Selection, print_casebooks
from coordinator.documents.crf_pages import BOTTOM, QR_LEVEL, QR_SIDE, SIDE, TOP
from coordinator.documents.fonts import BOLD, REGULAR, register_fonts
from coordinator.documents.pdf import FOOTER_GREY, GRID, HEADER_FILL
from coordinator.documents.qr import draw_qr, qr_runs
from coordinator.eligibility import service as eligibility
from coordinator.participants.queries import ParticipantQuery, find_ids
from coordinator.participants.register import ContactInput, Registration, register
from coordinator.samples import service as samples
from coordinator.samples.positions import position_label
from coordinator.samples.service import Collection, Derivation
from coordinator.samples.storage import add_unit
from coordinator.signatures import service as esign
from coordinator.studies import catalogue

ONE, RATIO, STALL = 0.300, 1.5, 0.100
TICK_MS = 10
WATCH = 0.080  # seconds without a tick before the stacks are dumped
BOX_ROWS = BOX_COLUMNS = 9


# --- the participants ------------------------------------------------------------------------------------------------

class _Boxes:
    """Fills 9 x 9 boxes in freezer F1 position by position, adding a box when one is full."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.used = BOX_ROWS * BOX_COLUMNS
        self.box = 0
        add_unit(ctx, "freezer", "F1")
        add_unit(ctx, "rack", "F1/R1")

    def next(self) -> str:
        if self.used == BOX_ROWS * BOX_COLUMNS:
            self.box += 1
            self.used = 0
            add_unit(self.ctx, "box", f"F1/R1/MARROW-{self.box:02d}", BOX_ROWS, BOX_COLUMNS)
        self.used += 1
        return f"F1/R1/MARROW-{self.box:02d}/{position_label(self.used, BOX_COLUMNS)}"


@contextmanager
def _no_password_check() -> Iterator[None]:
    """Signatures through the real service, without re-checking the signer's password (argon2id) each time."""
    checked = esign.confirm_password
    esign.confirm_password = lambda _ctx, _password: None
    try:
        yield
    finally:
        esign.confirm_password = checked


def fill(ctx: Context, count: int, seed: int = 6) -> list[str]:
    """`count` MILA participants filled through the services (see the module's docstring); their codes."""
    chance = random.Random(seed)
    boxes = _Boxes(ctx)
    with _no_password_check():
        return [_participant(ctx, chance, boxes) for _ in range(count)]


def _participant(ctx: Context, chance: random.Random, boxes: _Boxes) -> str:
    first, last = chance.choice(FIRST_NAMES), chance.choice(LAST_NAMES)
    registered = TODAY - timedelta(days=chance.randint(40, 330))
    birth = registered - timedelta(days=chance.randint(380, 15 * 365 - 20))
    parents = {Role.holder1: (f"Claire {last}", "mother"), Role.holder2: (f"Marc {last}", "father"),
               Role.participant: (f"{first} {last}", None), Role.assent: (f"{first} {last}", None),
               Role.guardian: (f"Anne {last}", "legal guardian"), Role.investigator: ("Dr Nadia Roux", None)}
    code = register(ctx, Registration(
        STUDY, weighted(chance, SITES), birth, chance.choice("FM"), first, last, registered,
        (ContactInput("holder1", parents[Role.holder1][0], "mother", f"+33 6 {chance.randint(10, 99)} "
                      f"{chance.randint(10, 99)} {chance.randint(10, 99)}"),
         ContactInput("holder2", parents[Role.holder2][0], "father")))).code
    day = registered + timedelta(days=7)
    then = replace(ctx, clock=lambda: datetime.combine(day, clock_time(12, 0)).astimezone())
    for role in consent.required_roles(ctx, code, day)[0]:
        signer, relationship = parents[role]
        consent.sign(ctx, code, consent.SignatureInput(role.value, signer, day, "09:30", relationship,
                                                       assent="given" if role is Role.assent else None))
    arm = "AL" if chance.random() < 0.7 else "CONTROL"
    eligibility.record(then, code, demo_values(STUDY).eligible(arm, day))
    eligibility.confirm(then, code)
    enroll(then, code, reason="Eligible, consent complete")
    at = datetime.combine(day, clock_time(10, chance.randint(0, 59)))
    marrow = samples.collect(then, code, Collection("BMA", at, f"{chance.randint(4, 8)} mL",
                                                    "DIAG" if arm == "AL" else "SURG"))
    for aliquot in samples.aliquot(then, marrow, chance.randint(1, 3), "1 mL", at):
        samples.store(then, aliquot, boxes.next())
    samples.derive(then, marrow, Derivation("MSC", "10 mL", taken="1 mL", at=at))
    for kind, meaning in (("consent", "review"), ("eligibility", "approval"), ("casebook", "responsibility")):
        esign.sign(ctx, kind, code, meaning, PASSWORD)
    if chance.random() < 0.05:  # after the signatures: the consent and casebook ones print as no longer valid
        consent.withdraw(ctx, code, day + timedelta(days=30), "holder1", ["follow_up"])
    return code


# --- one casebook ----------------------------------------------------------------------------------------------------

def one_casebook(ctx: Context, codes: list[str], folder: Path, runs: int) -> list[tuple]:
    out = folder / "one.pdf"
    cold = seconds(lambda: print_casebook(ctx, codes[0], out))  # the first in this process: fonts, caches
    pages = len(PdfReader(out).pages)
    warm = [seconds(lambda code=code: print_casebook(ctx, code, out))
            for code in (codes[1:] * runs)[:runs]]  # a different participant each time
    ref = catalogue.current(ctx, STUDY)
    ids = find_ids(ctx, ParticipantQuery(study=STUDY))[:runs]

    def read() -> None:
        with ctx.engine.connect() as connection:
            for pid in ids:
                read_casebook(ctx, connection, pid, STUDY, ref.definition)

    reading = median_seconds(read, 3) / len(ids)
    return [("one casebook, first in the process (cold)", f"{pages} pages", ms(cold), "", "(reported)"),
            (f"one casebook, warm, median of {runs}", f"{pages} pages", ms(statistics.median(warm)), ms(max(warm)),
             verdict(statistics.median(warm) < ONE)),
            ("  of which reading the database (read_casebook)", "", ms(reading), "", "")]


# --- the reference ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageShape:
    """What an average casebook page holds, counted on the program's own casebook stories."""

    paragraphs: int  # outside tables (titles, notes)
    paragraph_length: int  # characters
    cells: int  # table cells, header rows included
    paragraph_cells: int  # of which Paragraphs (the rest plain strings)
    cell_length: int  # characters per non-empty cell
    columns: int  # the usual number of columns of a table

    @property
    def rows(self) -> int:
        return math.ceil(self.cells / self.columns)


def _walk(flowables: list) -> Iterator[Flowable]:
    for flowable in flowables:
        if isinstance(flowable, (list, tuple)):
            yield from _walk(list(flowable))
        elif isinstance(flowable, KeepTogether):
            yield from _walk(flowable._content)
        else:
            yield flowable


def page_shape(ctx: Context, page_counts: dict[str, int], sample: int = 50) -> PageShape:
    """Counted on the stories of the first `sample` casebooks, divided by the pages they printed on."""
    ref = catalogue.current(ctx, STUDY)
    printing = Printing.now(ctx, "a4")
    paragraphs = paragraph_chars = cells = paragraph_cells = cell_chars = filled_cells = pages = 0
    columns: list[int] = []
    with ctx.engine.connect() as connection:
        for pid in find_ids(ctx, ParticipantQuery(study=STUDY))[:sample]:
            book = read_casebook(ctx, connection, pid, STUDY, ref.definition)
            pages += page_counts[book.code]
            pending = list(_walk(casebook_story(book, 1, printing)))
            while pending:
                flowable = pending.pop()
                if isinstance(flowable, Paragraph):
                    paragraphs += 1
                    paragraph_chars += len(flowable.getPlainText())
                elif isinstance(flowable, Table):
                    columns += [flowable._ncols] * flowable._nrows
                    for cell in (cell for row in flowable._cellvalues for cell in row):
                        cells += 1
                        inner = list(_walk([cell])) if isinstance(cell, (list, tuple, Flowable)) else []
                        if isinstance(cell, Paragraph):
                            paragraph_cells += 1
                            cell_chars += len(cell.getPlainText())
                            filled_cells += 1
                        elif isinstance(cell, str) and cell:
                            cell_chars += len(cell)
                            filled_cells += 1
                        elif inner and not isinstance(cell, Paragraph):
                            cells -= 1  # a table inside a cell: counted as its own cells
                            pending += inner
    return PageShape(round(paragraphs / pages), round(paragraph_chars / max(paragraphs, 1)), round(cells / pages),
                     round(paragraph_cells / pages), round(cell_chars / max(filled_cells, 1)),
                     round(statistics.median(columns)))


def _text(length: int, number: int) -> str:
    """Short words, `length` characters, different on every page."""
    words = f"value {number} measured on 05/OCT/2026 at site 1 bone marrow aspirate stored frozen " * 4
    return words[:length].strip()


def reference_story(shape: PageShape, pages: int, width: float) -> list[Flowable]:
    styles = pdf.styles()
    cell_style = styles.small.clone("reference-cell", fontSize=8, leading=10)
    story: list[Flowable] = []
    for page in range(pages):
        if story:
            story.append(PageBreak())
        story += [Paragraph(_text(shape.paragraph_length, page + n), styles.section) for n in range(shape.paragraphs)]
        cells: list[Paragraph | str] = [
            Paragraph(_text(shape.cell_length, page + n), cell_style) if n < shape.paragraph_cells
            else _text(min(shape.cell_length, 12), page + n) if n < shape.cells else ""
            for n in range(shape.rows * shape.columns)]
        table = Table([cells[row:row + shape.columns] for row in range(0, len(cells), shape.columns)],
                      colWidths=[width / shape.columns] * shape.columns, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5)]))
        story.append(table)
    return story


def _framer(counts: list[int]) -> Callable:
    """Header, footer and page QR code drawn on each page, as ReportLab's examples do (onPage)."""
    numbers = [(number, total, book) for book, total in enumerate(counts, start=1)
               for number in range(1, total + 1)]
    printed = "printed 21/NOV/2026 11:30 UTC+01:00 by Bench Runner (bench)"

    def frame(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        number, total, book = numbers[canvas.getPageNumber() - 1]
        code = f"MILA-01-{book:04d}"
        width, height = doc.pagesize
        right = width - SIDE
        top = height - 11 * mm
        canvas.saveState()
        canvas.setFont(BOLD, 10)
        canvas.drawString(SIDE, top, STUDY)
        canvas.setFont(REGULAR, 8.5)
        canvas.drawString(SIDE + 15 * mm, top, "Site 1 CHRU site 1")
        canvas.setFont(BOLD, 10)
        canvas.drawRightString(right, top, code)
        canvas.setFont(REGULAR, 8.5)
        canvas.drawRightString(right - 30 * mm, top, "Participant")
        canvas.setFont(BOLD, 9)
        canvas.drawString(SIDE, top - 5.5 * mm, "IE · Eligibility")
        canvas.setFont(REGULAR, 8)
        canvas.drawRightString(right, top - 5.5 * mm, "Form version 1.0")
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.6)
        canvas.line(SIDE, top - 8 * mm, right, top - 8 * mm)
        canvas.line(SIDE, BOTTOM - 4 * mm, right, BOTTOM - 4 * mm)
        canvas.setFillColor(FOOTER_GREY)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawString(SIDE, 12 * mm, f"{STUDY} · {printed}")
        canvas.drawRightString(right - QR_SIDE - 3 * mm, 12 * mm, f"page {number} of {total}")
        canvas.setFillColorRGB(0, 0, 0)
        draw_qr(canvas, qr_runs(f"SCCRF|{STUDY}|{code}|IE|1.0|{number}/{total}", QR_LEVEL), right - QR_SIDE,
                7 * mm, QR_SIDE)
        canvas.restoreState()

    return frame


def reference_pdf(out: Path, shape: PageShape, counts: list[int]) -> None:
    """The bare ReportLab document of sum(counts) pages, the page numbers counting per casebook."""
    register_fonts()
    pagesize = pdf.paper_size("a4")
    document = SimpleDocTemplate(str(out), pagesize=pagesize, leftMargin=SIDE, rightMargin=SIDE, topMargin=TOP,
                                 bottomMargin=BOTTOM, title="Reference", author="bench", initialFontName=REGULAR)
    frame = _framer(counts)
    document.build(reference_story(shape, sum(counts), document.width - 12), onFirstPage=frame, onLaterPages=frame)


def reference_folder(folder: Path, shape: PageShape, counts: list[int]) -> None:
    folder.mkdir()
    for number, pages in enumerate(counts, start=1):
        reference_pdf(folder / f"{number:04d}.pdf", shape, [pages])


# --- 500 casebooks ---------------------------------------------------------------------------------------------------

def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


def batches(ctx: Context, folder: Path, count: int, runs: int) -> tuple[list[tuple], dict[str, int], PageShape]:
    """Program and reference alternate, `runs` times each, for a folder and for one PDF. The program's first folder
    gives the page count of every casebook, which the references copy."""
    times: dict[str, list[float]] = {"app one": [], "ref one": [], "app folder": [], "ref folder": []}
    pages: dict[str, int] = {}
    counts: dict[str, int] = {}
    shape: PageShape | None = None
    sizes = (0, 0)
    for run in range(runs):
        out, reference = folder / f"batch-{run}", folder / f"reference-{run}"
        one, reference_one = folder / f"casebooks-{run}.pdf", folder / f"reference-{run}.pdf"
        times["app folder"].append(seconds(lambda out=out: print_casebooks(ctx, Selection(STUDY), out,
                                                                             separate=True)))
        if shape is None:
            counts = {path.stem: page_count(path) for path in sorted(out.glob("*.pdf"))}
            assert len(counts) == count, (len(counts), count)
            shape = page_shape(ctx, counts)
        each = list(counts.values())
        times["ref folder"].append(seconds(lambda r=reference, s=shape, e=each: reference_folder(r, s, e)))
        times["app one"].append(seconds(lambda one=one: print_casebooks(ctx, Selection(STUDY), one)))
        times["ref one"].append(seconds(lambda r=reference_one, s=shape, e=each: reference_pdf(r, s, e)))
        if run == 0:
            pages["app folder"] = sum(page_count(path) for path in out.glob("*.pdf"))
            pages["ref folder"] = sum(page_count(path) for path in reference.glob("*.pdf"))
            pages["app one"], pages["ref one"] = page_count(one), page_count(reference_one)
            sizes = one.stat().st_size, reference_one.stat().st_size
        shutil.rmtree(out)
        shutil.rmtree(reference)
        one.unlink()
        reference_one.unlink()
    assert shape is not None
    median = {key: statistics.median(value) for key, value in times.items()}
    rows = []
    for kind, label in (("one", f"{count} casebooks into one PDF"), ("folder", f"{count} casebooks into a folder")):
        app, ref = median[f"app {kind}"], median[f"ref {kind}"]
        rows += [(f"{label}: program", f"{pages[f'app {kind}']:,}", f"{app:.2f} s",
                  f"{pages[f'app {kind}'] / app:.0f}", " ".join(f"{t:.1f}" for t in times[f"app {kind}"]), ""),
                 (f"{label}: bare ReportLab reference", f"{pages[f'ref {kind}']:,}", f"{ref:.2f} s",
                  f"{pages[f'ref {kind}'] / ref:.0f}", " ".join(f"{t:.1f}" for t in times[f"ref {kind}"]), ""),
                 (f"{label}: program / reference", "", f"{app / ref:.2f}x", "", "",
                  verdict(app / ref <= RATIO))]
    print(f"one PDF: program {sizes[0] / 1e6:.1f} MB, reference {sizes[1] / 1e6:.1f} MB")
    return rows, counts, shape


# --- the event loop during a batch -----------------------------------------------------------------------------------

class Watchdog:
    """With `stacks`, dumps every thread's stack when the main thread has not ticked for WATCH seconds:
    faulthandler's own thread needs no GIL, so it sees what the database thread was doing while the window was
    frozen. Off by default: it reads the other threads' frames without the GIL, and twice in a dozen runs on a
    loaded machine the interpreter died of it (a segmentation fault)."""

    def __init__(self, path: Path, stacks: bool) -> None:
        self.path = path
        self.stacks = stacks
        self.file = path.open("w")
        self.size = 0
        self.ends: list[tuple[float, int, int]] = []  # (the tick ending a stall, its dump's first and last byte)

    def tick(self, now: float) -> None:
        if not self.stacks:
            return
        faulthandler.dump_traceback_later(WATCH, file=self.file)
        size = os.fstat(self.file.fileno()).st_size
        if size > self.size:
            self.ends.append((now, self.size, size))
            self.size = size

    def stop(self) -> None:
        if self.stacks:
            faulthandler.cancel_dump_traceback_later()
        self.file.close()

    def dump_before(self, tick: float) -> str:
        text = self.path.read_bytes()
        return next((text[start:end].decode(errors="replace") for at, start, end in self.ends if at == tick), "")


def ticking(seconds_: float | None, until: Callable[[], bool], watchdog: Watchdog) -> tuple[list[float], list[float]]:
    """Run the event loop with a 10 ms timer until `until()` (or for `seconds_`); the times it fired, and the
    process's CPU time then (all threads)."""
    ticks, used = [time.perf_counter()], [time.process_time()]

    def tick() -> None:
        now = time.perf_counter()
        ticks.append(now)
        used.append(time.process_time())
        watchdog.tick(now)

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: loop.quit() if until() or (seconds_ and ticks[-1] - ticks[0] > seconds_) else None)
    check.start()
    loop.exec()
    ticks.append(time.perf_counter())
    used.append(time.process_time())
    timer.stop()
    check.stop()
    return ticks, used


def gap_row(label: str, ticks: list[float], used: list[float]) -> tuple[list[tuple[float, float, float]], tuple]:
    """The row of figures, and the stalls: (gap, the tick ending it, the process's CPU time during it)."""
    gaps = [(ticks[n + 1] - ticks[n], ticks[n + 1], used[n + 1] - used[n]) for n in range(len(ticks) - 1)]
    worst = max(gap for gap, _, _ in gaps)
    p99 = statistics.quantiles([gap for gap, _, _ in gaps], n=100)[98]
    long_ones = [gap for gap in gaps if gap[0] > STALL]
    return long_ones, (f"{label} ({ticks[-1] - ticks[0]:.1f} s, {len(ticks)} ticks)", ms(worst), ms(p99),
                       ms(statistics.median(gap for gap, _, _ in gaps)), len(long_ones), verdict(worst <= STALL))


def idle(folder: Path) -> tuple:
    """The same timer with nothing else running: the machine's own noise."""
    watchdog = Watchdog(folder / "idle-stalls.txt", stacks=False)
    try:
        ticks, used = ticking(3.0, lambda: False, watchdog)
    finally:
        watchdog.stop()
    return gap_row("event loop, nothing running (the machine's noise)", ticks, used)[1]


def responsiveness(app: QApplication, ctx: Context, folder: Path, separate: bool, stacks: bool) -> tuple:
    """The batch started as the casebooks dialog starts it (ui.tasks.run_task, cancellable: the progress dialog
    with its bar and Cancel button, moved at each step) while a 10 ms timer on the main thread records when it
    fires: the largest gap is the longest the window was frozen. Each stall is explained from what overlapped it."""
    from PySide6.QtWidgets import QMainWindow

    from ui.tasks import run_task

    window = QMainWindow()
    window.resize(640, 400)
    window.show()
    app.processEvents()
    steps: list[tuple[float, int]] = []
    outcome: dict[str, object] = {}
    out = folder / ("ui-folder" if separate else "ui.pdf")

    def work(progress: Callable[[int, int], bool]) -> object:
        def step(done: int, total: int) -> bool:
            steps.append((time.perf_counter(), done))
            return progress(done, total)
        return print_casebooks(ctx, Selection(STUDY), out, separate=separate, progress=step)

    collections: list[tuple[float, float, int]] = []
    started: dict[int, float] = {}

    def watch_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[info["generation"]] = time.perf_counter()
        else:
            collections.append((started.pop(info["generation"]), time.perf_counter(), info["generation"]))

    watchdog = Watchdog(folder / "stalls.txt", stacks)
    gc.callbacks.append(watch_gc)
    try:
        run_task(window, f"Writing the casebooks of {STUDY}…", work, lambda value: outcome.setdefault("done", value),
                 lambda error: outcome.setdefault("error", error), cancellable=True)
        ticks, used = ticking(None, lambda: bool(outcome), watchdog)
    finally:
        gc.callbacks.remove(watch_gc)
        watchdog.stop()
    if "error" in outcome:
        raise outcome["error"]
    kind = "a folder" if separate else "one PDF"
    long_ones, row = gap_row(f"event loop during the batch into {kind}", ticks, used)
    for gap, end, cpu in sorted(long_ones, reverse=True)[:5]:
        print(f"  stall of {ms(gap)} ending {end - ticks[0]:.2f} s into the batch into {kind}, the process on a CPU "
              f"{cpu / gap:.0%} of it: {explain(end - gap, end, steps, collections)}"
              f"{where(watchdog.dump_before(end))}")
    window.close()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return row


def quiet_offscreen(_kind: object, _context: object, message: str) -> None:
    """The offscreen platform's notice about window hints is not ours to fix; anything else is printed."""
    if message != "This plugin does not support propagateSizeHints()":
        print(message, file=sys.stderr)


def explain(start: float, end: float, steps: list[tuple[float, int]], collections: list[tuple[float, float, int]]
            ) -> str:
    """The batch's step during a stall (reading is the first half of the steps), and the garbage collections
    that overlapped it."""
    total = steps[-1][1] if steps else 0
    before = max((done for at, done in steps if at <= start), default=0)
    after = min((done for at, done in steps if at >= end), default=total)
    phase = "reading" if after <= total // 2 else "printing" if before < total else "saving"
    overlapping = [f"gen {generation} collection {ms(stop - began)}" for began, stop, generation in collections
                   if began < end and stop > start and stop - began > 0.005]
    return f"steps {before}-{after} of {total} ({phase}); " + (", ".join(overlapping) or "no garbage collection")


def where(dump: str) -> str:
    """The innermost frames of the database thread, and of the main thread if it was not waiting for events,
    from a faulthandler dump."""
    threads: list[list[str]] = []
    for line in dump.splitlines():
        if line.startswith(("Thread ", "Current thread ")):
            threads.append([])
        elif line.strip().startswith("File ") and threads:
            path, _, rest = line.strip()[6:].partition('", line ')
            number, _, function = rest.partition(" in ")
            threads[-1].append(f"{_short(path)}:{number} {function}")
    parts = []
    for frames in threads:
        if any("print_casebooks" in frame for frame in frames):
            ours = next((frame for frame in frames if frame.startswith("coordinator/")), "")
            parts.append(f"database thread in {frames[0]}" + (f" (from {ours})" if ours != frames[0] else ""))
        elif frames and "ticking" not in frames[0]:
            parts.append(f"main thread in {frames[0]}")
    return "; " + "; ".join(parts) if parts else ""


def _short(path: str) -> str:
    for root in ("site-packages/", str(ROOT) + "/"):
        if root in path:
            return path.split(root, 1)[1]
    return path


# --- main ------------------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="participants, each with a casebook (500)")
    parser.add_argument("--runs", type=int, default=10, help="single casebooks timed (10)")
    parser.add_argument("--batch-runs", type=int, default=3, help="batches timed, program and reference (3)")
    parser.add_argument("--quick", action="store_true", help="40 participants, 5 single runs, 1 batch run")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() before the event-loop measures, as the program could once started")
    parser.add_argument("--stacks", action="store_true",
                        help="dump the threads' stacks during each stall (faulthandler; may crash the interpreter)")
    options = parser.parse_args()
    if options.quick:
        options.count, options.runs, options.batch_runs = 40, 5, 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"{machine()}; {options.count} MILA casebooks; thread switch interval "
          f"{sys.getswitchinterval() * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")
    with scratch() as folder:
        ctx = fresh_workspace(folder / "casebooks.sqlite3").ctx
        began = time.perf_counter()
        codes = fill(ctx, options.count)
        took = time.perf_counter() - began
        print(f"fixture: {options.count} participants through the services in {took:.1f} s "
              f"({took / options.count * 1000:.0f} ms each)\n")
        print_table(("measure", "pages", "median", "worst", "verdict"), one_casebook(ctx, codes, folder, options.runs))
        print()
        rows, counts, shape = batches(ctx, folder, options.count, options.batch_runs)
        print(f"casebook pages: {min(counts.values())}-{max(counts.values())} each, "
              f"{sum(counts.values()) / len(counts):.1f} on average; an average page holds {shape.paragraphs} "
              f"paragraphs of ~{shape.paragraph_length} characters and {shape.cells} table cells "
              f"({shape.paragraph_cells} Paragraphs, ~{shape.cell_length} characters), {shape.columns} columns: "
              f"the reference draws {shape.paragraphs} paragraphs and a {shape.rows} x {shape.columns} table a page")
        print_table(("measure", "pages", "median", "pages/s", "each run (s)", "verdict"), rows)
        print(f"\nMain thread: a {TICK_MS} ms timer while the batch runs in ui.tasks.run_task's database thread"
              + (" (gc.freeze() first)" if options.gc_freeze else ""))
        app = QApplication.instance() or QApplication([])
        qInstallMessageHandler(quiet_offscreen)
        if options.gc_freeze:
            gc.freeze()
        stalls = [idle(folder), responsiveness(app, ctx, folder, False, options.stacks),
                  responsiveness(app, ctx, folder, True, options.stacks)]
        print_table(("measure", "largest gap", "99th pct", "median", f"gaps > {ms(STALL)}", "verdict"), stalls)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        ctx.engine.dispose()


if __name__ == "__main__":
    main()
