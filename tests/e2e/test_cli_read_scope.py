"""Reading is limited by study: a coordinator on MILA only lists MILA's participants, and is refused (exit 3) what
belongs to another study (a participant, its checklist, a study's log), before any file is written and with
nothing logged. The commands run in-process, as a user types them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from coordinator.consent import service as consent
from coordinator.consent.rules import Role
from coordinator.context import Context
from coordinator.participants.register import Registration, register
from coordinator.workspace import open_workspace
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.e2e.commands import ok
from tests.e2e.commands import refused as refused_with

REGISTERED = date.today() - timedelta(days=10)
REFUSAL = "coordinator: Cora may not read in REL-ALL: no role on this study allows it.\n"


@pytest.fixture
def codes(tester_db: Path) -> Iterator[dict[str, str]]:
    """Two MILA participants and one in REL-ALL, registered by the tester; then cora, a coordinator on MILA only,
    is the one who runs the commands."""
    opened = open_workspace(str(tester_db))
    ctx: Context = opened.ctx
    act_as(ctx, TESTER)
    found = {
        "MILA": [register(ctx, Registration("MILA", 1, "2016-03-04", "M", "Hervé", "Lefèvre", REGISTERED)).code,
                 register(ctx, Registration("MILA", 1, "2017-05-06", "F", "Inès", "Roux", REGISTERED)).code],
        "REL-ALL": [register(ctx, Registration("REL-ALL", 1, "2014-01-20", "F", "Chloé", "Martin", REGISTERED)).code],
    }
    for code in (found["MILA"][0], found["REL-ALL"][0]):  # consent begun, not complete: due now
        first = consent.required_roles(ctx, code, REGISTERED)[0][0]
        consent.sign(ctx, code, consent.SignatureInput(first.value, "Claire Martin", REGISTERED,
                                                       assent="given" if first is Role.assent else None))
    add_user(ctx, "cora", "coordinator", "MILA")
    opened.ctx.engine.dispose()
    yield {"mila": found["MILA"][0], "mila2": found["MILA"][1], "rel": found["REL-ALL"][0]}


@pytest.fixture
def as_cora(monkeypatch: pytest.MonkeyPatch, codes: dict[str, str]) -> dict[str, str]:
    monkeypatch.setenv("COORDINATOR_USER", "cora")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    return codes



def refused(run, *arguments: str) -> str:
    return refused_with(run, *arguments, exit_code=3)


def exports(db_file: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(db_file) as connection:
        rows = connection.execute("SELECT actor, record_id, study_code FROM audit_trail WHERE table_name = 'export' "
                                  "ORDER BY id").fetchall()
    connection.close()
    return rows


def test_the_participant_list_shows_only_the_studies_of_the_users_roles(run, as_cora, db_file):
    listed = json.loads(ok(run, "participants", "--json"))
    assert sorted(entry["code"] for entry in listed) == sorted([as_cora["mila"], as_cora["mila2"]])
    text = ok(run, "participants")
    assert as_cora["mila"] in text and as_cora["rel"] not in text and "REL-ALL" not in text
    assert as_cora["rel"] not in ok(run, "participants", "--search", "Martin")
    assert refused(run, "participants", "--study", "REL-ALL") == REFUSAL
    assert exports(db_file) == [("cora", "-", None)]  # the JSON list only: the terminal's text is not an export


def test_another_studys_participant_is_refused_without_a_name(run, as_cora):
    for command in (("show", as_cora["rel"]), ("show", as_cora["rel"], "--json"),
                    ("consent", "status", as_cora["rel"]), ("eligibility", "check", as_cora["rel"]),
                    ("signatures", as_cora["rel"])):
        err = refused(run, *command)
        assert err == REFUSAL, command
        assert "Chloé" not in err and "Martin" not in err
    assert "Hervé" in ok(run, "show", as_cora["mila"])


def test_another_studys_checklist_is_refused_before_a_file_is_written_and_nothing_is_logged(
        run, as_cora, db_file, tmp_path: Path):
    out = tmp_path / "checklist.pdf"
    assert refused(run, "print", "consent-checklist", as_cora["rel"], "--out", str(out)) == REFUSAL
    assert refused(run, "print", "consent-checklist", "--study", "REL-ALL", "--blank", "--out", str(out)) == REFUSAL
    assert refused(run, "screening-log", "--study", "REL-ALL", "--out", str(out)) == REFUSAL
    assert refused(run, "screening-log", "--study", "REL-ALL", "--json") == REFUSAL
    assert refused(run, "consent", "todo", "--study", "REL-ALL") == REFUSAL
    assert not out.exists() and list(tmp_path.glob("*.pdf")) == []
    assert exports(db_file) == []
    ok(run, "print", "consent-checklist", as_cora["mila"], "--out", str(out))
    assert out.exists() and exports(db_file) == [("cora", "checklist.pdf", "MILA")]


def test_the_consent_to_do_keeps_to_the_users_studies(run, as_cora, monkeypatch):
    due = json.loads(ok(run, "consent", "todo", "--json", "--days", "400"))
    assert {item["study"] for item in due} == {"MILA"}
    assert as_cora["mila"] in {item["code"] for item in due}
    monkeypatch.setenv("COORDINATOR_USER", TESTER)  # a role on every study: both are due
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD)
    due = json.loads(ok(run, "consent", "todo", "--json", "--days", "400"))
    assert {item["study"] for item in due} == {"MILA", "REL-ALL"}
