"""Engine setup: SQLite by default (WAL, foreign keys, busy timeout), any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

APP_NAME = "StudyCoordinator"
DATABASE_FILE = "coordinator.sqlite3"
BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "coordinator_write"


def data_dir() -> Path:
    """The per-user folder that holds the default database, its backups and crash reports."""
    override = os.environ.get("COORDINATOR_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_url() -> str:
    return sqlite_url(data_dir() / DATABASE_FILE)


def sqlite_url(path: Path | str) -> str:
    """The URL of an SQLite file; characters such as ?, # and % in the path are escaped, not read as URL syntax."""
    return URL.create("sqlite", database=str(Path(path).expanduser().resolve())).render_as_string()


def normalize_url(url_or_path: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as an SQLite file)."""
    return url_or_path if "://" in url_or_path else sqlite_url(url_or_path)


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """Create the engine; on SQLite every connection gets the pragmas, and writers take the lock up front."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url)
    # A pooled connection may serve a worker thread after the main one; each is used by one thread at a time.
    engine = create_engine(url, connect_args={"check_same_thread": False})
    _configure_sqlite(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions start as writers (BEGIN IMMEDIATE on SQLite).

    Taking the write lock at BEGIN makes concurrent writers queue on the busy timeout instead of failing
    when a read transaction tries to upgrade, which is what keeps participant codes free of gaps and duplicates
    with two processes registering at once.
    """
    return engine.execution_options(**{WRITE_OPTION: True})


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
