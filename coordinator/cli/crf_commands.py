"""Case report forms on the command line, under `print`: a participant's casebook (`crf`), a study's blank forms
(`blank-crf`) and the casebooks of a study, or of one arm, site or status of it (`casebooks`), into one PDF or a
folder with one PDF per participant.

The place to write is checked before signing in, and before a long batch reads anything: a wrong name or a folder
that cannot be written is told at once. A batch shows a progress line on the terminal (stderr, rewritten in place;
nothing when stderr is a file or a pipe, so logs stay clean) and ends with one line on stdout. The PDF modules
are imported when a document is written, so that starting the command line never needs them."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from coordinator.cli.output import print_json
from coordinator.cli.session import signed_in
from coordinator.errors import EnvironmentProblem, InputError
from coordinator.i18n import _
from coordinator.participants.lifecycle import parse_status

EXIT_INTERRUPTED = 130  # as the shell says of a program stopped by Ctrl-C (and `coordinator.cli.main`)


# --- the place to write ---------------------------------------------------------------------------------------------


def _checked(out: Path, paper: str) -> None:
    """The paper's name, and the folder the output goes to, checked before signing in and reading anything."""
    from coordinator.documents.pdf import paper_size

    paper_size(paper)
    if out.suffix.lower() == ".pdf":
        if out.is_dir():
            raise InputError(_("{path} is a folder: give the PDF a file name.").format(path=out), field="out")
        _writable(out.parent)
    elif out.is_dir() or not out.exists():  # a folder for one PDF per participant (an existing file: refused later)
        _writable(out)


def _writable(folder: Path) -> None:
    """The folder, or the nearest folder above it that exists (the missing ones are made), must take new files."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(_("{path} is a file, not a folder: choose another place with --out.").format(
            path=existing), field="out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise EnvironmentProblem(_("The folder {path} is not writable: choose another place with --out.").format(
            path=existing))


# --- progress ------------------------------------------------------------------------------------------------------


class ProgressLine:
    """'Casebooks: reading 12 of 40', then 'printing 30 of 40', rewritten in place on a terminal; nothing when
    the stream is not one. `clear` leaves the line empty for what is printed next."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = stream.isatty()
        self.width = 0

    def __call__(self, done: int, total: int) -> bool:
        if self.shown:
            books = total // 2  # reading is the first half of the steps, printing the second
            if done <= books:
                text = _("Casebooks: reading {done} of {count}").format(done=done, count=books)
            else:
                text = _("Casebooks: printing {done} of {count}").format(done=done - books, count=books)
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
            self.width = max(self.width, len(text))
        return True  # Ctrl-C is the way to stop it here

    def clear(self) -> None:
        if self.shown and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


# --- the commands ---------------------------------------------------------------------------------------------------


def print_crf(options: argparse.Namespace) -> None:
    from coordinator.documents.casebook import print_casebook
    from coordinator.documents.pdf import pdf_path

    out = pdf_path(Path(options.out))
    _checked(out, options.paper)
    written = print_casebook(signed_in(options).ctx, options.code, out, paper=options.paper)
    _written(options, _("Casebook written: {path}").format(path=written), {"pdf": written})


def print_blank_crf(options: argparse.Namespace) -> None:
    from coordinator.documents.blank_crf import print_blank_crf as write_blank
    from coordinator.documents.pdf import pdf_path

    out = pdf_path(Path(options.out))
    _checked(out, options.paper)
    written = write_blank(signed_in(options).ctx, options.study, out, paper=options.paper)
    _written(options, _("Blank CRFs written: {path}").format(path=written), {"pdf": written})


def print_casebooks(options: argparse.Namespace) -> int | None:
    """The batch; Ctrl-C stops it with nothing written (the batch writes its files only once all are done)."""
    from coordinator.documents.casebooks import Selection
    from coordinator.documents.casebooks import print_casebooks as write_batch

    out = Path(options.out)
    separate = out.suffix.lower() != ".pdf"
    _checked(out, options.paper)
    selection = Selection(options.study, arm=options.arm.strip().upper() if options.arm else None,
                          site=options.site, status=parse_status(options.status) if options.status else None)
    ctx = signed_in(options).ctx
    progress = ProgressLine(sys.stderr)
    try:
        printed = write_batch(ctx, selection, out, separate=separate, paper=options.paper, progress=progress)
    except KeyboardInterrupt:
        progress.clear()
        print(_("coordinator: interrupted; no casebook was written."), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        progress.clear()  # before the answer, or the error that `main` prints
    where = _("one PDF per participant in {path}") if separate else _("in {path}")
    _written(options, _("Casebooks written: {count}, {where}").format(count=printed.count, where=where.format(
        path=out)), {"casebooks": printed.count, "files": printed.files})
    return None


def _written(options: argparse.Namespace, line: str, data: dict[str, Any]) -> None:
    if options.json:
        print_json(data)
    else:
        print(line)


# --- parsers --------------------------------------------------------------------------------------------------------


def add_print_parsers(documents: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `crf`, `blank-crf` and `casebooks` under `print`."""
    def document(name: str, run: Callable[[argparse.Namespace], Any], help_text: str, out: str = "FILE.pdf",
                 help_out: str | None = None) -> argparse.ArgumentParser:
        found = documents.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        found.add_argument("--out", required=True, metavar=out, help=help_out)
        found.add_argument("--paper", metavar="A4|LETTER", default="a4", help=_(
            "A4 or US Letter (default: A4)"))
        return found

    document("crf", print_crf, _(
        "a participant's casebook: a cover, then every form of the study's CRF filled from the database, each page "
        "with a header, 'page X of Y' and a QR code (participant code, no name)")).add_argument(
        "code", metavar="CODE", help=_("participant code"))
    document("blank-crf", print_blank_crf, _(
        "a study's blank CRFs for paper: boxes for dates (DD/MMM/YYYY) and ticks, the criteria and items "
        "printed")).add_argument("--study", required=True, help=_("study short name, e.g. MILA"))
    batch = document("casebooks", print_casebooks, _(
        "the casebooks of a study, or of one arm, site or status of it, all or nothing"), "FOLDER|FILE.pdf", _(
        "a name ending in .pdf: one PDF, each casebook numbering its own pages; else a folder (made if missing) "
        "that gets one PDF per participant, named by the code"))
    batch.add_argument("--study", required=True, help=_("study short name, e.g. MILA"))
    batch.add_argument("--arm", help=_("only the participants of this arm"))
    batch.add_argument("--site", type=int, metavar="N", help=_("only the participants of this site"))
    batch.add_argument("--status", help=_("only the participants in this status, e.g. enrolled"))
