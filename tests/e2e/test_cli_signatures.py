"""Electronic signatures on the command line: `sign` asks for the password again (a prompt, or its own variable
COORDINATOR_SIGNATURE_PASSWORD, never the sign-in's COORDINATOR_PASSWORD) and states what was signed;
`signatures` lists printed name, date and time, meaning and validity; refusals exit 2 (the record, the meaning) or
3 (the role, the password); the consent checklist prints the consent's signatures, VALID then NOT VALID."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from coordinator.cli import signature_commands
from coordinator.context import Context
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.entry import ValueInput
from coordinator.participants.register import Registration, register
from coordinator.workspace import open_workspace
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.consenting import sign_all
from tests.enrolling import make_eligible

TODAY = date.today()  # the commands run on the real clock
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC(?:[+-]\d\d:\d\d)?"


@pytest.fixture(autouse=True)
def signature_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """A script signs with the password in its own variable, set apart from the sign-in's."""
    monkeypatch.setenv("COORDINATOR_SIGNATURE_PASSWORD", PASSWORD)


@pytest.fixture
def ctx(tester_db: Path) -> Iterator[Context]:
    """The database the commands use, for the steps that come before signing."""
    opened = open_workspace(str(tester_db))
    act_as(opened.ctx, TESTER)
    yield opened.ctx
    opened.ctx.engine.dispose()


@pytest.fixture
def code(ctx: Context) -> str:
    """A MILA participant with complete consent and a confirmed eligible verdict."""
    found = register(ctx, Registration("MILA", 1, "2016-03-04", "M", "Hervé", "Lefèvre", TODAY)).code
    sign_all(ctx, found, TODAY)
    make_eligible(ctx, found, "MILA", "AL", TODAY)
    return found


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def test_sign_then_list_with_printed_name_time_meaning_and_validity(run, code):
    exit_code, out, err = run("sign", "eligibility", code, "--meaning", "approval")
    assert (exit_code, err) == (0, "")
    assert re.fullmatch(rf"Signed by Tess Tester \(tester\) — approval — {STAMP}\.\n", out), out

    exit_code, out, err = run("signatures", code)
    assert (exit_code, err) == (0, "")
    header, line = out.splitlines()
    assert header.split() == ["RECORD", "SIGNED", "BY", "LOGIN", "DATE", "AND", "TIME", "MEANING", "VALID"]
    assert re.fullmatch(rf"eligibility confirmation\s+Tess Tester\s+tester\s+{STAMP}\s+approval\s+valid", line), line

    exit_code, out, _err = run("signatures", code, "--json")
    [shown] = json.loads(out)
    assert exit_code == 0 and shown["valid"] is True and shown["kind"] == "eligibility"
    assert (shown["printed_name"], shown["login"], shown["meaning"]) == ("Tess Tester", "tester", "approval")
    assert shown["signed_at"].endswith("Z") and re.fullmatch(STAMP, shown["signed_at_local"])


def test_a_changed_value_shows_the_signature_invalid(run, ctx, code):
    assert run("sign", "casebook", code, "--meaning", "responsibility", "--json")[0] == 0
    assert run("sign", "eligibility", code, "--meaning", "review")[0] == 0
    eligibility.record(ctx, code, [ValueInput("DIAG", "ALLT", source="Myelogram report")], reason="corrected")
    exit_code, out, _err = run("signatures", code)
    assert exit_code == 0
    lines = out.splitlines()[1:]
    assert lines[0].startswith("casebook") and lines[0].endswith("INVALID: changed after signing")
    assert lines[1].startswith("eligibility confirmation") and lines[1].endswith("INVALID: changed after signing")
    exit_code, out, _err = run("signatures", code, "--kind", "eligibility", "--json")
    assert [entry["valid"] for entry in json.loads(out)] == [False]

    exit_code, _out, err = run("sign", "eligibility", code, "--meaning", "review")
    assert exit_code == 2 and "changed after eligibility was confirmed" in err


@pytest.mark.parametrize(("arguments", "message"), [
    (("sign", "consent", "{code}"), "Choose what your signature means: authorship, review, approval, responsibility"),
    (("sign", "consent", "{code}", "--meaning", "approved"), "approved is not a meaning of a signature"),
    (("sign", "form", "{code}", "--meaning", "approval"), "form is not a record that can be signed"),
    (("sign", "consent", "MILA-09-9999", "--meaning", "approval"), "No participant has the code MILA-09-9999"),
    (("sign", "casebook", "{fresh}", "--meaning", "approval"), "has nothing to sign yet"),
    (("sign", "consent", "{fresh}", "--meaning", "approval"), "not complete (No consent signature is recorded yet)"),
    (("signatures", "MILA-09-9999"), "No participant has the code MILA-09-9999"),
])
def test_bad_input_and_incomplete_records_exit_2_before_the_password(run, ctx, code, monkeypatch, arguments,
                                                                     message):
    fresh = register(ctx, Registration("MILA", 2, "2019-05-10", "F", registered_on=TODAY)).code
    monkeypatch.setattr(signature_commands, "secret", lambda *_args: pytest.fail("the password was asked"))
    exit_code, out, err = run(*(argument.format(code=code, fresh=fresh) for argument in arguments))
    assert (exit_code, out) == (2, "")
    assert message in err


def test_a_wrong_password_again_exits_3_and_signs_nothing(run, code, monkeypatch):
    with monkeypatch.context() as patched:  # signed in with the right password, then a wrong one to sign
        patched.setattr(signature_commands, "secret", lambda *_args: "not my password")
        exit_code, _out, err = run("sign", "eligibility", code, "--meaning", "approval")
    assert exit_code == 3 and "Wrong password for tester. 4 more failed attempt(s)" in err
    assert run("signatures", code)[1] == f"{code} has no electronic signature.\n"


def test_a_coordinator_is_refused_with_exit_3(run, ctx, code, monkeypatch):
    add_user(ctx, "cora", "coordinator")
    monkeypatch.setenv("COORDINATOR_USER", "cora")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    exit_code, _out, err = run("sign", "eligibility", code, "--meaning", "approval")
    assert exit_code == 3 and "Cora may not sign in MILA" in err
    assert run("signatures", code)[0] == 0  # reading is allowed


def test_the_consent_checklist_prints_the_consent_signatures_valid_then_not_valid(run, code, tmp_path):
    assert run("sign", "consent", code, "--meaning", "review")[0] == 0
    assert run("sign", "eligibility", code, "--meaning", "approval")[0] == 0  # not the consent's: not printed
    assert run("print", "consent-checklist", code, "--out", str(tmp_path / "signed.pdf"))[0] == 0
    text = text_of(tmp_path / "signed.pdf")
    block = text[text.index("Electronic signatures"):]
    assert re.search(rf"Tess Tester \(tester\) {STAMP} review VALID", block), block
    assert "approval" not in block and "NOT VALID" not in block

    assert run("consent", "withdraw", code, "--date", TODAY.isoformat(), "--by", "holder1",
               "--scope", "samples")[0] == 0
    assert run("print", "consent-checklist", code, "--out", str(tmp_path / "withdrawn.pdf"))[0] == 0
    block = text_of(tmp_path / "withdrawn.pdf")
    block = block[block.index("Electronic signatures"):]
    assert re.search(rf"Tess Tester \(tester\) {STAMP} review NOT VALID — content changed after signing", block)

    assert run("print", "consent-checklist", "--study", "MILA", "--blank", "--out", str(tmp_path / "b.pdf"))[0] == 0
    assert "Electronic signatures" not in text_of(tmp_path / "b.pdf")


def test_the_sign_in_password_is_never_taken_as_the_signature(run, code, monkeypatch):
    monkeypatch.delenv("COORDINATOR_SIGNATURE_PASSWORD")  # COORDINATOR_PASSWORD stays set; stdin is no terminal
    exit_code, out, err = run("sign", "eligibility", code, "--meaning", "approval")
    assert (exit_code, out) == (2, "")
    assert "Give the password in COORDINATOR_SIGNATURE_PASSWORD, or run the command in a terminal" in err
    assert run("signatures", code)[1] == f"{code} has no electronic signature.\n"


def test_in_a_terminal_the_password_is_typed_again_to_sign(run, code, monkeypatch):
    import getpass
    import sys

    monkeypatch.delenv("COORDINATOR_SIGNATURE_PASSWORD")
    prompts: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or PASSWORD)
    exit_code, out, _err = run("sign", "consent", code, "--meaning", "review")
    assert exit_code == 0 and out.startswith("Signed by Tess Tester (tester) — review — ")
    assert prompts == [f"Password of tester again, to sign the consent record of {code}: "]
