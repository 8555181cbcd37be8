"""Back up the database to a chosen file and restore it, each verified by reopening the copy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from coordinator.audit import seal
from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import EnvironmentProblem, InputError
from coordinator.i18n import _
from coordinator.security.accounts import has_accounts
from coordinator.security.permissions import Permission, Principal
from coordinator.security.principals import load_principal
from coordinator.storage_errors import environment_errors
from coordinator.values import checked_path
from db.backup import (
    BackupNotValid,
    backup_sqlite,
    remove_with_side_files,
    restore_sqlite,
    side_files,
    stored_revision,
    stored_tables,
)
from db.engine import make_engine, sqlite_path, sqlite_url
from db.migrate import BACKUP_FOLDER, known_revisions, upgrade

# Tables every Study Coordinator database has had since its first schema: a file without them is not ours.
CORE_TABLES = frozenset({"study", "study_version", "participant", "identity", "audit_trail"})


@dataclass(frozen=True)
class Restored:
    source: Path
    safety_copy: Path
    note: str | None = None  # what the restoring user should know: their account is not in the restored data


def _live_file(ctx: Context) -> Path:
    path = sqlite_path(ctx.url)
    if path is None:
        raise EnvironmentProblem(_("Back up and restore work on SQLite files; back up a server database "
                                   "with the server's own tools."))
    return path.resolve()


def back_up(ctx: Context, target: Path) -> Path:
    """Copy the live database to target (online, consistent), then verify the copy by reopening it."""
    ctx.require(Permission.BACKUP)
    live = _live_file(ctx)
    target = checked_path(target, "target").expanduser().resolve()
    if target in (live, *side_files(live)):
        raise InputError(_("Choose another file than the database itself."), field="target")
    if target.is_dir():
        raise InputError(_("{path} is a folder: choose a file name.").format(path=target), field="target")
    try:
        with environment_errors():
            backup_sqlite(live, target)
    except BackupNotValid as error:
        raise EnvironmentProblem(_("The backup could not be verified ({reason}); no backup was kept.").format(
            reason=error)) from error
    with UnitOfWork(ctx, Permission.BACKUP) as work:
        work.record_event("database", live.name, _("backup written to {path}").format(path=target))
    return target


def restore(ctx: Context, source: Path) -> Restored:
    """Replace the database with a backup, safely.

    The backup is first copied beside the database and brought to the current schema there; only a copy that
    opens and checks out replaces the live content. The live content is kept as a safety copy first, and put
    back if anything fails after the replacement.

    The permission is checked on the live data; the restore event is then written on behalf of the
    administrator without re-reading their account in the restored data, which may predate it.
    """
    ctx.require(Permission.RESTORE)
    live = _live_file(ctx)
    source = checked_path(source, "source").expanduser().resolve()
    if not source.is_file():
        raise InputError(_("There is no file {path}.").format(path=source), field="source")
    if source == live:
        raise InputError(_("This file is the database itself."), field="source")
    _check_backup(source)
    stamp = ctx.now().strftime("%Y%m%d-%H%M%S")
    folder = live.parent / BACKUP_FOLDER
    staging = folder / f"{live.stem}-restoring-{stamp}{live.suffix}"
    safety = folder / f"{live.stem}-before-restore-{stamp}{live.suffix}"
    with environment_errors():
        try:
            backup_sqlite(source, staging)
            _bring_up_to_date(staging)
            backup_sqlite(live, safety)
            ctx.engine.dispose()
            try:
                restore_sqlite(staging, live)
                with UnitOfWork(_restorer(ctx), Permission.RESTORE) as work:
                    work.record_event("database", live.name, _(
                        "restored from {source}; the previous content is kept in {safety}").format(
                            source=source, safety=safety))
            except BaseException:
                ctx.engine.dispose()
                restore_sqlite(safety, live)
                raise
        finally:
            remove_with_side_files(staging)
        note = _missing_account_note(ctx)
    return Restored(source, safety, note)


def _restorer(ctx: Context) -> Context:
    """The administrator who restores, as the actor of the restore event, whether or not the restored data knows
    their account: the permission was checked on the live data before anything was replaced."""
    return replace(ctx, user=Principal(ctx.user.login, ctx.user.full_name, program=True))


def _missing_account_note(ctx: Context) -> str | None:
    """Say so when the restored data has no active account for whoever restored it: they cannot work in it."""
    if ctx.user.program:
        return None
    with ctx.engine.connect() as connection:
        if load_principal(connection, ctx.user.login) is not None:
            return None
    if not has_accounts(ctx):
        return _("The restored data has no accounts: the next start asks to create the administrator.")
    return _("The restored data has no active account for {login}: the next start asks who signs in.").format(
        login=ctx.user.login)


def _bring_up_to_date(path: Path) -> None:
    engine = make_engine(sqlite_url(path))
    try:
        upgrade(engine, finish=seal.sign_new_seal)
    finally:
        engine.dispose()


def _check_backup(source: Path) -> None:
    """Refuse anything that is not an intact Study Coordinator database this version can open.

    The file is only read: checking a backup never changes it.
    """
    try:
        tables = stored_tables(source)
        revision = stored_revision(source)
    except BackupNotValid as error:
        raise InputError(_("{path} is not an intact database file ({reason}).").format(
            path=source.name, reason=error), field="source") from error
    if revision is None or not CORE_TABLES.issubset(tables):
        raise InputError(_("{path} is not a Study Coordinator backup.").format(path=source.name), field="source")
    if revision not in known_revisions():
        raise InputError(_("{path} was written by a newer version of Study Coordinator.").format(
            path=source.name), field="source")
