"""The export log: every document printed and every export written leaves an audit event saying who wrote what,
where and when (table "export", the file's name as the record), so data that left the program can be traced.

Reading is enough to print or export (a monitor may), hence `Permission.READ`; the event is tagged with the
study and participant it is about, so it shows in that participant's history and in a study's trail.
"""

from __future__ import annotations

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
