"""The command line as a user runs it: output, JSON, exit codes, one clear line for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coordinator.cli.main import main


def test_init_with_demo_then_studies_and_participants(run):
    code, out, _err = run("init", "--demo")
    assert code == 0 and "Added 41 demo participants" in out
    assert "already has participants" in run("init", "--demo")[1]

    code, out, _err = run("studies", "--json")
    studies = {study["code"]: study for study in json.loads(out)}
    assert sorted(studies) == ["BLINA-MRD", "ELIT-AML01", "MILA", "NK-HSCT", "REL-ALL"]
    assert [arm["label"] for arm in studies["MILA"]["arms"]] == ["Acute leukemia", "Control"]
    assert studies["MILA"]["registered"] == 14 and studies["MILA"]["target"] == 40
    assert sum(arm["enrolled"] for arm in studies["MILA"]["arms"]) == studies["MILA"]["enrolled"]
    assert studies["ELIT-AML01"]["randomized"] is True

    code, out, _err = run("studies")
    assert code == 0 and "ELIT-AML01" in out and "A-DLI " in out and "/62" in out
    elit = {arm["code"]: arm["enrolled"] for arm in studies["ELIT-AML01"]["arms"]}
    assert sum(elit.values()) == 5 and abs(elit["A-DLI"] - elit["B-NONE"]) <= 2  # randomized, blocks of 2 or 4

    code, out, _err = run("participants", "--study", "MILA", "--status", "enrolled", "--json")
    listed = json.loads(out)
    assert code == 0 and listed
    assert {"code", "study", "site", "arm", "status", "age"} <= set(listed[0])
    assert {p["status"] for p in listed} == {"enrolled"} and {p["study"] for p in listed} == {"MILA"}
    assert not {"first_name", "last_name", "birth_date"} & set(listed[0])


def test_register_prints_the_code_and_show_tells_the_history(run):
    code, out, err = run("register", "--study", "MILA", "--site", "2", "--birth-date", "2016-04-02", "--sex", "F",
                         "--first-name", "Hervé", "--last-name", "Żółć")
    assert (code, out, err) == (0, "MILA-02-0001\n", "")
    code, out, _err = run("show", "mila-02-0001")
    assert code == 0
    assert "Hervé Żółć" in out and "Screening" in out and "insert participant" in out
    detail = json.loads(run("show", "MILA-02-0001", "--json")[1])
    assert detail["identity"]["last_name"] == "Żółć" and detail["site"] == 2 and detail["study_version"] == 1
    assert {line["field"] for line in detail["history"]} >= {"code", "birth_date", "first_name"}


def test_register_outside_age_limits_warns_on_stderr_and_succeeds(run):
    code, out, err = run("register", "--study", "MILA", "--site", "1", "--birth-date", "2001-01-01", "--sex", "M",
                         "--json")
    assert code == 0
    assert json.loads(out)["code"] == "MILA-01-0001"
    assert err.startswith("warning: Age ") and "outside MILA's limits" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("register", "--study", "NOPE", "--site", "1", "--birth-date", "2016-01-01", "--sex", "F"),
         "Unknown study NOPE"),
        (("register", "--study", "MILA", "--site", "9", "--birth-date", "2016-01-01", "--sex", "F"),
         "MILA has no site 9"),
        (("register", "--study", "MILA", "--site", "1", "--birth-date", "2099-01-01", "--sex", "F"), "in the future"),
        (("register", "--study", "MILA", "--site", "1", "--birth-date", "yesterday", "--sex", "F"), "is not a date"),
        (("register", "--study", "MILA", "--site", "1", "--birth-date", "2016-01-01"), "--sex"),
        (("participants", "--status", "asleep"), "Unknown status asleep"),
        (("participants", "--study", "MILA", "--arm", "ZZ"), "MILA has no arm ZZ"),
        (("show", "MILA-01-0404"), "No participant has the code MILA-01-0404"),
        (("frobnicate",), "invalid choice"),
        (("restore", "/nonexistent/backup.sqlite3"), "There is no file"),
    ],
)
def test_bad_input_exits_2_with_one_line(run, arguments, message):
    code, out, err = run(*arguments)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_backup_and_restore(run, tmp_path: Path):
    run("register", "--study", "NK-HSCT", "--site", "1", "--birth-date", "2015-01-01", "--sex", "F")
    code, out, _err = run("backup", "--out", str(tmp_path / "b.sqlite3"))
    assert code == 0 and "verified" in out
    run("register", "--study", "NK-HSCT", "--site", "1", "--birth-date", "2015-01-01", "--sex", "M")
    code, out, _err = run("restore", str(tmp_path / "b.sqlite3"), "--json")
    assert code == 0 and json.loads(out)["safety_copy"].endswith(".sqlite3")
    assert [p["code"] for p in json.loads(run("participants", "--json")[1])] == ["NK-HSCT-01-0001"]


def test_an_environment_problem_exits_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00garbage" * 300)
    assert main(["studies", "--db", str(junk)]) == 1
    err = capsys.readouterr().err
    assert "not a Study Coordinator database" in err and len(err.strip().splitlines()) == 1


def test_a_real_process_shows_no_traceback_for_bad_input(tester_db: Path, signed_in_env: None):
    db_file = tester_db
    result = subprocess.run(
        [sys.executable, "-m", "coordinator", "register", "--db", str(db_file), "--study", "MILA", "--site", "1",
         "--birth-date", "2016-13-45", "--sex", "F"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == 'coordinator: Birth date "2016-13-45" is not a date: write it as YYYY-MM-DD.\n'


def test_a_bug_exits_70_with_a_crash_report(run, monkeypatch: pytest.MonkeyPatch, data_dir: Path):
    from coordinator.cli import commands

    def broken(_options) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(commands.catalogue, "summaries", lambda ctx: broken(ctx))
    code, out, err = run("studies")
    assert code == 70 and out == ""
    assert "internal error (ZeroDivisionError: division by zero). This is a bug" in err
    [report] = (data_dir / "crash-reports").glob("crash-*.txt")
    assert "Traceback" in report.read_text() and "ZeroDivisionError" in report.read_text()


@pytest.mark.parametrize(
    ("address", "message"),
    [("foo://bar", "is not one this program can open"),
     ("postgresql://nurse@localhost/site", "needs the Python driver")],
)
def test_a_database_address_that_cannot_be_used_is_bad_input(address, message, capsys: pytest.CaptureFixture):
    assert main(["studies", "--db", address]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_empty_database_option_is_refused_not_replaced_by_the_default(capsys: pytest.CaptureFixture):
    assert main(["studies", "--db", " "]) == 2
    assert "The database is empty" in capsys.readouterr().err


def test_a_file_name_that_is_not_text_is_refused_with_a_message(tmp_path: Path):
    import os

    name = os.fsdecode(bytes(tmp_path) + b"/\xff.sqlite3")
    result = subprocess.run([sys.executable, "-m", "coordinator", "studies", "--db", name],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "holds characters that are not text" in result.stderr and "Traceback" not in result.stderr
