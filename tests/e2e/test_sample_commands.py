"""The sample commands as a user types them: sample types, collection, aliquots and derivatives, storage and custody,
the list, the box map, the destruction a withdrawal asks for, and the sample documents.

The commands run in-process on the real clock; participants and their consent are made through the services on the
same database (tests/sampling.py), with dates in October 2026, in the past of any day these tests run. What a test
does not check is prepared through the services too: every command signs in (a slow password hash, on purpose)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coordinator.context import Context
from coordinator.samples import service
from coordinator.workspace import open_workspace
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.e2e.commands import ok, refused
from tests.sampling import box, consented, leukapheresis, marrow

AT = "2026-10-05 09:30"
TABLES = ("sample", "sample_event", "shipment", "storage_unit")


@pytest.fixture
def ctx(tester_db: Path) -> Iterator[Context]:
    """The database the commands use, for what is prepared through the services (registration, consent)."""
    opened = open_workspace(str(tester_db))
    act_as(opened.ctx, TESTER)
    yield opened.ctx
    opened.ctx.engine.dispose()


@pytest.fixture
def child(ctx: Context) -> str:
    """A MILA participant whose consent (covering samples) is complete from 2026-10-02."""
    return consented(ctx)


def counts(database: Path) -> dict[str, int]:
    """What a refused command must leave as it was: every sample table and the audit trail (but the sign-ins)."""
    with sqlite3.connect(database) as connection:
        found = {table: connection.execute(f"select count(*) from {table}").fetchone()[0] for table in TABLES}
        found["audit"] = connection.execute("select count(*) from audit_trail where table_name != 'user_account'"
                                            ).fetchone()[0]
    return found


def exports(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("select count(*) from audit_trail where table_name = 'export'").fetchone()[0]


def lines(out: str) -> list[str]:
    return out.splitlines()


def add_box(run, path: str = "F1/R1/B1", rows: int = 9, columns: int = 9) -> None:
    freezer, rack, _box = path.split("/")
    ok(run, "storage", "add", "freezer", freezer, "--note", "-80 °C")
    ok(run, "storage", "add", "rack", f"{freezer}/{rack}")
    assert ok(run, "storage", "add", "box", path, "--rows", str(rows), "--columns", str(columns)) == \
        f"Added box {path} ({rows} rows × {columns} columns).\n"


def collect(run, participant: str, *extra: str, type_: str = "BMA", volume: str = "5mL") -> str:
    out = ok(run, "sample", "collect", participant, "--type", type_, "--at", AT, "--volume", volume, *extra)
    assert len(lines(out)) == 1
    return out.strip()


def test_sample_types_come_from_the_study_file(run):
    out = ok(run, "sample", "types", "--study", "mila")
    assert lines(out)[0].split() == ["TYPE", "LABEL", "SPECIMEN", "UNIT", "TIMEPOINTS", "CONSENT", "DERIVATIVES",
                                     "DOSE"]
    assert "BMA   Bone marrow aspirate" in out and "DIAG: At diagnosis (before treatment)" in out
    assert "SURG: During the orthopedic procedure" in out and "made from BMA" in out
    kinds = {kind["id"]: kind for kind in json.loads(ok(run, "sample", "types", "--study", "ELIT-AML01", "--json"))}
    assert kinds["DLI"]["dose_marker"] == "CD3+" and kinds["DLI"]["made_from"] == ["LEUKA"]
    assert kinds["LEUKA"]["derivatives"] == ["DLI"] and kinds["LEUKA"]["specimen"] == "leukapheresis_product"
    assert "Known studies: BLINA-MRD, ELIT-AML01, MILA, NK-HSCT, REL-ALL" in refused(run, "sample", "types",
                                                                                   "--study", "NOPE")


def test_collect_split_derive_store_and_show(run, child, tester_db):
    first = collect(run, child, "--timepoint", "diag", "--collected-by", "Dr Roux", "--notes", "left iliac crest")
    assert first == "MILA-000001"
    assert json.loads(ok(run, "sample", "collect", child, "--type", "BMA", "--at", AT, "--volume", "3 mL",
                         "--json")) == {"sample_id": "MILA-000002"}
    assert lines(ok(run, "sample", "aliquot", first, "--count", "3", "--volume", "1mL")) == [
        "MILA-000001-01", "MILA-000001-02", "MILA-000001-03"]
    assert ok(run, "sample", "derive", first, "--type", "MSC", "--volume", "10mL", "--taken", "1mL") == \
        "MILA-000001-04\n"
    add_box(run)
    assert ok(run, "sample", "store", "mila-000001-01", "--location", "F1/R1/B1/a1") == "F1/R1/B1/A1\n"
    assert ok(run, "sample", "move", "MILA-000001-01", "--location", "F1/R1/B1/I9") == "F1/R1/B1/I9\n"
    assert "is not in a box (it is processed)" in refused(run, "sample", "move", "MILA-000001-02", "--location",
                                                          "F1/R1/B1/A2")
    shown = ok(run, "sample", "show", first)
    for expected in ("Sample       MILA-000001", "Type         BMA – Bone marrow aspirate",
                     "Timepoint    DIAG – At diagnosis (before treatment)", f"Collected    {AT} by Dr Roux",
                     "Volume       5 mL", "Remaining    1 mL", "Status       processed", "Location     –",
                     "Notes        left iliac crest", "Made from it:", "MILA-000001-04"):
        assert expected in shown, expected
    assert "aliquoted  tester" in shown and "into MILA-000001-01, MILA-000001-02, MILA-000001-03" in shown
    exported = exports(tester_db)
    detail = json.loads(ok(run, "sample", "show", "MILA-000001-01", "--json"))
    assert exports(tester_db) == exported + 1  # sample data printed as JSON is logged as an export
    assert (detail["parent"], detail["level"], detail["origin"], detail["location"]) == \
        ("MILA-000001", 1, "aliquot", "F1/R1/B1/I9")
    assert [(e["event"], e["location"]) for e in detail["events"]] == [
        ("aliquoted", None), ("stored", "F1/R1/B1/A1"), ("moved", "F1/R1/B1/I9")]


def test_dli_doses_print_their_cd3_dose_per_kg(run, ctx):
    donor = consented(ctx, "ELIT-AML01", birth="1970-05-05")
    leuka = collect(run, donor, "--timepoint", "COLL", type_="LEUKA", volume="200mL")
    out = ok(run, "sample", "derive", leuka, "--type", "DLI", "--volume", "20mL", "--count", "3",
             "--total-cells", "5e8", "--cd3-cells", "7 x 10^7", "--weight", "70kg")
    assert lines(out) == [f"{leuka}-01", f"{leuka}-02", f"{leuka}-03", "dose: 1 × 10^6 CD3+ cells/kg"]
    shown = ok(run, "sample", "show", f"{leuka}-02")
    assert "CD3+ cells          7 × 10^7" in shown and "Dose                1 × 10^6 CD3+ cells/kg" in shown
    made = json.loads(ok(run, "sample", "derive", leuka, "--type", "DLI", "--volume", "20mL", "--total-cells",
                         "4e8", "--marker-cells", "1.4e8", "--weight", "70", "--json"))
    assert made == {"sample_ids": [f"{leuka}-04"], "dose_per_kg": pytest.approx(2e6), "marker": "CD3+"}
    assert "needs the recipient's weight" in refused(run, "sample", "derive", leuka, "--type", "DLI", "--volume",
                                                     "20mL", "--total-cells", "5e8", "--cd3-cells", "7e7")


def test_custody_from_storage_to_shipping_and_destruction(run, child, ctx):
    stored, shipped, used = (marrow(ctx, child) for _n in range(3))
    box(ctx)
    service.store(ctx, stored, "F1/R1/B1/B2")
    assert ok(run, "sample", "retrieve", stored, "--note", "thawed for MRD") == \
        f"{stored}: retrieved (was at F1/R1/B1/B2)\n"
    assert ok(run, "sample", "receive", shipped) == f"{shipped}: received\n"
    assert json.loads(ok(run, "sample", "ship", shipped, "--to", "Central lab, Lyon", "--note", "dry ice",
                         "--json")) == {"manifest": "MILA-SHP-0001", "pdf": None}
    assert ok(run, "sample", "receive", shipped, "--json").count('"status": "received"') == 1
    assert ok(run, "sample", "use", used, "--reason", "MRD assay") == f"{used}: used\n"
    assert ok(run, "sample", "destroy", stored, "--reason", "Haemolysed") == f"{stored}: destroyed\n"
    events = ok(run, "sample", "show", shipped)
    assert "shipped        tester" in events and "to Central lab, Lyon; manifest MILA-SHP-0001" in events
    assert "received back  tester" in events
    assert "thawed for MRD" in ok(run, "sample", "show", stored)


def test_the_list_filters_sorts_and_says_what_is_left_out(run, child, ctx):
    codes = [marrow(ctx, child) for _n in range(4)]
    service.destroy(ctx, codes[1], "Clotted")
    out = ok(run, "samples", "--study", "MILA", "--limit", "2", "--sort", "code", "--desc")
    assert lines(out)[0].split() == ["ID", "PARTICIPANT", "TYPE", "TIMEPOINT", "COLLECTED", "VOLUME", "REMAINING",
                                     "STATUS", "LOCATION"]
    assert [line.split()[0] for line in lines(out)[1:3]] == [codes[3], codes[2]]
    assert lines(out)[-1] == "… 2 more; use --limit 0 to list them all."
    assert len(lines(ok(run, "samples", "--limit", "0"))) == 5
    listed = json.loads(ok(run, "samples", "--participant", child.lower(), "--status", "destroyed", "--json"))
    assert [(row["sample_id"], row["status"], row["volume"], row["unit"]) for row in listed] == [
        (codes[1], "destroyed", 5.0, "mL")]
    assert json.loads(ok(run, "samples", "--search", "000003", "--type", "bma", "--json"))[0]["sample_id"] == codes[2]
    code, out, err = run("samples", "--limit", "1", "--json")
    assert code == 0 and len(json.loads(out)) == 1 and err == "warning: 3 more samples; use --limit 0 to list them " \
                                                               "all.\n"
    assert ok(run, "samples", "--study", "BLINA-MRD") == "No samples.\n"
    assert "choose from 'collected', 'received', 'processed', 'stored', 'retrieved', 'shipped', 'used', " \
           "'destroyed'" in refused(run, "samples", "--status", "lost")
    assert "Unknown study XX" in refused(run, "samples", "--study", "XX")


def test_storage_list_and_a_box_map(run, child, ctx, monkeypatch):
    add_box(run, rows=3, columns=4)
    ok(run, "storage", "add", "box", "F1/R1/B2", "--rows", "2", "--columns", "2")
    mine = marrow(ctx, child)
    service.store(ctx, mine, "F1/R1/B1/A2")
    theirs = leukapheresis(ctx, consented(ctx, "ELIT-AML01", birth="1970-05-05"))
    service.store(ctx, theirs, "F1/R1/B1/C4")
    assert lines(ok(run, "storage", "list")) == [
        "PATH          KIND     SIZE   OCCUPIED/FREE  NOTE",
        "F1            freezer         2/14           -80 °C",
        "  F1/R1       rack            2/14",
        "    F1/R1/B1  box      3 × 4  2/10",
        "    F1/R1/B2  box      2 × 2  0/4"]
    listed = json.loads(ok(run, "storage", "list", "--json"))
    assert listed[2] == {"path": "F1/R1/B1", "kind": "box", "rows": 3, "columns": 4, "occupied": 2, "free": 10,
                         "note": None}
    add_user(ctx, "cora", "coordinator", "MILA")  # may not read ELIT-AML01: its sample is only "occupied"
    monkeypatch.setenv("COORDINATOR_USER", "cora")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    out = ok(run, "storage", "box", "F1/R1/B1")
    width = len("MILA-000001")
    assert lines(out)[:4] == [
        "   " + "  ".join(str(n).ljust(width) for n in range(1, 5)).rstrip(),
        "A  " + "  ".join(cell.ljust(width) for cell in (".", mine, ".", ".")).rstrip(),
        "B  " + "  ".join(cell.ljust(width) for cell in (".", ".", ".", ".")).rstrip(),
        "C  " + "  ".join(cell.ljust(width) for cell in (".", ".", ".", "occupied")).rstrip()]
    assert lines(out)[4:] == ["", "Box F1/R1/B1: 2 samples, 10 of 12 positions free.", '"." is a free position.',
                              '"occupied" is a sample of a study you may not read.']
    mapped = json.loads(ok(run, "storage", "box", "F1/R1/B1", "--json"))
    assert [(p["position"], p["sample_id"], p["participant"]) for p in mapped["positions"]] == [
        ("A2", mine, child), ("C4", None, None)]
    assert "There is no box F1/R1/B9" in refused(run, "storage", "box", "F1/R1/B9")


def test_bad_input_is_refused_with_the_reason_and_changes_nothing(run, child, ctx, tester_db):
    box(ctx, rows=3, columns=3)
    stored, loose, gone = (marrow(ctx, child) for _n in range(3))
    service.store(ctx, stored, "F1/R1/B1/A1")
    service.destroy(ctx, gone, "Clotted")
    tomorrow = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    collecting = ("sample", "collect", child, "--type", "BMA")
    before = counts(tester_db)
    for arguments, reason in [
        (("sample", "store", loose, "--location", "F1/R1/B1/A1"), f"Position F1/R1/B1/A1 is taken: {stored} is "
                                                                   "already there."),
        (("sample", "store", loose, "--location", "F1/R1/B1/D1"), "Position D1 is outside box F1/R1/B1, which has "
                                                                  "3 rows (A–C) and 3 columns."),
        (("sample", "aliquot", stored, "--count", "3", "--volume", "2mL"), "3 × 2 mL is more than the 5 mL left "
                                                                           f"of {stored}."),
        ((*collecting, "--at", AT, "--volume=-5mL"), "The volume must be more than zero, not -5mL."),
        ((*collecting, "--at", AT, "--volume", "5"), "The volume 5 has no unit: write e.g. 5 mL."),
        ((*collecting, "--at", tomorrow, "--volume", "5mL"), f"The collection time {tomorrow} is in the future."),
        ((*collecting, "--at", "2026-10-01 16:00", "--volume", "5mL"), f"of {child} is refused"),
        (("sample", "ship", gone, "--to", "Central lab"), f"Sample {gone} is destroyed: it cannot be shipped."),
        (("sample", "show", "MILA-999999"), "No sample has the id MILA-999999."),
        (("sample", "store", "MILA-999999", "--location", "F1/R1/B1/B1"), "No sample has the id MILA-999999."),
    ]:
        assert reason in refused(run, *arguments), arguments
        assert counts(tester_db) == before, arguments


def test_a_monitor_reads_samples_but_may_not_collect(run, child, ctx, monkeypatch, tester_db):
    sample = marrow(ctx, child)
    add_user(ctx, "mona", "monitor", "MILA")
    monkeypatch.setenv("COORDINATOR_USER", "mona")
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD + "-new")
    assert sample in ok(run, "samples")
    before = counts(tester_db)
    assert "may not record" in refused(run, "sample", "collect", child, "--type", "BMA", "--at", AT, "--volume",
                                       "5mL", exit_code=3)
    refused(run, "sample", "destroy", sample, "--reason", "test", exit_code=3)
    assert counts(tester_db) == before


def test_a_withdrawal_lists_what_to_destroy_then_confirms_it(run, child, ctx):
    kept, away, used = (marrow(ctx, child) for _n in range(3))
    box(ctx)
    service.store(ctx, kept, "F1/R1/B1/B2")
    service.ship(ctx, [away], "Biobank Paris")
    service.use(ctx, used, "MRD assay")
    assert 'not withdrawn with "destroy samples"' in refused(run, "sample", "destruction", child)
    ok(run, "consent", "withdraw", child, "--scope", "samples", "--date", "2026-11-01", "--by", "holder1")
    out = ok(run, "sample", "destruction", child)
    assert lines(out)[0] == f'Consent of {child} withdrawn on 2026-11-01 with "destroy samples" (certificate ' \
                            f"{child}-DC-20261101)."
    assert f"{kept}  {child}" in out and "F1/R1/B1/B2" in out
    assert "Biobank Paris  MILA-SHP-0001" in out.split("Shipped elsewhere")[1]
    assert used in out.split("Already destroyed or used up:")[1]
    confirmed = ok(run, "sample", "destruction", child, "--confirm")
    assert lines(confirmed)[-1] == "1 samples marked destroyed."
    shown = json.loads(ok(run, "sample", "show", kept, "--json"))
    assert shown["status"] == "destroyed" and shown["location"] is None
    assert shown["events"][-1]["reason"].startswith("Consent withdrawn on 2026-11-01: destroy samples")
    listed = json.loads(ok(run, "sample", "destruction", child, "--json"))
    assert (listed["to_destroy"], [r["sample_id"] for r in listed["destroyed"]]) == ([], [kept, used])
    assert listed["elsewhere"][0]["destination"] == "Biobank Paris"
    assert "left to destroy" in refused(run, "sample", "destruction", child, "--confirm")


def test_confirming_refuses_when_the_list_changed_between_reading_and_confirming(run, child, ctx, monkeypatch,
                                                                                tmp_path):
    """--confirm marks what this same call read and prints, nothing else: a tube destroyed by someone else while
    the certificate was written makes it refuse, nothing marked."""
    from coordinator.cli import sample_commands

    kept, cracked = marrow(ctx, child), marrow(ctx, child)
    ok(run, "consent", "withdraw", child, "--scope", "samples", "--date", "2026-11-01", "--by", "holder1")
    write = sample_commands._write_certificate

    def meanwhile(*arguments: str) -> Path:
        service.destroy(ctx, cracked, "tube cracked")
        return write(*arguments)

    monkeypatch.setattr(sample_commands, "_write_certificate", meanwhile)
    error = refused(run, "sample", "destruction", child, "--out", str(tmp_path / "certificate.pdf"), "--confirm")
    assert "The samples to destroy changed since the list was shown" in error
    assert json.loads(ok(run, "sample", "show", kept, "--json"))["status"] != "destroyed"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_labels_are_printed_with_the_sample_ids(run, child, ctx, tmp_path):
    codes = [marrow(ctx, child) for _n in range(2)]
    out = tmp_path / "labels.pdf"
    assert ok(run, "print", "labels", *codes, "--out", str(out), "--start", "5") == f"Labels written: {out}\n"
    text = pdf_text(out)
    assert all(code in text for code in codes) and "Lefèvre" not in text and "Hervé" not in text
    roll = tmp_path / "roll.pdf"
    assert json.loads(ok(run, "print", "labels", codes[0], "--out", str(roll), "--layout", "roll-50x25",
                         "--json")) == {"pdf": str(roll)}
    assert "invalid choice" in refused(run, "print", "labels", codes[0], "--out", str(roll), "--layout", "A5")
    assert "No sample has the id MILA-999999" in refused(run, "print", "labels", "MILA-999999", "--out",
                                                         str(tmp_path / "none.pdf"))
    assert not (tmp_path / "none.pdf").exists()


def test_a_shipment_prints_its_manifest(run, child, ctx, tmp_path):
    codes = [marrow(ctx, child) for _n in range(2)]
    manifest = tmp_path / "manifest.pdf"
    out = ok(run, "sample", "ship", *codes, "--to", "Central lab, Lyon", "--manifest", str(manifest))
    assert lines(out) == ["MILA-SHP-0001", f"Shipping manifest written: {manifest}"]
    assert all(code in pdf_text(manifest) for code in codes)
    again = tmp_path / "again.pdf"
    assert ok(run, "print", "manifest", "MILA-SHP-0001", "--out", str(again)) == \
        f"Shipping manifest written: {again}\n"
    assert "MILA-SHP-0001" in pdf_text(again)


def test_a_manifest_file_name_that_cannot_be_written_ships_nothing(run, child, ctx, tmp_path):
    code = marrow(ctx, child)
    exit_code, out, err = run("sample", "ship", code, "--to", "Central lab", "--manifest", str(tmp_path / "m.txt"))
    assert (exit_code, out) == (2, "") and "must end in .pdf" in err
    assert "collected" in ok(run, "sample", "show", code)


def test_a_destruction_certificate_is_printed(run, child, ctx, tmp_path):
    kept = marrow(ctx, child)
    ok(run, "consent", "withdraw", child, "--scope", "samples", "--date", "2026-11-01", "--by", "holder1")
    certificate = tmp_path / "certificate.pdf"
    assert lines(ok(run, "sample", "destruction", child, "--out", str(certificate)))[-1] == \
        f"Destruction certificate written: {certificate}"
    assert kept in pdf_text(certificate)
    printed = tmp_path / "printed.pdf"
    assert ok(run, "print", "destruction-certificate", child, "--out", str(printed)) == \
        f"Destruction certificate written: {printed}\n"
    assert f"{child}-DC-20261101" in pdf_text(printed)
