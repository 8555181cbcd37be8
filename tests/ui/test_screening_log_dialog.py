"""Study > Screening log…: the counts, the screen failures by reason, the participants, and the PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.entry import ValueInput
from tests.consenting import sign_all
from tests.ui.driving import menu_action, select_study, wait_for
from ui.screening_log_dialog import ScreeningLogDialog

TODAY = date(2026, 11, 21)


def counts(dialog: ScreeningLogDialog) -> dict[str, str]:
    """The counts as shown: label text (indent removed) -> number."""
    grid = dialog.counts
    shown = {}
    for row in range(grid.rowCount()):
        name, number = grid.itemAtPosition(row, 0), grid.itemAtPosition(row, 1)
        if name is not None and number is not None:
            shown[name.widget().text().strip()] = number.widget().text()
    return shown


def test_the_screening_log_shows_the_counts_and_reasons_and_saves_a_pdf(qtbot, monkeypatch, tmp_path: Path,
                                                                          people, window, workspace):
    ctx = workspace.ctx
    failed = people["Chloé"]
    sign_all(ctx, failed, TODAY)
    eligibility.record(ctx, failed, demo_values("MILA").eligible("AL", TODAY))
    eligibility.record(ctx, failed, [ValueInput("RELAPSE", "yes")], reason="relapse found in the file")
    eligibility.confirm(ctx, failed)
    select_study(qtbot, window, "MILA")
    menu_action(window, "Study", "Screening log…").trigger()
    dialog = wait_for(qtbot, ScreeningLogDialog)
    assert dialog.heading.text() == "MILA – Study of the Medullary Microenvironment in Acute Childhood Leukemia"
    assert counts(dialog) == {
        "Screened (registered)": "4", "Screen failures (not eligible)": "2", "Withdrawn before enrollment": "0",
        "Still in screening": "0", "Confirmed eligible by an investigator": "2", "Enrolled": "2",
        "AL – Acute leukemia": "1", "CONTROL – Control": "1"}
    reasons = dialog.reasons
    assert [[reasons.item(0, c).text() for c in range(4)]] == [
        ["EX02", "Exclusion", "Patients with relapsed acute lymphoblastic or myeloblastic leukemia", "1"]]
    assert dialog.reasons_note.text() == ("1 screen failure recorded by a status change, without an eligibility "
                                          "confirmation naming the criteria.")
    model = dialog.model
    lines = {model.index(row, 0).data(): [model.index(row, c).data() for c in range(model.columnCount())]
             for row in range(model.rowCount())}
    assert set(lines) == set(people.values())
    assert lines[failed][4:7] == ["Not eligible", lines[failed][5], "EX02"]
    assert lines[people["Hervé"]][7:] == ["2026-10-08", "AL"]
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Lefèvre" not in shown and "Martin" not in shown  # codes only

    target = tmp_path / "log.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.outcome.isVisible)  # written in the database thread
    assert dialog.outcome.text() == f"Saved: {target}"
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Screening log" in text and "EX02" in text and people["Hervé"] in text
    assert "Lefèvre" not in text
    qtbot.wait(50)
    dialog.grab().save(str(tmp_path / "screening-log.png"))
