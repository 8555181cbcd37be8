"""Bring a database to the schema this version of the program expects, safely.

Before a migration touches an existing SQLite file, the file is copied (online backup) to a dated backup beside
it. A database whose schema revision this program does not know was written by a newer version and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from db.backup import backup_sqlite
from db.engine import sqlite_path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BACKUP_FOLDER = "backups"


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
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_version(engine: Engine) -> str | None:
    """Return the current revision; refuse a database that is newer than this program or not ours."""
    revision = current_revision(engine)
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(revision)
    if revision is None:
        with engine.connect() as connection:
            if inspect(connection).get_table_names():
                raise NotOurDatabase()
    return revision


def upgrade(engine: Engine, now: datetime | None = None) -> MigrationResult:
    """Migrate to the newest schema, with a dated backup first when an existing database is changed."""
    from alembic import command

    revision = check_version(engine)
    head = head_revision()
    if revision == head:
        return MigrationResult(revision, head, None)
    backup = None
    path = sqlite_path(str(engine.url))
    if revision is not None and path is not None:
        stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
        backup = path.parent / BACKUP_FOLDER / f"{path.stem}-before-migration-{revision}-{stamp}{path.suffix}"
        backup_sqlite(path, backup)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return MigrationResult(revision, head, backup)
