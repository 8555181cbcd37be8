"""Opening a database: defaults, refusals with clear messages, migration with a dated backup first."""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import db.migrate
from coordinator.errors import EnvironmentProblem
from coordinator.participants.queries import ParticipantQuery, list_participants
from coordinator.participants.register import Registration, register
from coordinator.workspace import open_workspace
from db.engine import DATABASE_FILE
from tests.accounts import TESTER, act_as

NEXT_MIGRATION = '''
"""a column added by a later version"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("later_field", sa.String(), nullable=True))


def downgrade():
    pass
'''


def test_default_database_is_created_in_the_data_folder_with_pragmas(data_dir: Path):
    workspace = open_workspace()
    assert workspace.created and workspace.is_default
    assert (data_dir / DATABASE_FILE).is_file()
    with workspace.ctx.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    workspace.ctx.engine.dispose()
    again = open_workspace()
    assert not again.created and not again.migration.migrated
    again.ctx.engine.dispose()


def test_the_database_can_be_chosen_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    chosen = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("COORDINATOR_DB", str(chosen))
    workspace = open_workspace()
    assert workspace.ctx.url.endswith("elsewhere.sqlite3") and chosen.is_file()
    workspace.ctx.engine.dispose()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Dear diary, " * 500)
    with pytest.raises(EnvironmentProblem, match="not a Study Coordinator database"):
        open_workspace(str(path))
    assert path.read_bytes() == b"Dear diary, " * 500


def test_another_programs_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(EnvironmentProblem, match="another program"):
        open_workspace(str(path))


def test_a_database_written_by_a_newer_version_is_refused(db_file: Path):
    open_workspace(str(db_file)).ctx.engine.dispose()
    connection = sqlite3.connect(db_file)
    connection.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    connection.commit()
    connection.close()
    with pytest.raises(EnvironmentProblem, match="written by a newer version of Study Coordinator"):
        open_workspace(str(db_file))


def test_a_read_only_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Tests run as root, who ignores permissions: the folder is made to look read-only through os.access."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    with pytest.raises(EnvironmentProblem, match="is read-only"):
        open_workspace(str(tmp_path / "x.sqlite3"))
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_missing_folder_is_refused(tmp_path: Path):
    with pytest.raises(EnvironmentProblem, match="does not exist"):
        open_workspace(str(tmp_path / "nowhere" / "x.sqlite3"))


def test_a_due_migration_backs_up_the_file_first(tester_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db_file = tester_db
    first = open_workspace(str(db_file))
    act_as(first.ctx, TESTER)
    code = register(first.ctx, Registration("MILA", 1, "2016-01-10", "F")).code
    first.ctx.engine.dispose()

    newer = tmp_path / "migrations"
    shutil.copytree(db.migrate.MIGRATIONS_DIR, newer)
    head = db.migrate.head_revision()
    (newer / "versions" / "9001_later.py").write_text(NEXT_MIGRATION.format(head=head), encoding="utf-8")
    monkeypatch.setattr(db.migrate, "MIGRATIONS_DIR", newer)
    monkeypatch.setattr(db.migrate, "SCHEMA_HEAD", "9001")  # what the newer program would declare

    upgraded = open_workspace(str(db_file))
    result = upgraded.migration
    assert (result.from_revision, result.to_revision) == (head, "9001")
    assert result.backup is not None and result.backup.parent == db_file.parent / "backups"
    assert result.backup.name.startswith(f"study-before-migration-{head}-")
    copy = sqlite3.connect(result.backup)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
    assert copy.execute("SELECT code FROM participant").fetchall() == [(code,)]
    copy.close()
    assert [p.code for p in list_participants(upgraded.ctx.as_program(), ParticipantQuery())] == [code]
    with upgraded.ctx.engine.connect() as connection:
        assert "later_field" in [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(participant)")]
    upgraded.ctx.engine.dispose()


def test_the_declared_schema_head_is_the_head_of_the_migration_scripts():
    assert db.migrate.head_revision() == db.migrate.SCHEMA_HEAD


def test_an_up_to_date_database_opens_without_loading_alembic(db_file: Path):
    import subprocess
    import sys

    open_workspace(str(db_file)).ctx.engine.dispose()
    probe = ("import sys; from coordinator.workspace import open_workspace; "
             f"open_workspace({str(db_file)!r}); print(sorted(m for m in sys.modules if m.startswith('alembic')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
