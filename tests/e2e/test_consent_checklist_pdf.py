"""Consent checklists read back (pypdf), fonts checked (pdffonts) and rendered (pdftoppm)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from coordinator.consent import service as consent
from coordinator.documents.consent_checklist import blank_checklist, participant_checklist, write_pdf
from coordinator.participants.register import Registration, register


def text_of(pdf: Path) -> str:
    """The text of every page, white space folded (table cells wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def assert_fonts_embedded(pdf: Path) -> None:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = lines[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), lines


def assert_renders(pdf: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    assert pdf.with_name(pdf.stem + "-1.png").stat().st_size > 5000


def test_a_participant_checklist_shows_names_in_any_script_and_marks_what_is_missing(workspace, tmp_path):
    ctx = workspace.ctx
    child = register(ctx, Registration("MILA", 1, "2016-01-10", "M", "Łukasz", "Żółć", "2026-10-01")).code
    consent.sign(ctx, child, consent.SignatureInput("holder1", "Hervé Żółć", "2026-10-02", "09:15", "father"))
    consent.sign(ctx, child, consent.SignatureInput("holder2", "김민준", "2026-10-02", relationship="mother"))
    pdf = write_pdf(participant_checklist(ctx, child), tmp_path / "checklist.pdf", date(2026, 11, 21))
    text = text_of(pdf)
    for expected in ("Łukasz Żółć", "Hervé Żółć", "김민준", child, "Information and consent form, version 1.0",
                     "first holder of parental authority", "2026-10-02 09:15", "MISSING",
                     "Signature of the investigator who obtained consent is missing", "Questions answered"):
        assert expected in text, expected
    assert_fonts_embedded(pdf)
    assert_renders(pdf)


def test_a_blank_checklist_lists_every_role_of_the_rule(workspace, tmp_path):
    pdf = write_pdf(blank_checklist(workspace.ctx, "NK-HSCT"), tmp_path / "blank.pdf", date(2026, 11, 21))
    text = text_of(pdf)
    assert "12 to 15 years: first holder of parental authority, second holder of parental authority, participant" \
        in text
    assert "MISSING" not in text
    assert_fonts_embedded(pdf)
    assert_renders(pdf)


def test_the_command_line_prints_both(run, tmp_path):
    run("init")
    code, out, _err = run("register", "--study", "REL-ALL", "--site", "1", "--birth-date", "2015-05-05",
                          "--sex", "M", "--first-name", "민준", "--last-name", "김")
    assert run("print", "consent-checklist", out.strip(), "--out", str(tmp_path / "one.pdf"))[0] == 0
    assert "민준 김" in text_of(tmp_path / "one.pdf")
    assert run("print", "consent-checklist", "--study", "MILA", "--blank", "--out", str(tmp_path / "b.pdf"))[0] == 0
    code, _out, err = run("print", "consent-checklist", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "Name a participant code" in err
