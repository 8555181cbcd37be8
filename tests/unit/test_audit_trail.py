"""Reading the audit trail back: filters and pages in SQL, identity values masked in exports, the export log,
and who may review which rows."""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from coordinator.audit import export, trail
from coordinator.audit.export import export_trail
from coordinator.audit.export_log import STANDARD_OUTPUT, log_export
from coordinator.audit.trail import AuditQuery
from coordinator.context import Context
from coordinator.errors import InputError, NotFound, NotPermitted
from coordinator.participants.register import ContactInput, Registration, register
from coordinator.participants.status import correct_identity
from tests.accounts import TESTER, act_as, add_user
from tests.consenting import sign_all


def at(ctx: Context, day: date) -> Context:
    """The same workspace with its clock at 10:00 UTC on `day`."""
    return replace(ctx, clock=lambda: datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc))


@pytest.fixture
def trail_data(workspace) -> dict[str, str]:
    """Two MILA participants (one with a holder of parental authority, signed consent and a corrected name) on
    three days, and one REL-ALL participant registered by a coordinator of REL-ALL."""
    ctx = workspace.ctx
    first = register(at(ctx, date(2026, 10, 1)), Registration(
        "MILA", 1, "2016-03-04", "M", "Hervé", "Lefèvre", "2026-10-01",
        (ContactInput("holder1", "Claire Lefèvre", "mother", "+33 6 12 34 56 78"),))).code
    sign_all(at(ctx, date(2026, 10, 2)), first, date(2026, 10, 2))
    correct_identity(at(ctx, date(2026, 10, 3)), first, {"first_name": "Hervé-Marie"}, "spelling on the ID card")
    second = register(at(ctx, date(2026, 10, 2)), Registration("MILA", 2, "2019-05-10", "F", "Chloé", "Martin",
                                                               "2026-10-02")).code
    add_user(ctx, "cora", "coordinator", "REL-ALL")
    act_as(ctx, "cora")
    third = register(at(ctx, date(2026, 10, 3)), Registration("REL-ALL", 1, "2014-01-20", "F", "Léa", "Dubois",
                                                              "2026-10-03")).code
    act_as(ctx, TESTER)
    return {"first": first, "second": second, "third": third}


def everything(ctx: Context, query: AuditQuery, masked: bool = False) -> list[trail.AuditLine]:
    return trail.page(ctx, query, 0, 1_000_000, masked=masked)


def test_each_filter_keeps_only_its_rows_and_the_count_agrees(workspace, trail_data):
    ctx = workspace.ctx
    first, third = trail_data["first"], trail_data["third"]
    cases = {
        AuditQuery(participant=first): lambda line: line.participant == first,
        AuditQuery(participant=first.lower() + " "): lambda line: line.participant == first,  # typed loosely
        AuditQuery(study="REL-ALL"): lambda line: line.study == "REL-ALL",
        AuditQuery(actor="cora"): lambda line: line.actor == "cora",
        AuditQuery(table="contact"): lambda line: line.table == "contact",
        AuditQuery(since=date(2026, 10, 2), until=date(2026, 10, 2)): lambda line: line.at_utc.startswith(
            "2026-10-02"),
        AuditQuery(study="MILA", table="identity", since=date(2026, 10, 3)): lambda line: (
            line.study == "MILA" and line.table == "identity" and line.at_utc >= "2026-10-03"),
    }
    every = everything(ctx, AuditQuery())
    assert trail.count(ctx, AuditQuery()) == len(every)
    for query, keeps in cases.items():
        found = everything(ctx, query)
        assert found, query
        assert found == [line for line in every if keeps(line)], query
        assert trail.count(ctx, query) == len(found), query
    assert {line.participant for line in everything(ctx, AuditQuery(actor="cora"))} - {None} == {third}
    assert everything(ctx, AuditQuery(participant="MILA-09-9999")) == []


def test_the_period_includes_both_days_in_utc(workspace, trail_data):
    ctx = workspace.ctx
    days = {line.at_utc[:10] for line in everything(ctx, AuditQuery(since=date(2026, 10, 2),
                                                                     until=date(2026, 10, 3)))}
    assert days == {"2026-10-02", "2026-10-03"}
    assert {line.at_utc[:10] for line in everything(ctx, AuditQuery(until=date(2026, 10, 1)))} == {"2026-10-01"}
    assert {line.at_utc[:10] for line in everything(ctx, AuditQuery(since=date(2026, 10, 4)))} == {"2026-11-21"}
    with pytest.raises(InputError, match=r"The period ends \(2026-10-01\) before it starts \(2026-10-03\)") as raised:
        trail.count(ctx, AuditQuery(since=date(2026, 10, 3), until=date(2026, 10, 1)))
    assert raised.value.field == "until"


def test_pages_come_newest_first_without_gaps_or_repeats(workspace, trail_data):
    ctx = workspace.ctx
    query = AuditQuery(study="MILA")
    total = trail.count(ctx, query)
    pages = [trail.page(ctx, query, offset, 7) for offset in range(0, total, 7)]
    ids = [line.id for page in pages for line in page]
    assert all(len(page) == 7 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 7
    assert len(ids) == total == len(set(ids))
    assert ids == sorted(ids, reverse=True)
    assert trail.page(ctx, query, total, 7) == []


def test_streamed_rows_are_oldest_first_in_batches_and_the_same_rows(workspace, trail_data, monkeypatch):
    monkeypatch.setattr(trail, "BATCH", 3)  # many batches, and one that ends exactly on a batch boundary below
    ctx = workspace.ctx
    query = AuditQuery(participant=trail_data["second"])
    streamed = list(trail.rows(ctx, query, masked=False))
    assert streamed == list(reversed(everything(ctx, query)))
    monkeypatch.setattr(trail, "BATCH", len(streamed))
    assert list(trail.rows(ctx, query, masked=False)) == streamed


def test_identity_values_show_in_the_viewer_and_are_masked_for_export(workspace, trail_data):
    ctx = workspace.ctx
    query = AuditQuery(participant=trail_data["first"])
    shown = {(line.table, line.field): (line.old, line.new) for line in reversed(everything(ctx, query))}
    assert shown[("identity", "first_name")] == ("Hervé", "Hervé-Marie")  # the correction, the latest row
    assert shown[("contact", "phone")] == (None, "+33 6 12 34 56 78")
    signers = {line.new for line in everything(ctx, query) if (line.table, line.field) == ("consent_signer", "name")}
    assert {"Claire Lefèvre", "Marc Lefèvre"} <= signers
    exported = list(trail.rows(ctx, query, masked=True))
    for line in exported:
        if line.table in ("identity", "contact", "consent_signer"):
            assert line.new in (None, f"[{line.table}]") and line.old in (None, f"[{line.table}]"), line
    corrected = next(line for line in exported if line.field == "first_name" and line.action == "update")
    assert (corrected.old, corrected.new, corrected.reason) == ("[identity]", "[identity]", "spelling on the ID card")
    assert not any("Lefèvre" in str(value) for line in exported for value in vars(line).values())
    codes = {line.new for line in exported if line.table == "participant" and line.field == "code"}
    assert codes == {trail_data["first"]}  # codes are kept: they are the point


def test_password_digests_never_reach_the_trail(workspace, tester_db):
    ctx = workspace.ctx
    add_user(ctx, "mona", "monitor")  # created, then its password changed
    lines = everything(ctx, AuditQuery(table="user_account"))
    digests = [line for line in lines if line.field == "password_hash"]
    assert len(digests) >= 2 and all(line.new == "[secret]" for line in digests)
    assert all(line.old in (None, "[secret]") for line in digests)
    with sqlite3.connect(tester_db) as connection:
        assert connection.execute("SELECT count(*) FROM audit_trail WHERE old_value LIKE '%argon2%' "
                                  "OR new_value LIKE '%argon2%'").fetchone() == (0,)


def test_the_filters_offer_the_tables_and_users_of_the_trail(workspace, trail_data):
    ctx = workspace.ctx
    assert {"participant", "identity", "contact", "consent_signature", "user_account"} <= set(trail.tables(ctx))
    assert {"program", TESTER, "cora"} <= set(trail.actors(ctx))
    assert trail.actors(ctx) == sorted(trail.actors(ctx))


def test_reviewing_needs_the_permission_and_a_study_role_shows_only_that_study(workspace, trail_data):
    ctx = workspace.ctx
    add_user(ctx, "mila_monitor", "monitor", "MILA")
    act_as(ctx, "cora")  # a coordinator: may record, not review the trail
    with pytest.raises(NotPermitted, match="may not review the audit trail"):
        trail.count(ctx, AuditQuery())
    with pytest.raises(NotPermitted):
        trail.tables(ctx)
    act_as(ctx, "mila_monitor")
    studies = {line.study for line in everything(ctx, AuditQuery())}
    assert studies == {"MILA"}  # neither REL-ALL nor the rows about no study (accounts, sign-ins)
    assert trail.count(ctx, AuditQuery(study="MILA")) == trail.count(ctx, AuditQuery())
    with pytest.raises(NotPermitted, match="REL-ALL"):
        trail.count(ctx, AuditQuery(study="REL-ALL"))


def test_an_unknown_study_is_named_with_the_known_ones(workspace):
    with pytest.raises(NotFound, match=r"Unknown study NOPE\. Known studies: BLINA-MRD"):
        trail.count(workspace.ctx, AuditQuery(study="nope"))


def test_the_export_log_records_who_wrote_what_where(workspace, trail_data, tmp_path: Path):
    ctx = workspace.ctx
    add_user(ctx, "mona", "monitor")
    act_as(ctx, "mona")
    log_export(ctx, "screening log PDF", tmp_path / "log.pdf", study="MILA")
    log_export(ctx, "screening log JSON", STANDARD_OUTPUT, study="MILA", subject=trail_data["first"])
    logged = everything(ctx, AuditQuery(table="export"))
    assert [(line.actor, line.action, line.record, line.new, line.study, line.participant) for line in logged] == [
        ("mona", "event", "-", "screening log JSON printed on the standard output", "MILA", trail_data["first"]),
        ("mona", "event", "log.pdf", f"screening log PDF written to {tmp_path / 'log.pdf'}", "MILA", None),
    ]


def test_a_csv_export_streams_every_row_masked_and_is_logged(workspace, trail_data, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(trail, "BATCH", 10)
    tmp_path = tmp_path / "exports"
    ctx = workspace.ctx
    query = AuditQuery(study="MILA")
    expected = trail.count(ctx, query)
    done = export_trail(ctx, query, tmp_path / "trail.CSV")
    assert done.rows == expected and done.path == tmp_path / "trail.CSV"
    raw = done.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,at_utc,user,action,table,record,field,old_value,new_value,reason,")
    with done.path.open(encoding="utf-8-sig", newline="") as file:
        table = list(csv.DictReader(file))
    assert len(table) == expected
    assert [int(row["id"]) for row in table] == sorted(int(row["id"]) for row in table)
    assert "Lefèvre" not in raw.decode("utf-8") and "Martin" not in raw.decode("utf-8")
    logged = everything(ctx, AuditQuery(table="export"))[0]
    assert (logged.record, logged.study) == ("trail.CSV", "MILA")
    assert logged.new == f"audit trail CSV ({expected} rows; study MILA) written to {tmp_path / 'trail.CSV'}"
    assert list(tmp_path.iterdir()) == [done.path]  # no partial file left


def test_a_pdf_is_refused_above_its_limit_and_nothing_is_written_or_logged(workspace, trail_data, tmp_path: Path,
                                                                           monkeypatch):
    ctx = workspace.ctx
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    monkeypatch.setattr(export, "PDF_LIMIT", 5)
    before = trail.count(ctx, AuditQuery(table="export"))
    with pytest.raises(InputError, match=r"rows are too many for a PDF \(at most 5\): export them as CSV"):
        export_trail(ctx, AuditQuery(study="MILA"), tmp_path / "trail.pdf")
    assert list(tmp_path.iterdir()) == []
    assert trail.count(ctx, AuditQuery(table="export")) == before
    done = export_trail(ctx, AuditQuery(participant=trail_data["second"], actor="nobody"), tmp_path / "empty.pdf")
    assert done.rows == 0
    assert "No audit row matches these filters." in PdfReader(done.path).pages[0].extract_text()


def test_only_csv_and_pdf_are_written(workspace, tmp_path: Path):
    with pytest.raises(InputError, match=r"exported as \.csv or \.pdf, not trail\.xlsx") as raised:
        export_trail(workspace.ctx, AuditQuery(), tmp_path / "trail.xlsx")
    assert raised.value.field == "out"


def test_the_user_filter_lists_the_accounts_and_the_program_without_reading_the_trail(workspace):
    ctx = workspace.ctx
    add_user(ctx, "mona", "monitor", "MILA")
    assert trail.actors(ctx) == ["mona", "program", TESTER]  # every account, sorted, whatever it wrote
    act_as(ctx, "mona")
    assert trail.actors(ctx) == ["mona", "program", TESTER]
    add_user(ctx, "cora", "coordinator")
    act_as(ctx, "cora")
    with pytest.raises(NotPermitted, match="may not review the audit trail"):
        trail.actors(ctx)
