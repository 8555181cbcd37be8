"""Bring a database to the schema this version of the program expects, safely.

Before a migration touches an existing SQLite file, the file is copied (online backup) to a dated backup beside
it. A database whose schema revision this program does not know was written by a newer version and is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from db.backup import backup_sqlite
from db.engine import sqlite_path, writer

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BACKUP_FOLDER = "backups"
# The newest migration. A database already at this revision opens without loading Alembic at all (about a
# tenth of a second at every start); tests/unit/test_database.py checks it names the head of the scripts.
SCHEMA_HEAD = "0005"


class SchemaTooNew(Exception):
    """The database carries a schema revision this program does not know."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


class NotOurDatabase(Exception):
    """The database holds tables but none of ours: it belongs to another program."""


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def migrated(self) -> bool:
        return self.from_revision != self.to_revision


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (Alembic's table, read with plain SQL), or None."""
    with engine.connect() as connection:
        return _revision_of(connection)


def _revision_of(connection: Connection) -> str | None:
    tables = inspect(connection).get_table_names()
    if "alembic_version" not in tables:
        if tables:
            raise NotOurDatabase()
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_version(engine: Engine) -> str | None:
    """Return the current revision; refuse a database that is newer than this program or not ours."""
    revision = current_revision(engine)
    if revision is not None and revision != SCHEMA_HEAD and revision not in known_revisions():
        raise SchemaTooNew(revision)
    return revision


def upgrade(engine: Engine, now: datetime | None = None, *,
            finish: Callable[[Connection], None] | None = None) -> MigrationResult:
    """Migrate to the newest schema, with a dated backup first when an existing database is changed.

    `finish` runs in the migration's own transaction, under its write lock, once the scripts have run: what the
    program adds that the scripts cannot (the audit seal's signature, with a key db/ knows nothing of).
    """
    revision = check_version(engine)
    if revision == SCHEMA_HEAD:
        return MigrationResult(revision, revision, None)
    from alembic import command

    head = head_revision()
    # One migrator at a time: a second program starting now waits for the lock, then finds the work done.
    with writer(engine).begin() as connection:
        revision = _revision_of(connection)
        if revision == head:
            return MigrationResult(revision, head, None)
        backup = None
        path = sqlite_path(str(engine.url))
        if revision is not None and path is not None:
            stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
            backup = path.parent / BACKUP_FOLDER / f"{path.stem}-before-migration-{revision}-{stamp}{path.suffix}"
            backup_sqlite(path, backup)
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if finish is not None:
            finish(connection)
    return MigrationResult(revision, head, backup)
