"""Study > Audit trail…: the rows newest first, the filters, the count, and the export to CSV or PDF."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from coordinator.audit import export, trail
from coordinator.audit.trail import AuditQuery
from coordinator.participants.register import Registration, register
from tests.accounts import act_as, add_user
from tests.ui.driving import menu_action, retype, type_into, wait_for
from ui.audit_dialog import AuditDialog
from ui.audit_table_model import COLUMNS
from ui.main_window import MainWindow


def shown(dialog: AuditDialog, column: str) -> list[str]:
    """What a column shows, top to bottom (every row: the model reads the pages it needs)."""
    model = dialog.model
    return [model.index(row, COLUMNS.index(column)).data() for row in range(model.rowCount())]


def open_dialog(qtbot, window: MainWindow) -> AuditDialog:
    action = menu_action(window, "Study", "Audit trail…")
    assert action.isEnabled()
    action.trigger()
    return wait_for(qtbot, AuditDialog)


def test_a_participant_filter_narrows_the_rows_and_the_export_writes_them_masked(qtbot, monkeypatch, tmp_path: Path,
                                                                                  people, window, workspace):
    ctx = workspace.ctx
    herve = people["Hervé"]
    dialog = open_dialog(qtbot, window)
    everything = trail.count(ctx, AuditQuery())
    assert dialog.count.text() == f"{everything} rows"
    ids = [int(text) for text in shown(dialog, "id")]
    assert ids == sorted(ids, reverse=True) and len(ids) == everything  # newest first, every row reachable

    type_into(qtbot, dialog.participant, herve)
    his = trail.count(ctx, AuditQuery(participant=herve))
    assert 0 < his < everything
    qtbot.waitUntil(lambda: dialog.count.text() == f"{his} rows")  # after a pause in typing
    assert set(shown(dialog, "participant")) == {herve}
    assert "Lefèvre" in shown(dialog, "new")  # the viewer is at the site: names are shown

    target = tmp_path / "exports" / "herve.csv"
    offered = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (offered.append(args[2]), (str(target), ""))[1])
    qtbot.mouseClick(dialog.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.outcome.isVisible)  # written in the database thread
    assert offered[0].endswith("audit-trail-2026-11-21.csv")
    assert dialog.outcome.text() == f"Exported {his} rows: {target}"
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == his and {row["participant"] for row in rows} == {herve}
    assert "Lefèvre" not in target.read_text(encoding="utf-8-sig")
    assert {row["new_value"] for row in rows if row["table"] == "identity"} == {"[identity]"}
    # the export logged itself, about this participant: the table shows it at the top at once
    assert dialog.count.text() == f"{his + 1} rows"
    assert [shown(dialog, name)[0] for name in ("who", "action", "table", "record")] == [
        "tester", "event", "export", "herve.csv"]
    dialog.grab().save(str(tmp_path / "audit-dialog.png"))


def test_a_date_that_is_not_one_is_said_under_the_filters(qtbot, people, window):
    dialog = open_dialog(qtbot, window)
    before = dialog.count.text()
    type_into(qtbot, dialog.since, "someday")
    qtbot.keyClick(dialog.since, Qt.Key.Key_Return)
    assert dialog.problem.isVisible()
    assert dialog.problem.text() == "“someday” is not a date: write it as YYYY-MM-DD."
    assert dialog.count.text() == before
    retype(qtbot, dialog.since, "2026-11-21")
    qtbot.keyClick(dialog.since, Qt.Key.Key_Return)
    assert not dialog.problem.isVisible()
    assert dialog.count.text() != before  # the people were registered in October: today's rows are fewer


def test_a_pdf_of_too_many_rows_is_refused_in_words(qtbot, monkeypatch, tmp_path: Path, people, window):
    monkeypatch.setattr(export, "PDF_LIMIT", 3)
    dialog = open_dialog(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "trail"), ""))
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.outcome.isVisible)
    assert "are too many for a PDF (at most 3): export them as CSV, or narrow the filters" in dialog.outcome.text()
    assert dialog.pdf_button.isEnabled()
    assert list(tmp_path.glob("trail*")) == []


def test_the_audit_trail_is_offered_only_to_those_who_may_review_it(qtbot, workspace):
    add_user(workspace.ctx, "cora", "coordinator")
    act_as(workspace.ctx, "cora")
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    assert not menu_action(window, "Study", "Audit trail…").isEnabled()


def test_a_monitor_of_one_study_is_offered_and_shown_that_study_only(qtbot, people, workspace):
    add_user(workspace.ctx, "milo", "monitor", "MILA")
    add_user(workspace.ctx, "rel", "coordinator", "REL-ALL")
    act_as(workspace.ctx, "rel")
    other = register(workspace.ctx, Registration("REL-ALL", 1, "2014-01-20", "F", "Léa", "Dubois")).code
    act_as(workspace.ctx, "milo")
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    dialog = open_dialog(qtbot, window)
    assert [dialog.study.itemText(i) for i in range(dialog.study.count())] == ["All studies", "MILA"]
    assert {text.split("-0")[0] for text in shown(dialog, "participant")} == {"MILA"}
    assert other not in shown(dialog, "participant")
