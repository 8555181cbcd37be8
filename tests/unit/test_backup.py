"""Back up and restore: verified copies, a safety copy before restore, refusals that change nothing."""

import sqlite3
from pathlib import Path

import pytest

from coordinator.backup import back_up, restore
from coordinator.errors import InputError
from coordinator.participants.queries import ParticipantQuery, list_participants
from coordinator.participants.register import Registration, register


def codes(workspace) -> list[str]:
    return [p.code for p in list_participants(workspace.ctx, ParticipantQuery())]


def test_backup_then_restore_brings_back_the_saved_content(workspace, tmp_path: Path):
    ctx = workspace.ctx
    first = register(ctx, Registration("MILA", 1, "2016-01-10", "F")).code
    target = back_up(ctx, tmp_path / "saved" / "monday.sqlite3")
    assert target.is_file() and not list(target.parent.glob("*.partial"))
    check = sqlite3.connect(target)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("SELECT code FROM participant").fetchall() == [(first,)]
    check.close()

    later = register(ctx, Registration("MILA", 1, "2016-01-10", "M")).code
    assert codes(workspace) == [first, later]
    restored = restore(ctx, target)
    assert codes(workspace) == [first]
    assert restored.safety_copy.is_file()
    safety = sqlite3.connect(restored.safety_copy)
    assert [row[0] for row in safety.execute("SELECT code FROM participant ORDER BY id")] == [first, later]
    safety.close()
    # the restored database keeps working, and the next code continues from the restored content
    assert register(ctx, Registration("MILA", 1, "2016-01-10", "M")).code == later


def test_restore_refuses_what_is_not_our_backup_and_changes_nothing(workspace, tmp_path: Path):
    ctx = workspace.ctx
    register(ctx, Registration("MILA", 1, "2016-01-10", "F"))
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database")
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    for bad, message in ((text, "not an intact database file"), (other, "not a Study Coordinator backup"),
                         (tmp_path / "missing.sqlite3", "There is no file")):
        with pytest.raises(InputError, match=message):
            restore(ctx, bad)
    assert codes(workspace) == ["MILA-01-0001"]


def test_restore_refuses_a_backup_from_a_newer_version(workspace, tmp_path: Path):
    target = back_up(workspace.ctx, tmp_path / "b.sqlite3")
    connection = sqlite3.connect(target)
    connection.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    connection.commit()
    connection.close()
    with pytest.raises(InputError, match="newer version"):
        restore(workspace.ctx, target)


def test_backup_refuses_to_overwrite_the_database_itself(workspace, db_file: Path):
    with pytest.raises(InputError, match="another file than the database"):
        back_up(workspace.ctx, db_file)
    with pytest.raises(InputError, match="is a folder"):
        back_up(workspace.ctx, db_file.parent)
