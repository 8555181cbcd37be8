"""Casebooks of many participants at once (a study, or one arm, site or status of it): into one PDF, each casebook
numbering its own pages, or one PDF per participant in a folder. All or nothing: the files appear only once the
whole batch is written; stopped (`progress` says so) or failed, nothing is left behind.

Reading runs first (a casebook a step), then printing (a casebook a step), so that `progress` moves evenly."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from coordinator.audit.export_log import log_written_files
from coordinator.context import Context
from coordinator.crf.casebook import Casebook, crf_of, read_casebook
from coordinator.crf.selection import Selection
from coordinator.documents import pdf
from coordinator.documents.casebook import Printing, casebook_story
from coordinator.documents.crf_pages import build_crf
from coordinator.errors import EnvironmentProblem, InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.queries import find_ids, validate
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue

Progress = Callable[[int, int], bool]  # (steps done, steps in all) -> False to stop the batch


class BatchStopped(Exception):
    """The user stopped the batch; nothing was written."""


@dataclass(frozen=True)
class Printed:
    count: int  # casebooks
    files: list[Path]  # the one PDF, or one per participant


def print_casebooks(ctx: Context, selection: Selection, out: Path, *, separate: bool = False, paper: str = "a4",
                    progress: Progress | None = None) -> Printed:
    """Print the casebooks of the selection to `out`: a .pdf file, or with `separate` a folder that gets one
    PDF per participant (named by the code). Raises BatchStopped when `progress` returns False."""
    target = _checked_target(out, separate)
    printing = Printing.now(ctx, paper)
    books = _read(ctx, selection, progress)
    step = _stepper(len(books), 2 * len(books), progress)
    if separate:
        files = _write_folder(books, target, printing, step)
    else:
        files = [_write_one(books, target, printing, step, selection)]
    written = zip(files, books, strict=True) if separate else ((files[0], book) for book in books)
    log_written_files(ctx, _("casebook PDF"), [(path, book.code) for path, book in written], study=books[0].study)
    return Printed(len(books), files)


def _checked_target(out: Path, separate: bool) -> Path:
    if not separate:
        return pdf.pdf_path(out)
    if out.suffix.lower() == ".pdf" or (out.exists() and not out.is_dir()):
        raise InputError(_("One PDF per participant goes into a folder; {path} is a file.").format(path=out),
                         field="out")
    return out


def _read(ctx: Context, selection: Selection, progress: Progress | None) -> list[Casebook]:
    query = selection.query
    validate(ctx, query)  # an unknown study, arm or site, in words
    ref = catalogue.current(ctx, query.study or "")
    ctx.require(Permission.READ, ref.code)
    crf_of(ref.code, ref.definition)
    ids = find_ids(ctx, query)
    if not ids:
        raise RuleViolation(_("No participant of {study} matches: there is no casebook to print.").format(
            study=ref.code), field="study")
    step = _stepper(0, 2 * len(ids), progress)
    books = []
    with environment_errors(), ctx.engine.connect() as connection:
        for pid in ids:
            books.append(read_casebook(ctx, connection, pid, ref.code, ref.definition))
            step()
    return books


def _stepper(done: int, total: int, progress: Progress | None) -> Callable[[], None]:
    """One step further; raises BatchStopped when the user asked to stop."""
    count = [done]

    def step() -> None:
        count[0] += 1
        if progress is not None and progress(count[0], total) is False:
            raise BatchStopped

    return step


class _NextCasebook(Flowable):
    """Takes no room: where layout reaches it, the next casebook's pages follow (ReportLab's generated content, as
    in its DocIf). A batch so holds one casebook's flowables at a time, not the whole batch's: 500 casebooks made
    over a million objects, which Python's garbage collector rescanned with the GIL held (the window froze for up
    to a second, bench/casebooks.py) and freed in one go at the end."""

    def __init__(self, pages: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self._pages = pages

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._frame.add_generated_content(*self._pages())


def _write_one(books: list[Casebook], out: Path, printing: Printing, step: Callable[[], None],
               selection: Selection) -> Path:
    def pages(number: int) -> list[Flowable]:
        """Casebook `number`, then what brings in the next one."""
        story = casebook_story(books[number - 1], number, printing, reached=step if number > 1 else None)
        if number < len(books):
            story += [PageBreak(), _NextCasebook(lambda: pages(number + 1))]
        return story

    with pdf.replacing(out, pdf.PDF_FAILURE) as target:
        build_crf(target, pages(1), title=_("Casebooks {study}").format(study=books[0].study),
                  subject=_("Case report forms of {count} participants of study {study}").format(
                      count=len(books), study=books[0].study),
                  keywords=[books[0].study, "CRF", "CDASH", *_described(selection)], pagesize=printing.pagesize,
                  printed=printing.footer)
        step()  # the last casebook is done when the whole document is
    return out


def _described(selection: Selection) -> list[str]:
    return [part for part in (selection.arm and f"arm {selection.arm}", selection.site and f"site {selection.site}",
                              selection.status and f"status {selection.status.value}") if part]


def _write_folder(books: list[Casebook], folder: Path, printing: Printing, step: Callable[[], None]) -> list[Path]:
    """Each casebook into a hidden folder beside the others, moved in only once all are written."""
    staging = folder / f".casebooks-{secrets.token_hex(4)}.part"
    made = not folder.exists()
    files: list[Path] = []
    try:
        staging.mkdir(parents=True)
        for book in books:
            with (staging / f"{book.code}.pdf").open("xb") as target:
                build_crf(target, casebook_story(book, 1, printing),
                          title=_("Casebook {code}").format(code=book.code),
                          subject=_("Case report forms of {code}, study {study}").format(code=book.code,
                                                                                         study=book.study),
                          keywords=[book.study, book.code, "CRF", "CDASH"], pagesize=printing.pagesize,
                          printed=printing.footer)
            step()
        for book in books:
            final = folder / f"{book.code}.pdf"
            os.replace(staging / final.name, final)
            files.append(final)
        staging.rmdir()
        return files
    except BaseException as error:
        with contextlib.suppress(OSError):
            for moved in files:  # stopped or failed while moving them in: none of the batch stays
                moved.unlink(missing_ok=True)
            shutil.rmtree(staging)
            if made:
                folder.rmdir()  # only if empty: a folder this batch made, and nothing else is in
        if isinstance(error, OSError):
            raise EnvironmentProblem(_("The casebooks could not be written to {path}: {reason}.").format(
                path=folder, reason=error.strerror or error)) from error
        raise

