"""Run slow work (backup, restore) off the UI thread; its result or error comes back on the main thread.

Like Picard's run_task and Anki's QueryOp: one worker thread for database work, so tasks never overlap, and a
progress dialog that appears only when the work takes longer than PROGRESS_DELAY_MS (a quick task shows nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui import messages

PROGRESS_DELAY_MS = 600

_pool: QThreadPool | None = None
_running: set[_Task] = set()  # keeps each task's Python object alive until its result is delivered


def _database_thread() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class _Task(QObject):
    """Lives in the main thread; the worker emits `done`, which Qt queues to the main thread.

    Signals:
        done(result, error): emitted from the worker thread when the work returns or raises.
    """

    done = Signal(object, object)

    def __init__(self, parent: QWidget, label: str, on_success: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._parent = parent
        self._label = label
        self._on_success = on_success
        self._on_failure = on_failure
        self._progress: QProgressDialog | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_progress)
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self, work: Callable[[], Any], *, quiet: bool) -> None:
        if not quiet:
            self._timer.start(PROGRESS_DELAY_MS)
        _database_thread().start(lambda: self._run(work))

    def _run(self, work: Callable[[], Any]) -> None:  # in the worker thread
        try:
            result = work()
        except Exception as error:  # delivered to on_failure on the main thread
            self.done.emit(None, error)
        else:
            self.done.emit(result, None)

    @Slot()
    def _show_progress(self) -> None:
        self._progress = QProgressDialog(self._label, "", 0, 0, self._parent)
        self._progress.setCancelButton(None)  # backup and restore cannot be stopped halfway
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(0)
        self._progress.show()

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._timer.stop()
        if self._progress is not None:
            self._progress.reset()  # hides it and stops its own timer
            self._progress.deleteLater()
        _running.discard(self)
        if error is not None:
            self._on_failure(error)
        else:
            self._on_success(result)


def tasks_running() -> bool:
    """True while some work is in the database thread or its result is not delivered yet."""
    return bool(_running)


def run_task(parent: QWidget, label: str, work: Callable[[], Any], on_success: Callable[[Any], None],
             on_failure: Callable[[BaseException], None] | None = None, *, quiet: bool = False) -> None:
    """Run work() in the database thread; call on_success(result) or on_failure(error) on the main thread.

    Without on_failure, the error is reported by ui.messages (plain message, or crash dialog for a bug).
    `quiet` work the user did not ask for (the check at start) never shows the progress dialog over the window.
    """
    task = _Task(parent, label, on_success, on_failure or (lambda error: messages.report(error, parent)))
    _running.add(task)
    task.start(work, quiet=quiet)
