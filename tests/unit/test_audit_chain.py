"""The audit trail's hash chain: tampering with plain SQL, triggers dropped, is found and named by row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from coordinator.audit.chain import adopt, verify
from coordinator.audit.seal import KEY_FILE, AuditTrailBroken, _key_at
from coordinator.backup import restore
from coordinator.errors import InputError, RuleViolation
from coordinator.participants.register import Registration, register
from coordinator.security.permissions import NOBODY
from coordinator.security.signin import sign_in
from coordinator.workspace import open_workspace
from db.audit_chain import GENESIS, HASHED_FIELDS, row_digest
from db.engine import make_engine, sqlite_url
from db.migrate import _config
from db.tables import AuditEntry
from tests.accounts import PASSWORD, TESTER, act_as

A = AuditEntry.__table__


@pytest.fixture
def trail(workspace) -> tuple[Path, int]:
    """Some real history; returns the file and its number of audit rows."""
    for first in ("Léa", "Hugo", "Inès"):
        register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "F", first, "Dubois"))
    report = verify(workspace.ctx.engine)
    assert report.intact and report.checked > 30
    return Path(workspace.ctx.url.removeprefix("sqlite:///")), report.checked


def tamper(path: Path, *statements: str) -> None:
    """Another tool on the file: triggers dropped first, then the statements."""
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER audit_trail_no_update")
        connection.execute("DROP TRIGGER audit_trail_no_delete")
        for statement in statements:
            connection.execute(statement)


def findings(workspace) -> list[tuple[int | None, str]]:
    return [(fault.row_id, fault.problem) for fault in verify(workspace.ctx.engine).faults]


def test_an_edited_row_is_named_alone(workspace, trail):
    path, _count = trail
    tamper(path, "UPDATE audit_trail SET new_value = 'Forged' WHERE id = 20")
    assert findings(workspace) == [(20, "its content or place does not match its digest (edited, inserted or "
                                        "moved outside the program)")]


def test_an_edit_with_its_digest_recomputed_breaks_the_next_row(workspace, trail):
    path, _count = trail
    with sqlite3.connect(path) as connection:
        row = connection.execute(f"SELECT {', '.join(HASHED_FIELDS)} FROM audit_trail WHERE id = 20").fetchone()
        previous = connection.execute("SELECT row_hash FROM audit_trail WHERE id = 19").fetchone()[0]
    forged = list(row)
    forged[HASHED_FIELDS.index("new_value")] = "Forged"
    tamper(path, f"UPDATE audit_trail SET new_value = 'Forged', row_hash = '{row_digest(previous, forged)}' "
                 "WHERE id = 20")
    assert [row_id for row_id, _problem in findings(workspace)] == [21]


def test_a_deleted_row_in_the_middle_is_found(workspace, trail):
    path, _count = trail
    tamper(path, "DELETE FROM audit_trail WHERE id IN (10, 11)")
    assert findings(workspace)[0] == (12, "rows 10–11 before it are missing")


def test_a_deleted_tail_is_found_by_the_seal(workspace, trail):
    path, count = trail
    tamper(path, f"DELETE FROM audit_trail WHERE id > {count - 3}")
    assert findings(workspace) == [(None, f"rows {count - 2}–{count} at the end are missing")]


def test_swapped_rows_are_found(workspace, trail):
    path, _count = trail
    tamper(path, "UPDATE audit_trail SET id = -1 WHERE id = 5", "UPDATE audit_trail SET id = 5 WHERE id = 6",
           "UPDATE audit_trail SET id = 6 WHERE id = -1")
    # both moved rows, and the row after them, whose predecessor's digest is no longer the one it was chained to
    assert [row_id for row_id, _problem in findings(workspace)] == [5, 6, 7]


def test_an_inserted_row_is_found(workspace, trail):
    path, count = trail
    tamper(path, "INSERT INTO audit_trail (id, at_utc, actor, action, table_name, record_id, row_hash) "
                 f"VALUES ({count + 1}, '2026-11-21T10:30:00Z', 'tester', 'event', 'x', '1', 'abc')")
    found = findings(workspace)
    assert (count + 1) in [row_id for row_id, _problem in found]
    assert found[-1][0] is None  # and the seal names another last row


def test_a_row_appended_with_a_correct_digest_still_disagrees_with_the_seal(workspace, trail):
    path, count = trail
    with sqlite3.connect(path) as connection:
        previous = connection.execute(f"SELECT row_hash FROM audit_trail WHERE id = {count}").fetchone()[0]
    values = [count + 1, "2026-11-21T10:30:00Z", "tester", "event", "x", "1", None, None, "forged", None, None, None]
    digest = row_digest(previous, values)
    tamper(path, "INSERT INTO audit_trail (id, at_utc, actor, action, table_name, record_id, new_value, row_hash) "
                 f"VALUES ({count + 1}, '2026-11-21T10:30:00Z', 'tester', 'event', 'x', '1', 'forged', '{digest}')")
    assert findings(workspace) == [(None, f"the seal names row {count}, but the trail ends at row {count + 1} "
                                          "(rows added or changed outside the program)")]


def test_the_program_keeps_the_chain_intact_across_sessions(workspace, trail, clock):
    path, count = trail
    again = open_workspace(str(path), clock=clock)
    act_as(again.ctx, TESTER)
    register(again.ctx, Registration("MILA", 1, "2016-01-10", "M"))
    report = verify(again.ctx.engine)
    assert report.intact and report.checked > count
    again.ctx.engine.dispose()


def test_the_migration_chains_the_rows_written_before_the_chain_existed(tmp_path):
    """A database of the previous schema with history is upgraded: its rows get digests and the seal."""
    path = tmp_path / "old.sqlite3"
    engine = make_engine(sqlite_url(path))
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        for number in range(1, 4):
            connection.exec_driver_sql(
                "INSERT INTO audit_trail (at_utc, actor, action, table_name, record_id, new_value) "
                f"VALUES ('2026-01-0{number}T10:00:00Z', 'olduser', 'event', 'database', 'x', 'old {number}')")
    engine.dispose()
    upgraded = open_workspace(str(path))
    report = verify(upgraded.ctx.engine)
    assert report.intact and report.checked >= 3
    with upgraded.ctx.engine.connect() as connection:
        first = connection.execute(select(*(A.c[name] for name in HASHED_FIELDS), A.c.row_hash)
                                   .order_by(A.c.id).limit(1)).one()
    assert first.row_hash == row_digest(GENESIS, tuple(first)[:-1])
    upgraded.ctx.engine.dispose()


def test_a_tail_cut_with_the_seal_rewritten_in_sql_is_found_by_the_seal_key(workspace, trail):
    path, count = trail
    tamper(path, f"DELETE FROM audit_trail WHERE id > {count - 3}",
           "UPDATE audit_seal SET last_id = (SELECT max(id) FROM audit_trail), "
           "last_hash = (SELECT row_hash FROM audit_trail WHERE id = (SELECT max(id) FROM audit_trail))")
    assert findings(workspace) == [(None, "the seal is not signed with this workstation's key: it was rewritten "
                                          "outside the program, or the database comes from another workstation "
                                          "without its key")]


def test_after_tampering_the_program_writes_nothing_more_but_still_signs_in_and_verifies(workspace, trail):
    path, count = trail
    tamper(path, "INSERT INTO audit_trail (id, at_utc, actor, action, table_name, record_id, row_hash) "
                 f"VALUES ({count + 1}, '2026-11-21T10:30:00Z', 'tester', 'event', 'x', '1', 'abc')")
    with pytest.raises(AuditTrailBroken, match="changed outside Study Coordinator"):
        register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "M"))
    workspace.ctx.user = NOBODY
    assert sign_in(workspace.ctx, TESTER, PASSWORD).login == TESTER  # to read and verify; not recorded
    assert (count + 1) in [row_id for row_id, _problem in findings(workspace)]
    with pytest.raises(RuleViolation, match="findings other than its seal's key"):
        adopt(workspace.ctx, "moved")


def test_a_database_from_another_workstation_is_adopted_by_an_administrator(workspace, trail, data_dir):
    _path, count = trail
    (data_dir / KEY_FILE).write_bytes(b"another workstation's key")
    _key_at.cache_clear()
    assert findings(workspace) == [(None, "the seal is not signed with this workstation's key: it was rewritten "
                                          "outside the program, or the database comes from another workstation "
                                          "without its key")]
    with pytest.raises(AuditTrailBroken):
        register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "M"))
    with pytest.raises(InputError, match="Say why"):
        adopt(workspace.ctx, " ")
    report = adopt(workspace.ctx, "restored from the old workstation's backup")
    assert report.intact and report.checked == count + 1
    register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "M"))
    assert verify(workspace.ctx.engine).intact


def test_a_backup_from_before_the_chain_restores_with_its_seal_signed(workspace, tmp_path):
    old = tmp_path / "old-backup.sqlite3"
    engine = make_engine(sqlite_url(old))
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.exec_driver_sql("INSERT INTO audit_trail (at_utc, actor, action, table_name, record_id, new_value)"
                                   " VALUES ('2026-01-01T10:00:00Z', 'olduser', 'event', 'database', 'x', 'old')")
    engine.dispose()
    restored = restore(workspace.ctx, old)
    assert "no accounts" in restored.note
    report = verify(workspace.ctx.engine)
    assert report.intact and report.checked == 2  # the old row and the restore's own event
