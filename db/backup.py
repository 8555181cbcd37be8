"""SQLite online backup and restore, each verified by reopening the copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupNotValid(Exception):
    """The file written or read is not an intact SQLite database."""


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """Open by URI, so that no character of the path (#, ?, %) is taken for URI syntax: mode ro, rw or rwc."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)


def side_files(path: Path) -> list[Path]:
    """The journal files SQLite may keep beside a database."""
    return [path.with_name(path.name + suffix) for suffix in SIDE_FILES]


def remove_with_side_files(path: Path) -> None:
    """Delete a database file that is no longer needed, with its journal files."""
    for leftover in (path, *side_files(path)):
        leftover.unlink(missing_ok=True)


def stored_tables(path: Path) -> set[str]:
    """The tables of an SQLite file, read-only, after SQLite's integrity check."""
    try:
        connection = _connect(path, "ro")
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupNotValid(str(error)) from error
    if not result or result[0] != "ok":
        raise BackupNotValid(result[0] if result else "no answer to the integrity check")
    return tables


def verify_sqlite(path: Path) -> None:
    """Open the file read-only and run SQLite's integrity check on it."""
    stored_tables(path)


def stored_revision(path: Path) -> str | None:
    """The schema revision recorded in an SQLite file (read-only), or None when it has none."""
    if "alembic_version" not in stored_tables(path):
        return None
    connection = _connect(path, "ro")
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    return row[0] if row else None


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live database to target through SQLite's backup API, then verify the copy.

    The copy is a plain single file (no WAL beside it), written under a temporary name and renamed into place,
    so that a failed backup never leaves a half-written file under the chosen name. It must hold the same
    tables as the source: a copy of the wrong file is caught, not reported as verified.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    remove_with_side_files(partial)
    try:
        _copy(_connect(source, "ro"), _connect(partial, "rwc"))
        expected = stored_tables(source)
        if not expected or stored_tables(partial) != expected:
            raise BackupNotValid("the copy does not hold the tables of the database")
        partial.replace(target)
    finally:
        remove_with_side_files(partial)


def restore_sqlite(source: Path, target: Path) -> None:
    """Replace target's content with source's, page by page, inside SQLite (safe with WAL and open readers)."""
    verify_sqlite(source)
    _copy(_connect(source, "ro"), _connect(target, "rw"), keep_journal_mode=True)
    verify_sqlite(target)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, *, keep_journal_mode: bool = False) -> None:
    try:
        source.backup(target)
        if not keep_journal_mode:
            target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
        source.close()
