"""Bugs open the crash dialog; the machine in the way gets a plain message; run_app's start and screenshot."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QMessageBox

from coordinator.errors import EnvironmentProblem
from coordinator.participants import queries
from tests.ui.driving import column, select_study, visible, wait_for
from ui import messages
from ui.app import run_app
from ui.crash_dialog import CrashDialog


def raise_later(error: Exception) -> None:
    def fail() -> None:
        raise error

    QTimer.singleShot(0, fail)


def test_an_unexpected_error_opens_the_crash_dialog_with_copyable_details(qtbot, data_dir):
    with messages.reporting_errors():
        raise_later(RuntimeError("a bug in a slot"))
        dialog = wait_for(qtbot, CrashDialog)
    details = dialog.details.toPlainText()
    assert "RuntimeError: a bug in a slot" in details
    assert "Traceback" in details
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == details
    reports = list((data_dir / "crash-reports").glob("crash-*.txt"))
    assert len(reports) == 1
    assert reports[0].read_text(encoding="utf-8") == details
    dialog.close()


def test_an_environment_problem_gets_a_plain_message_and_no_crash_report(qtbot, data_dir):
    with messages.reporting_errors():
        raise_later(EnvironmentProblem("The disk is full: the change was not saved. Free some space and try again."))
        box = wait_for(qtbot, QMessageBox)
    assert box.text() == "The disk is full: the change was not saved. Free some space and try again."
    assert box.icon() == QMessageBox.Icon.Warning
    assert not (data_dir / "crash-reports").exists()
    box.close()


def test_a_database_failure_while_scrolling_gives_one_plain_message(qtbot, monkeypatch, people, window):
    select_study(qtbot, window, "MILA")

    def locked(ctx, ids):
        raise EnvironmentProblem("The database is busy in another program: wait a moment and try again.")

    monkeypatch.setattr(queries, "rows", locked)
    with messages.reporting_errors():
        window.participants.filters.site.setCurrentIndex(1)  # a new query, whose first page cannot be read
        box = wait_for(qtbot, QMessageBox)  # the table repaints in the event loop meanwhile
        qtbot.wait(50)
    assert box.text() == "The database is busy in another program: wait a moment and try again."
    assert len(visible(QMessageBox)) == 1
    assert column(window, "code") == [None, None]
    box.close()


def test_screenshot_writes_the_window_as_a_png(qtbot, tester_db, signed_in_env, db_file, tmp_path):
    picture = tmp_path / "window.png"
    assert run_app(["--db", str(db_file), "--screenshot", str(picture)]) == 0
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1280, 800)


def test_the_language_option_translates_qt_own_buttons(qtbot, tester_db, signed_in_env, db_file, tmp_path):
    assert run_app(["--db", str(db_file), "--language", "fr", "--screenshot", str(tmp_path / "fr.png")]) == 0
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"


def test_a_file_that_is_not_a_database_is_refused_with_a_plain_message(qtbot, monkeypatch, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list", encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert run_app(["--db", str(notes)]) == 1
    assert len(shown) == 1
    assert "not a Study Coordinator database" in shown[0]
    assert notes.read_text(encoding="utf-8") == "shopping list"


def test_an_unattended_start_says_why_on_stderr_instead_of_a_dialog(qtbot, monkeypatch, capsys, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list", encoding="utf-8")
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: pytest.fail("a dialog nobody can close"))
    assert run_app(["--db", str(notes), "--screenshot", str(tmp_path / "never.png")]) == 1
    assert "not a Study Coordinator database" in capsys.readouterr().err
    assert not (tmp_path / "never.png").exists()
