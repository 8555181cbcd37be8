"""Run slow work (backup, restore) off the UI thread; its result or error comes back on the main thread.

Like Picard's run_task and Anki's QueryOp: one worker thread for database work, so tasks never overlap, and a
progress dialog that appears only when the work takes longer than PROGRESS_DELAY_MS (a quick task shows nothing).
A batch the user asked for (casebooks, printing) is `cancellable`: its progress dialog shows at once with a bar and
a Cancel button, the work reports its steps, and learns from the answer that the user wants it stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui import messages

PROGRESS_DELAY_MS = 600

Progress = Callable[[int, int], bool]  # (steps done, steps in all) -> False once the user pressed Cancel

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
        moved(done, total): emitted from the worker thread by a cancellable work's progress calls.
    """

    done = Signal(object, object)
    moved = Signal(int, int)

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
        self._stop = threading.Event()
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.moved.connect(self._show_moved, Qt.ConnectionType.QueuedConnection)

    def start(self, work: Callable[..., Any], *, quiet: bool, cancellable: bool) -> None:
        if cancellable:
            self._open_progress(cancellable=True)  # asked for, and long: the user sees it start
            _database_thread().start(lambda: self._run(lambda: work(self._report)))
            return
        if not quiet:
            self._timer.start(PROGRESS_DELAY_MS)
        _database_thread().start(lambda: self._run(work))

    def _report(self, done: int, total: int) -> bool:  # in the worker thread
        self.moved.emit(done, total)
        return not self._stop.is_set()

    def _run(self, work: Callable[[], Any]) -> None:  # in the worker thread
        try:
            result = work()
        except Exception as error:  # delivered to on_failure on the main thread
            self.done.emit(None, error)
        else:
            self.done.emit(result, None)

    @Slot()
    def _show_progress(self) -> None:
        self._open_progress(cancellable=False)

    def _open_progress(self, *, cancellable: bool) -> None:
        self._progress = QProgressDialog(self._label, "", 0, 0, self._parent)
        if cancellable:
            self._progress.setCancelButtonText(self.tr("Cancel"))
            self._progress.canceled.connect(self._stop.set)
        else:
            self._progress.setCancelButton(None)  # backup and restore cannot be stopped halfway
        self._progress.setAutoReset(False)  # the last step is not the end: the result is not delivered yet
        self._progress.setAutoClose(False)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(0)
        self._progress.setMinimumWidth(420)
        self._progress.show()

    @Slot(int, int)
    def _show_moved(self, done: int, total: int) -> None:
        if self._progress is not None and not self._stop.is_set():
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._timer.stop()
        if self._progress is not None:
            self._progress.reset()  # stops its own timer
            self._progress.hide()
            self._progress.deleteLater()
        _running.discard(self)
        if error is not None:
            self._on_failure(error)
        else:
            self._on_success(result)


def tasks_running() -> bool:
    """True while some work is in the database thread or its result is not delivered yet."""
    return bool(_running)


def run_task(parent: QWidget, label: str, work: Callable[..., Any], on_success: Callable[[Any], None],
             on_failure: Callable[[BaseException], None] | None = None, *, quiet: bool = False,
             cancellable: bool = False) -> None:
    """Run work() in the database thread; call on_success(result) or on_failure(error) on the main thread.

    Without on_failure, the error is reported by ui.messages (plain message, or crash dialog for a bug).
    `quiet` work the user did not ask for (the check at start) never shows the progress dialog over the window.
    `cancellable` work is called as work(progress), progress being a `Progress` to call from the worker thread at
    each step: the dialog (shown at once) moves, and after Cancel progress returns False; the work then stops by
    raising its own error, which goes to on_failure like any other.
    """
    task = _Task(parent, label, on_success, on_failure or (lambda error: messages.report(error, parent)))
    _running.add(task)
    task.start(work, quiet=quiet, cancellable=cancellable)
