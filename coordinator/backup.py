"""Back up the database to a chosen file and restore it, each verified by reopening the copy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import EnvironmentProblem, InputError
from coordinator.i18n import _
from coordinator.storage_errors import environment_errors
from db.backup import BackupNotValid, backup_sqlite, restore_sqlite, stored_revision
from db.engine import sqlite_path
from db.migrate import BACKUP_FOLDER, known_revisions, upgrade


@dataclass(frozen=True)
class Restored:
    source: Path
    safety_copy: Path


def _live_file(ctx: Context) -> Path:
    path = sqlite_path(ctx.url)
    if path is None:
        raise EnvironmentProblem(_("Back up and restore work on SQLite files; back up a server database "
                                   "with the server's own tools."))
    return path


def back_up(ctx: Context, target: Path) -> Path:
    """Copy the live database to target (online, consistent), then verify the copy by reopening it."""
    live = _live_file(ctx)
    target = target.expanduser().resolve()
    if target == live.resolve():
        raise InputError(_("Choose another file than the database itself."), field="target")
    if target.is_dir():
        raise InputError(_("{path} is a folder: choose a file name.").format(path=target), field="target")
    with UnitOfWork(ctx) as work:
        work.record_event("database", live.name, _("backup written to {path}").format(path=target))
    try:
        with environment_errors():
            backup_sqlite(live, target)
    except BackupNotValid as error:
        raise EnvironmentProblem(_("The backup could not be verified ({reason}); no backup was kept.").format(
            reason=error)) from error
    return target


def restore(ctx: Context, source: Path) -> Restored:
    """Replace the database with a backup. The current content is kept first as a safety copy."""
    live = _live_file(ctx)
    source = source.expanduser().resolve()
    if not source.is_file():
        raise InputError(_("There is no file {path}.").format(path=source), field="source")
    if source == live.resolve():
        raise InputError(_("This file is the database itself."), field="source")
    _check_backup(source)
    stamp = ctx.now().strftime("%Y%m%d-%H%M%S")
    safety = live.parent / BACKUP_FOLDER / f"{live.stem}-before-restore-{stamp}{live.suffix}"
    with environment_errors():
        backup_sqlite(live, safety)
        ctx.engine.dispose()
        restore_sqlite(source, live)
        upgrade(ctx.engine)
    with UnitOfWork(ctx) as work:
        work.record_event("database", live.name, _("restored from {source}; the previous content is kept in "
                                                   "{safety}").format(source=source, safety=safety))
    return Restored(source, safety)


def _check_backup(source: Path) -> None:
    """Refuse anything that is not an intact Study Coordinator database this version can open.

    The file is only read: checking a backup never changes it.
    """
    try:
        revision = stored_revision(source)
    except BackupNotValid as error:
        raise InputError(_("{path} is not an intact database file ({reason}).").format(
            path=source.name, reason=error), field="source") from error
    if revision is None:
        raise InputError(_("{path} is not a Study Coordinator backup.").format(path=source.name), field="source")
    if revision not in known_revisions():
        raise InputError(_("{path} was written by a newer version of Study Coordinator.").format(
            path=source.name), field="source")
