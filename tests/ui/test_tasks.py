"""The background-task helper: work runs off the UI thread, its result or error comes back on the main thread."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QProgressDialog, QWidget

from tests.ui.driving import visible
from ui import tasks


def test_a_slow_task_shows_progress_and_delivers_on_the_main_thread(qtbot, monkeypatch):
    monkeypatch.setattr(tasks, "PROGRESS_DELAY_MS", 20)
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen = []
    tasks.run_task(parent, "Copying…", lambda: time.sleep(0.3) or threading.current_thread(),
                   lambda worker: seen.append((worker, threading.current_thread())))
    qtbot.waitUntil(lambda: len(visible(QProgressDialog)) == 1)
    assert visible(QProgressDialog)[0].labelText() == "Copying…"
    qtbot.waitUntil(lambda: len(seen) == 1)
    worker, delivered_on = seen[0]
    assert worker is not threading.main_thread()
    assert delivered_on is threading.main_thread()
    assert not visible(QProgressDialog)


def test_a_quiet_slow_task_never_covers_the_window_with_progress(qtbot, monkeypatch):
    monkeypatch.setattr(tasks, "PROGRESS_DELAY_MS", 20)
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen = []
    tasks.run_task(parent, "Checking…", lambda: time.sleep(0.3) or "done", seen.append, quiet=True)
    qtbot.wait(150)
    assert not visible(QProgressDialog)
    qtbot.waitUntil(lambda: seen == ["done"])


def test_a_quick_task_shows_no_progress_and_an_error_goes_to_on_failure(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    failures = []
    tasks.run_task(parent, "Quick", lambda: 1 / 0, lambda _result: None, failures.append)
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert isinstance(failures[0], ZeroDivisionError)
    qtbot.wait(tasks.PROGRESS_DELAY_MS + 50)
    assert not visible(QProgressDialog)


def test_the_window_stays_open_until_a_running_backup_is_done(qtbot, window):
    release = threading.Event()
    done = []
    tasks.run_task(window, "Writing the backup…", release.wait, done.append)
    window.close()
    assert window.isVisible()
    assert "must end first" in window.statusBar().currentMessage()
    release.set()
    qtbot.waitUntil(lambda: done == [True])
    window.close()
    assert not window.isVisible()
