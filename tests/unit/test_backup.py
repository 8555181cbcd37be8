"""Back up and restore: verified copies, a safety copy before restore, refusals that change nothing."""

import sqlite3
from pathlib import Path

import pytest

from coordinator.backup import back_up, restore
from coordinator.errors import EnvironmentProblem, InputError
from coordinator.participants.queries import ParticipantQuery, list_participants
from coordinator.participants.register import Registration, register
from tests.accounts import TESTER, act_as, add_user, make_tester


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
    assert restored.note is None  # the tester's account is in the restored data
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


def test_paths_with_uri_characters_back_up_and_restore_the_real_file(tmp_path: Path, clock):
    from coordinator.workspace import open_workspace

    odd = tmp_path / "site #1 ?50% data.sqlite3"
    workspace = open_workspace(str(odd), clock=clock)
    assert odd.is_file()
    make_tester(workspace.ctx)
    code = register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "F")).code
    target = back_up(workspace.ctx, tmp_path / "copy #2 ?.sqlite3")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT code FROM participant").fetchall() == [(code,)]
    copy.close()
    register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "M"))
    restored = restore(workspace.ctx, target)
    assert codes(workspace) == [code]
    safety = sqlite3.connect(restored.safety_copy)
    assert safety.execute("SELECT count(*) FROM participant").fetchone() == (2,)
    safety.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and "data" not in p.name) == [target.name]
    workspace.ctx.engine.dispose()


def test_a_backup_leaves_one_plain_file_and_no_journal_beside_it(workspace, tmp_path: Path):
    target = back_up(workspace.ctx, tmp_path / "out" / "b.sqlite3")
    assert [p.name for p in target.parent.iterdir()] == ["b.sqlite3"]
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()


def test_the_databases_own_journal_files_are_not_a_backup_target(workspace, db_file: Path):
    for side in ("-wal", "-shm"):
        with pytest.raises(InputError, match="another file than the database"):
            back_up(workspace.ctx, db_file.with_name(db_file.name + side))


def test_a_failed_backup_is_not_recorded_as_written(workspace, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(EnvironmentProblem):
        back_up(workspace.ctx, blocker / "inside" / "b.sqlite3")  # a folder inside a file cannot exist
    with workspace.ctx.engine.connect() as connection:
        events = connection.exec_driver_sql("SELECT new_value FROM audit_trail WHERE action = 'event'").all()
    assert not [e for e in events if "backup written" in e[0]]


def test_a_file_with_only_a_schema_stamp_is_refused_and_the_database_is_untouched(workspace, tmp_path: Path):
    register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "F"))
    stamp_only = tmp_path / "stamp.sqlite3"
    connection = sqlite3.connect(stamp_only)
    connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.commit()
    connection.close()
    with pytest.raises(InputError, match="not a Study Coordinator backup"):
        restore(workspace.ctx, stamp_only)
    assert codes(workspace) == ["MILA-01-0001"]


def test_a_restore_that_fails_after_replacing_puts_the_previous_content_back(workspace, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    import coordinator.backup as backups

    ctx = workspace.ctx
    target = back_up(ctx, tmp_path / "b.sqlite3")
    register(ctx, Registration("MILA", 1, "2016-01-10", "F"))

    def disk_full(self, *args, **kwargs) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups.UnitOfWork, "record_event", disk_full)  # fails after the content was replaced
    with pytest.raises(EnvironmentProblem, match="No space left on device"):
        restore(ctx, target)
    monkeypatch.undo()
    assert codes(workspace) == ["MILA-01-0001"]
    assert not list((tmp_path / "backups").glob("*restoring*"))


def restore_events(ctx) -> list[tuple[str, str]]:
    with ctx.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT actor, new_value FROM audit_trail WHERE action = 'event' AND new_value LIKE 'restored from %'"
        ).all()


def test_an_administrator_restores_a_backup_made_before_their_account_existed(workspace, tmp_path: Path):
    ctx = workspace.ctx
    first = register(ctx, Registration("MILA", 1, "2016-01-10", "F")).code
    target = back_up(ctx, tmp_path / "before-alma.sqlite3")
    add_user(ctx, "alma", "administrator")
    act_as(ctx, "alma")
    register(workspace.ctx.as_program(), Registration("MILA", 1, "2016-01-10", "M"))
    restored = restore(ctx, target)
    assert codes(workspace) == [first]
    assert restored.note == "The restored data has no active account for alma: the next start asks who signs in."
    [(actor, what)] = restore_events(ctx)
    assert actor == "alma" and str(target) in what
    act_as(ctx, TESTER)  # whoever the restored data knows works on in it
    assert register(ctx, Registration("MILA", 1, "2016-01-10", "M")).code == "MILA-01-0002"


def test_restoring_a_backup_without_accounts_says_the_administrator_is_to_be_created(tmp_path: Path, clock):
    from coordinator.workspace import open_workspace

    workspace = open_workspace(str(tmp_path / "site.sqlite3"), clock=clock)
    try:
        target = back_up(workspace.ctx.as_program(), tmp_path / "empty.sqlite3")  # made before any account
        make_tester(workspace.ctx)
        restored = restore(workspace.ctx, target)
        assert restored.note == ("The restored data has no accounts: the next start asks to create the "
                                 "administrator.")
        assert [actor for actor, _what in restore_events(workspace.ctx)] == [TESTER]
    finally:
        workspace.ctx.engine.dispose()
