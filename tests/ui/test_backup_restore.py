"""File > Back up… and Restore…: real files, written in the background, checked by reopening them."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFileDialog, QMessageBox

from coordinator import backup
from coordinator.participants.queries import ParticipantQuery, find_ids
from coordinator.participants.register import Registration, register
from coordinator.workspace import open_workspace
from tests.ui.driving import column, menu_action, select_study, wait_for


def test_back_up_from_the_file_menu_writes_a_verified_copy(qtbot, monkeypatch, tmp_path, people, window):
    target = tmp_path / "copies" / "monday.sqlite3"
    asked = []

    def choose(parent, caption, folder, filters):
        asked.append(folder)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    menu_action(window, "File", "Back up…").trigger()
    qtbot.waitUntil(lambda: "Backup written and verified" in window.statusBar().currentMessage())
    assert asked[0].endswith("coordinator-backup-2026-11-21.sqlite3")
    assert str(target) in window.statusBar().currentMessage()
    copy = open_workspace(str(target))
    try:
        assert len(find_ids(copy.ctx.as_program(), ParticipantQuery(study="MILA"))) == 4
    finally:
        copy.ctx.engine.dispose()


def test_a_folder_as_backup_target_is_explained(qtbot, monkeypatch, tmp_path, window):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path), ""))
    menu_action(window, "File", "Back up…").trigger()
    box = wait_for(qtbot, QMessageBox)
    assert box.text() == f"{tmp_path} is a folder: choose a file name."
    box.close()


def test_restore_replaces_the_data_and_reloads_the_window(qtbot, monkeypatch, tmp_path, workspace, people, window):
    saved = backup.back_up(workspace.ctx, tmp_path / "before.sqlite3")
    late = register(workspace.ctx, Registration("MILA", 1, date(2018, 2, 2), "M", "Late", "Comer")).code
    select_study(qtbot, window, "MILA")
    window.refresh()
    assert late in column(window, "code")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(saved), ""))
    questions = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: questions.append(args[2]) or QMessageBox.StandardButton.Yes)
    menu_action(window, "File", "Restore…").trigger()
    qtbot.waitUntil(lambda: "Restored from" in window.statusBar().currentMessage())
    assert "before.sqlite3" in questions[0]
    assert late not in column(window, "code")
    assert window.participants.count.text() == "4 participants"
    assert window.isEnabled()
    assert window.workspace is not workspace


def test_restoring_a_file_that_is_not_a_backup_is_explained_and_changes_nothing(qtbot, monkeypatch, tmp_path,
                                                                                people, window):
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(notes), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    select_study(qtbot, window, "MILA")
    menu_action(window, "File", "Restore…").trigger()
    box = wait_for(qtbot, QMessageBox)
    assert box.text().startswith("notes.sqlite3 is not an intact database file")
    box.close()
    assert window.isEnabled()
    assert len(column(window, "code")) == 4


def test_restoring_a_backup_older_than_the_administrators_account_tells_them(qtbot, monkeypatch, tmp_path,
                                                                              workspace, people, window):
    from tests.accounts import act_as, add_user

    saved = backup.back_up(workspace.ctx, tmp_path / "before-alma.sqlite3")
    add_user(workspace.ctx, "alma", "administrator")
    act_as(window.workspace.ctx, "alma")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(saved), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    menu_action(window, "File", "Restore…").trigger()
    box = wait_for(qtbot, QMessageBox)
    assert box.text() == "The restored data has no active account for alma: the next start asks who signs in."
    assert "Restored from" in window.statusBar().currentMessage()
    box.close()
    assert window.isEnabled()
