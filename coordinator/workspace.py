"""Opening the database: choose it, check its version, migrate with a backup, load the study files."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from coordinator.assignment import allocation
from coordinator.audit import seal
from coordinator.context import Context
from coordinator.errors import EnvironmentProblem, InputError
from coordinator.i18n import _
from coordinator.paths import studies_dir
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from coordinator.studies.loader import StudyFileProblem, load_directory
from coordinator.values import checked_path
from db.engine import default_url, make_engine, normalize_url, sqlite_path
from db.migrate import MigrationResult, NotOurDatabase, SchemaTooNew, upgrade

DATABASE_ENV = "COORDINATOR_DB"


@dataclass
class Workspace:
    ctx: Context
    created: bool  # the database did not exist before: a first run
    migration: MigrationResult
    study_problems: list[StudyFileProblem] = field(default_factory=list)
    new_versions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_default(self) -> bool:
        return self.ctx.url == default_url()


def resolve_url(url_or_path: str | None) -> str:
    """--db first, then COORDINATOR_DB, then the SQLite file in the user's data folder."""
    chosen = url_or_path if url_or_path is not None else os.environ.get(DATABASE_ENV)
    if chosen is None:
        return default_url()
    if not chosen.strip():
        raise InputError(_("The database is empty: give a file or a database address (--db)."), field="db")
    checked_path(chosen.strip(), "db")
    return normalize_url(chosen.strip())


def open_workspace(
    url_or_path: str | None = None, *, studies: Path | None = None, clock: Callable[[], datetime] | None = None,
) -> Workspace:
    """Open, migrate and load the study files, as the program; nobody is signed in yet."""
    url = resolve_url(url_or_path)
    try:
        path = sqlite_path(url)
        created = path is not None and not path.exists()
        if path is not None:
            _check_sqlite_location(path, is_default=url == default_url())
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError) as error:
        raise InputError(_("The database address {url} is not one this program can open: {reason}.").format(
            url=url, reason=error), field="db") from error
    except ImportError as error:
        raise InputError(_("The database address {url} needs the Python driver {driver}, which is not "
                           "installed.").format(url=url, driver=error.name), field="db") from error
    ctx = Context(engine, url)
    if clock is not None:
        ctx.clock = clock
    try:
        with environment_errors():
            migration = upgrade(engine, finish=seal.sign_new_seal)
    except SchemaTooNew as error:
        engine.dispose()
        raise EnvironmentProblem(_(
            "This database was written by a newer version of Study Coordinator (schema {revision}). "
            "Open it with that version or a later one; nothing was changed."
        ).format(revision=error.revision)) from error
    except NotOurDatabase as error:
        engine.dispose()
        raise EnvironmentProblem(_(
            "This file is an SQLite database of another program, not a Study Coordinator database; "
            "nothing was changed."
        )) from error
    except EnvironmentProblem:
        engine.dispose()
        raise
    loaded = load_directory(studies or studies_dir())
    program = ctx.as_program()
    added = catalogue.sync(program, loaded)
    allocation.ensure_lists(program)  # sealed before any participant of a newly randomized study can be enrolled
    return Workspace(ctx, created, migration, loaded.problems, added)


def _check_sqlite_location(path: Path, *, is_default: bool) -> None:
    if path.is_dir():
        raise EnvironmentProblem(_("{path} is a folder, not a database file.").format(path=path))
    if not path.parent.exists():
        if not is_default:
            raise EnvironmentProblem(_("The folder {folder} does not exist.").format(folder=path.parent))
        with environment_errors():
            path.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(path.parent, os.W_OK):
        raise EnvironmentProblem(_(
            "The folder {folder} is read-only: the database needs to write its journal beside the file. "
            "Choose a writable folder or fix its permissions."
        ).format(folder=path.parent))
