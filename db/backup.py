"""SQLite online backup and restore, each verified by reopening the copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class BackupNotValid(Exception):
    """The file written or read is not an intact SQLite database."""


def verify_sqlite(path: Path) -> None:
    """Open the file read-only and run SQLite's integrity check on it."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupNotValid(str(error)) from error
    if not result or result[0] != "ok":
        raise BackupNotValid(result[0] if result else "no answer to the integrity check")


def stored_revision(path: Path) -> str | None:
    """The schema revision recorded in an SQLite file (read-only), or None when it has none."""
    verify_sqlite(path)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.DatabaseError, TypeError):
        return None
    finally:
        connection.close()


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live database to target through SQLite's backup API, then verify the copy.

    The copy is written to a temporary file beside the target and renamed into place, so that a failed
    backup never leaves a half-written file under the chosen name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(partial))
        verify_sqlite(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def restore_sqlite(source: Path, target: Path) -> None:
    """Replace target's content with source's, page by page, inside SQLite (safe with WAL and open readers)."""
    verify_sqlite(source)
    _copy(sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target))
    verify_sqlite(target)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
