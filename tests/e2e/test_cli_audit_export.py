"""`coordinator audit export`: the trail to CSV (parsed back) and PDF (read back), identity values masked, the
filters, who may export, and the export log that every print and export leaves.
The commands run in-process with the real clock, as a user runs them."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from coordinator.context import Context
from coordinator.participants.register import ContactInput, Registration, register
from coordinator.participants.status import correct_identity
from coordinator.workspace import open_workspace
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.consenting import sign_all
from tests.e2e.commands import ok, refused

TODAY = date.today()
UTC_TODAY = datetime.now(timezone.utc).date()
HEADER = ["id", "at_utc", "user", "action", "table", "record", "field", "old_value", "new_value", "reason", "study",
          "participant", "row_hash"]
NAMES = ("Hervé", "Lefèvre", "Chloé", "Martin", "Claire", "+33 6")


@pytest.fixture
def ctx(tester_db: Path) -> Iterator[Context]:
    """The database the commands use, on the same (real) clock, for what has no command."""
    opened = open_workspace(str(tester_db))
    act_as(opened.ctx, TESTER)
    yield opened.ctx
    opened.ctx.engine.dispose()


@pytest.fixture
def codes(ctx: Context) -> dict[str, str]:
    """A MILA participant with a holder of parental authority, consent and a corrected name; another in REL-ALL."""
    registered = TODAY - timedelta(days=10)
    mila = register(ctx, Registration("MILA", 1, "2016-03-04", "M", "Hervé", "Lefèvre", registered, (
        ContactInput("holder1", "Claire Lefèvre", "mother", "+33 6 12 34 56 78"),))).code
    sign_all(ctx, mila, registered)
    correct_identity(ctx, mila, {"first_name": "Hervé-Marie"}, "spelling on the ID card")
    rel = register(ctx, Registration("REL-ALL", 1, "2014-01-20", "F", "Chloé", "Martin", registered)).code
    return {"MILA": mila, "REL-ALL": rel}


@pytest.fixture
def as_monitor(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands run as mona, a monitor on every study (may read and review the trail, not record)."""
    add_user(ctx, "mona", "monitor")
    monkeypatch.setenv("COORDINATOR_USER", "mona")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    return "mona"




def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == HEADER
        return list(reader)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_monitor_exports_one_study_to_csv_with_identity_values_masked(run, codes, as_monitor, tmp_path: Path):
    out = tmp_path / "exports" / "mila.csv"
    printed = ok(run, "audit", "export", "--study", "mila", "--out", str(out))
    rows = read_csv(out)
    assert printed == f"Audit trail exported: {len(rows):,} rows written to {out}\n"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the byte order mark that makes Excel read UTF-8
    assert {row["study"] for row in rows} == {"MILA"}
    assert codes["REL-ALL"] not in out.read_text(encoding="utf-8-sig")
    mila = codes["MILA"]
    created = next(row for row in rows if (row["table"], row["field"]) == ("participant", "code"))
    assert (created["user"], created["action"], created["new_value"], created["participant"], created["old_value"]) \
        == (TESTER, "insert", mila, mila, "")
    assert created["at_utc"].endswith("Z") and len(created["row_hash"]) == 64
    corrected = next(row for row in rows if row["action"] == "update" and row["table"] == "identity")
    assert (corrected["field"], corrected["old_value"], corrected["new_value"], corrected["reason"]) == (
        "first_name", "[identity]", "[identity]", "spelling on the ID card")
    assert {row["new_value"] for row in rows if row["table"] == "contact"} == {"[contact]"}
    text = out.read_text(encoding="utf-8-sig")
    for name in NAMES:
        assert name not in text, name
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows)  # oldest first


def test_the_filters_narrow_the_csv(run, ctx, codes, as_monitor, tmp_path: Path):
    mila = codes["MILA"]
    out = tmp_path / "filtered.csv"
    ok(run, "audit", "export", "--participant", mila, "--table", "consent_signature", "--actor", TESTER,
       "--from", UTC_TODAY.isoformat(), "--to", UTC_TODAY.isoformat(), "--out", str(out))
    rows = read_csv(out)
    assert rows and {(row["participant"], row["table"], row["user"], row["at_utc"][:10]) for row in rows} == {
        (mila, "consent_signature", TESTER, UTC_TODAY.isoformat())}
    ok(run, "audit", "export", "--participant", mila, "--to", (UTC_TODAY - timedelta(days=1)).isoformat(),
       "--out", str(out))
    assert read_csv(out) == []  # written today: nothing up to yesterday


def test_the_pdf_shows_codes_not_names_and_numbers_its_pages(run, codes, as_monitor, tmp_path: Path):
    mila = codes["MILA"]
    out = tmp_path / "trail.pdf"
    printed = ok(run, "audit", "export", "--participant", mila, "--out", str(out))
    assert printed.startswith("Audit trail exported: ") and printed.endswith(f" rows written to {out}\n")
    text = pdf_text(out)
    pages = len(PdfReader(out).pages)
    assert pages >= 2
    assert text.startswith("Audit trail\nStudy: All studies\nFilters: participant " + mila)
    assert "Generated " in text and "by Mona (mona)" in text
    assert mila in text and "[identity]" in text and "spelling on the ID card" in text
    for name in NAMES:
        assert name not in text, name
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")],
                   check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_every_export_and_print_is_logged(run, ctx, codes, as_monitor, tmp_path: Path):
    mila = codes["MILA"]
    ok(run, "audit", "export", "--study", "MILA", "--out", str(tmp_path / "first.csv"))
    ok(run, "print", "consent-checklist", mila, "--out", str(tmp_path / "checklist.pdf"))
    ok(run, "screening-log", "--study", "MILA", "--out", str(tmp_path / "log.pdf"))
    ok(run, "screening-log", "--study", "MILA", "--json")
    ok(run, "print", "consent-checklist", "--study", "NK-HSCT", "--blank", "--out", str(tmp_path / "blank.pdf"))
    out = tmp_path / "log.csv"
    ok(run, "audit", "export", "--table", "export", "--out", str(out))
    logged = [(row["user"], row["action"], row["record"], row["new_value"], row["study"], row["participant"])
              for row in read_csv(out)]
    assert logged == [
        ("mona", "event", "first.csv",
         f"audit trail CSV ({len(read_csv(tmp_path / 'first.csv'))} rows; study MILA) written to "
         f"{tmp_path / 'first.csv'}", "MILA", ""),
        ("mona", "event", "checklist.pdf", f"consent checklist PDF written to {tmp_path / 'checklist.pdf'}", "MILA",
         mila),
        ("mona", "event", "log.pdf", f"screening log PDF written to {tmp_path / 'log.pdf'}", "MILA", ""),
        ("mona", "event", "-", "screening log JSON printed on the standard output", "MILA", ""),
        ("mona", "event", "blank.pdf", f"blank consent checklist PDF written to {tmp_path / 'blank.pdf'}",
         "NK-HSCT", ""),
    ]


def test_a_coordinator_may_not_export_the_trail(run, ctx, codes, monkeypatch, tmp_path: Path):
    add_user(ctx, "cora", "coordinator")
    monkeypatch.setenv("COORDINATOR_USER", "cora")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    err = refused(run, "audit", "export", "--out", str(tmp_path / "trail.csv"), exit_code=3)
    assert err == "coordinator: Cora may not review the audit trail: no role allows it.\n"
    assert not (tmp_path / "trail.csv").exists()


def test_a_monitor_of_one_study_exports_only_that_study(run, ctx, codes, monkeypatch, tmp_path: Path):
    add_user(ctx, "milo", "monitor", "MILA")
    monkeypatch.setenv("COORDINATOR_USER", "milo")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    ok(run, "audit", "export", "--out", str(tmp_path / "mine.csv"))
    assert {row["study"] for row in read_csv(tmp_path / "mine.csv")} == {"MILA"}
    err = refused(run, "audit", "export", "--study", "REL-ALL", "--out", str(tmp_path / "other.csv"), exit_code=3)
    assert "Milo may not review the audit trail in REL-ALL" in err


@pytest.mark.parametrize(("arguments", "message"), [
    (("--out", "trail.xlsx"), "The audit trail is exported as .csv or .pdf, not trail.xlsx."),
    (("--out", "trail.csv", "--from", "21/11/2026"), '--from "21/11/2026" is not a date: write it as YYYY-MM-DD.'),
    (("--out", "trail.csv", "--from", "2026-11-02", "--to", "2026-11-01"),
     "The period ends (2026-11-01) before it starts (2026-11-02)."),
    (("--out", "trail.csv", "--study", "NOPE"), "Unknown study NOPE. Known studies: BLINA-MRD"),
    ((), "the following arguments are required: --out"),
])
def test_bad_input_is_one_line_and_exit_2(run, tmp_path: Path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert message in refused(run, "audit", "export", *arguments)
    assert list(tmp_path.glob("trail.*")) == []


def test_a_pdf_of_too_many_rows_is_refused_with_a_way_out(run, tmp_path: Path, monkeypatch):
    from coordinator.audit import export

    monkeypatch.setattr(export, "PDF_LIMIT", 10)
    err = refused(run, "audit", "export", "--out", str(tmp_path / "all.pdf"))
    assert "rows are too many for a PDF (at most 10): export them as CSV, or narrow the filters" in err
    assert not (tmp_path / "all.pdf").exists()


def test_json_on_the_terminal_and_the_allocation_report_are_logged_plain_listings_are_not(run, codes, db_file):
    mila = codes["MILA"]
    ok(run, "show", mila)
    ok(run, "participants", "--study", "MILA")
    ok(run, "consent", "status", mila)
    assert exported(db_file) == []  # what the terminal shows, as the window does: not an export
    ok(run, "show", mila, "--json")
    ok(run, "participants", "--study", "MILA", "--json")
    ok(run, "participants", "--json")
    ok(run, "consent", "status", mila, "--json")
    ok(run, "eligibility", "check", mila, "--json")
    ok(run, "allocation", "report", "--study", "ELIT-AML01")
    ok(run, "allocation", "report", "--study", "ELIT-AML01", "--json")
    assert exported(db_file) == [
        (TESTER, "-", "participant JSON printed on the standard output", "MILA", mila),
        (TESTER, "-", "participant list JSON printed on the standard output", "MILA", None),
        (TESTER, "-", "participant list JSON printed on the standard output", None, None),
        (TESTER, "-", "consent status JSON printed on the standard output", "MILA", mila),
        (TESTER, "-", "eligibility JSON printed on the standard output", "MILA", mila),
        (TESTER, "-", "allocation report printed on the standard output", "ELIT-AML01", None),
        (TESTER, "-", "allocation report JSON printed on the standard output", "ELIT-AML01", None),
    ]


def exported(db_file: Path) -> list[tuple[str, str, str, str | None, str | None]]:
    with closing(sqlite3.connect(db_file)) as connection:
        return connection.execute("SELECT actor, record_id, new_value, study_code, subject_code FROM audit_trail "
                                  "WHERE table_name = 'export' ORDER BY id").fetchall()
