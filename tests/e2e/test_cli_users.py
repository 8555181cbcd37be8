"""Accounts on the command line: the first administrator, users and roles, passwords, refusals (exit 3)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from coordinator.cli.main import main
from tests.accounts import PASSWORD, TESTER


def as_user(monkeypatch: pytest.MonkeyPatch, login: str, password: str) -> None:
    monkeypatch.setenv("COORDINATOR_USER", login)
    monkeypatch.setenv("COORDINATOR_PASSWORD", password)


def test_a_new_database_asks_for_its_administrator_first(tmp_path: Path, capsys, monkeypatch):
    database = str(tmp_path / "new.sqlite3")
    assert main(["studies", "--db", database]) == 3
    assert "no accounts yet: create the administrator first with 'coordinator init --admin ID" in (
        capsys.readouterr().err)
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "short")
    assert main(["init", "--db", database, "--admin", "ada", "--name", "Ada Admin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "a long password")
    assert main(["init", "--db", database, "--admin", "ada", "--name", "Ada Admin", "--investigator"]) == 0
    assert "Administrator account ada created." in capsys.readouterr().out
    assert main(["init", "--db", database, "--admin", "eve", "--name", "Eve"]) == 2
    assert "already has accounts" in capsys.readouterr().err
    assert main(["studies", "--db", database]) == 2
    assert "Say who you are: --user ID, or COORDINATOR_USER." in capsys.readouterr().err
    monkeypatch.setenv("COORDINATOR_PASSWORD", "a long password")
    assert main(["studies", "--db", database, "--user", "ada"]) == 0
    assert "MILA" in capsys.readouterr().out


def test_the_password_comes_from_the_environment_or_a_terminal(run, monkeypatch):
    monkeypatch.delenv("COORDINATOR_PASSWORD")
    code, _out, err = run("studies")  # stdin is not a terminal under pytest
    assert code == 2 and "Give the password in COORDINATOR_PASSWORD, or run the command in a terminal" in err


def test_an_administrator_adds_a_user_who_changes_the_password_first(run, monkeypatch):
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "initial password")
    code, out, err = run("user", "add", "Cora", "--name", "Cora Coordinator", "--role", "coordinator",
                         "--role", "investigator", "--study", "MILA")
    assert (code, err) == (0, "") and "Account cora created" in out
    as_user(monkeypatch, "cora", "initial password")
    code, _out, err = run("participants")
    assert code == 3 and "cora must change the password first: 'coordinator user password'" in err
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "my own secret words")
    assert run("user", "password")[:2] == (0, "Password changed.\n")
    as_user(monkeypatch, "cora", "my own secret words")
    code, out, _err = run("register", "--study", "MILA", "--site", "1", "--birth-date", "2016-01-10", "--sex", "F")
    assert code == 0 and out.startswith("MILA-01-")
    code, _out, err = run("register", "--study", "REL-ALL", "--site", "1", "--birth-date", "2014-01-10",
                          "--sex", "F")
    assert code == 3 and "Cora Coordinator may not record study data in REL-ALL" in err
    code, _out, err = run("user", "add", "eve", "--name", "Eve", "--role", "monitor")
    assert code == 3 and "may not manage users" in err


def test_list_shows_roles_and_history_and_json(run, monkeypatch):
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "initial password")
    assert run("user", "add", "mona", "--name", "Mona Monitor", "--role", "monitor")[0] == 0
    assert run("user", "grant", "mona", "--role", "coordinator", "--study", "MILA")[0] == 0
    assert run("user", "revoke", "mona", "--role", "coordinator", "--study", "MILA")[0] == 0
    assert run("user", "deactivate", "mona")[:2] == (0, "Account mona deactivated.\n")
    code, out, _err = run("user", "list")
    assert code == 0
    mona = next(line for line in out.splitlines() if line.startswith("mona"))
    assert "Mona Monitor" in mona and "deactivated" in mona and "monitor" in mona
    code, out, _err = run("user", "list", "--history")
    assert "coordinator@MILA: granted 2026-" in out and ", revoked 2026-" in out and "by tester" in out
    listed = json.loads(run("user", "list", "--json")[1])
    assert [account["login"] for account in listed] == ["mona", TESTER]
    assert listed[0]["active"] is False and len(listed[0]["grants"]) == 2
    as_user(monkeypatch, "mona", "initial password")
    code, _out, err = run("studies")
    assert code == 3 and "The account mona is deactivated" in err


def test_wrong_passwords_lock_the_account(run, monkeypatch):
    as_user(monkeypatch, TESTER, "wrong password")
    for _attempt in range(4):
        assert run("studies")[0] == 3
    code, _out, err = run("studies")
    assert code == 3 and "locked after too many failed sign-ins" in err
    as_user(monkeypatch, TESTER, PASSWORD)
    assert run("studies")[0] == 3


def test_settings_are_shown_to_all_and_changed_by_an_administrator(run):
    code, out, _err = run("settings", "--lockout-attempts", "3", "--idle-lock-minutes", "5")
    assert code == 0 and "failed attempts before lockout: 3" in out and "minutes idle before the window locks: 5" in out
    assert json.loads(run("settings", "--json")[1]) == {"lockout_attempts": 3, "lockout_minutes": 15,
                                                        "idle_lock_minutes": 5}
    assert run("settings", "--lockout-minutes", "0")[0] == 2


def test_audit_verify_exits_0_when_intact_and_1_with_the_rows_at_fault(run, tester_db: Path, monkeypatch):
    code, out, _err = run("audit", "verify")
    assert code == 0 and "The audit trail is intact" in out
    with sqlite3.connect(tester_db) as connection:
        connection.execute("DROP TRIGGER audit_trail_no_update")
        connection.execute("UPDATE audit_trail SET actor = 'someone else' WHERE id = 3")
    code, out, _err = run("audit", "verify")
    assert code == 1 and "changed outside the program" in out and "row 3:" in out
    report = json.loads(run("audit", "verify", "--json")[1])
    assert report["intact"] is False and [fault["row"] for fault in report["faults"]] == [3]
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "initial password")
    assert run("user", "add", "cora", "--name", "Cora", "--role", "coordinator")[0] == 0
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "my own secret words")
    as_user(monkeypatch, "cora", "initial password")
    assert run("user", "password")[0] == 0
    as_user(monkeypatch, "cora", "my own secret words")
    code, _out, err = run("audit", "verify")
    assert code == 3 and "may not review the audit trail" in err


def participant_count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM participant").fetchone()[0]


def a_user(database: Path, login: str, role: str, study: str | None = None) -> None:
    """An account with one role, its password already changed: it signs in with PASSWORD + '-new'."""
    from coordinator.workspace import open_workspace
    from tests.accounts import act_as, add_user

    opened = open_workspace(str(database))
    try:
        act_as(opened.ctx, TESTER)
        add_user(opened.ctx, login, role, study)
    finally:
        opened.ctx.engine.dispose()


@pytest.mark.parametrize(("role", "study", "message"), [
    ("monitor", None, "Mona may not record study data in BLINA-MRD"),
    ("coordinator", "MILA", "Mona may not record study data in BLINA-MRD"),  # one study is not every study
])
def test_demo_data_is_refused_with_exit_3_to_whoever_may_not_record_in_every_study(run, tester_db: Path,
                                                                                   monkeypatch, role, study, message):
    a_user(tester_db, "mona", role, study)
    as_user(monkeypatch, "mona", PASSWORD + "-new")
    code, out, err = run("init", "--demo")
    assert (code, out) == (3, "") and message in err
    assert participant_count(tester_db) == 0


def test_the_new_administrator_gets_the_programs_demo_without_a_role_to_record(tmp_path: Path, capsys,
                                                                               monkeypatch):
    database = tmp_path / "new.sqlite3"
    monkeypatch.setenv("COORDINATOR_NEW_PASSWORD", "a long password")
    assert main(["init", "--db", str(database), "--admin", "ada", "--name", "Ada Admin", "--demo"]) == 0
    assert "Added 41 demo participants." in capsys.readouterr().out
    with sqlite3.connect(database) as connection:
        actors = {actor for (actor,) in connection.execute(
            "SELECT DISTINCT actor FROM audit_trail WHERE table_name = 'participant'")}
    assert actors == {"program"}


def test_a_user_who_may_not_manage_users_is_refused_before_any_password_is_asked(run, tester_db: Path,
                                                                                 monkeypatch):
    monkeypatch.delenv("COORDINATOR_NEW_PASSWORD", raising=False)  # and stdin is not a terminal under pytest
    a_user(tester_db, "mona", "monitor")
    as_user(monkeypatch, "mona", PASSWORD + "-new")
    for arguments in (("user", "add", "eve", "--name", "Eve", "--role", "monitor"),
                      ("user", "reset-password", TESTER)):
        code, out, err = run(*arguments)
        assert (code, out) == (3, "") and "Mona may not manage users" in err, err
        assert "COORDINATOR_NEW_PASSWORD" not in err


@pytest.mark.parametrize("name", [None, "  "])
def test_init_admin_without_a_name_exits_2_before_the_password_is_asked(tmp_path: Path, capsys, monkeypatch, name):
    monkeypatch.delenv("COORDINATOR_NEW_PASSWORD", raising=False)
    database = tmp_path / "new.sqlite3"
    code = main(["init", "--db", str(database), "--admin", "ada", *(("--name", name) if name is not None else ())])
    err = capsys.readouterr().err
    assert code == 2 and "--name" in err and "COORDINATOR_NEW_PASSWORD" not in err, err
    assert not database.exists()  # nothing was made


def test_an_administrator_restores_a_backup_older_than_their_account_and_is_told(run, tester_db: Path, tmp_path,
                                                                                  monkeypatch):
    saved = str(tmp_path / "old.sqlite3")
    assert run("backup", "--out", saved)[0] == 0
    a_user(tester_db, "alma", "administrator")
    as_user(monkeypatch, "alma", PASSWORD + "-new")
    code, out, err = run("restore", saved)
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "The restored data has no active account for alma: the next start asks who signs in."
    code, _out, err = run("studies")
    assert code == 3 and "alma" in err  # the restored data does not know alma
    as_user(monkeypatch, TESTER, PASSWORD)
    assert json.loads(run("restore", saved, "--json")[1])["note"] is None


def test_audit_adopt_signs_the_seal_of_a_database_from_another_workstation(run, data_dir: Path):
    from coordinator.audit.seal import KEY_FILE, _key_at

    (data_dir / KEY_FILE).write_bytes(b"this workstation's own key")
    _key_at.cache_clear()
    code, out, _err = run("audit", "verify")
    assert code == 1 and "seal: the seal is not signed with this workstation's key" in out
    code, _out, err = run("register", "--study", "MILA", "--site", "1", "--birth-date", "2016-01-10", "--sex", "F")
    assert code == 1 and "nothing more can be written until an administrator" in err
    assert run("audit", "adopt")[0] == 2  # --reason is required
    code, out, _err = run("audit", "adopt", "--reason", "backup of the old workstation")
    assert code == 0 and "intact" in out
    assert run("audit", "verify")[0] == 0
