"""The export log: every document printed and every export written leaves an audit event saying who wrote what,
where and when (table "export", the file's name as the record), so data that left the program can be traced.

Reading is enough to print or export (a monitor may), hence `Permission.READ`; the event is tagged with the
study and participant it is about, so it shows in that participant's history and in a study's trail.

What counts as an export: every file written (PDF, CSV) and every JSON output on the terminal (`--json` of the
commands that read study data: `show`, `participants`, `signatures`, `screening-log`, `consent status`,
`consent todo`, `eligibility check`, `allocation report`), which a script can keep or send on; and the
allocation report in any form, since it reveals the arms of a blinded list. Plain text listings read on the
terminal are not logged: they are what the window shows, and are gone when the terminal is closed. A command's
JSON answer about its own change (register, enroll, sign...) is not an export either: the change is audited.
Output is logged before it is printed, so no data leaves unlogged; a file is logged once written, and removed if
the log cannot be written (`log_written_file`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.i18n import _
from coordinator.security.permissions import Permission

EXPORT_TABLE = "export"
STANDARD_OUTPUT = "-"  # the target of data printed on the terminal (`--json`), as command-line tools name it


def log_export(ctx: Context, what: str, target: Path | str, *, study: str | None = None,
               subject: str | None = None) -> None:
    """Record that `what` (e.g. "screening log PDF") was written to `target` (a file, or STANDARD_OUTPUT): the
    file's name is the record, the event says the whole path."""
    place = str(target)
    if place == STANDARD_OUTPUT:
        record, said = place, _("{what} printed on the standard output").format(what=what)
    else:
        record, said = Path(place).name or place, _("{what} written to {path}").format(what=what, path=place)
    with UnitOfWork(ctx, Permission.READ, study=study) as work:
        work.record_event(EXPORT_TABLE, record, said, study=study, subject=subject)


def log_written_file(ctx: Context, what: str, written: Path, *, study: str | None = None,
                     subject: str | None = None) -> Path:
    """Log a file just written; if the log cannot be written (the account deactivated meanwhile, the disk full),
    the file is removed and the error raised: no document leaves unlogged. Check READ before writing the file, so
    that a plain refusal never writes it in the first place."""
    try:
        log_export(ctx, what, written, study=study, subject=subject)
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    return written


def log_written_files(ctx: Context, what: str, written: Sequence[tuple[Path, str | None]], *,
                      study: str | None = None) -> None:
    """Log files just written, (file, participant) each, in one transaction: a batch of casebooks shows in each
    participant's history. If the log cannot be written, every file is removed and the error raised."""
    try:
        with UnitOfWork(ctx, Permission.READ, study=study) as work:
            for path, subject in written:
                work.record_event(EXPORT_TABLE, path.name, _("{what} written to {path}").format(what=what, path=path),
                                  study=study, subject=subject)
    except BaseException:
        for path, _subject in written:
            path.unlink(missing_ok=True)
        raise
