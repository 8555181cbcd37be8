"""Run slow work (backup, restore) off the UI thread; its result or error comes back on the main thread.

Like Picard's run_task and Anki's QueryOp: one worker thread for database work, so tasks never overlap, and a
progress dialog that appears only when the work takes longer than PROGRESS_DELAY_MS (a quick task shows nothing).
A batch the user asked for (casebooks, printing) is `cancellable`: its progress dialog shows at once with a bar and
a Cancel button, the work reports its steps, and learns from the answer that the user wants it stopped. The progress
dialog stays, modal, until the work has ended (Cancel only asks it to stop): the dialog that started the work cannot
be closed under it. Should the widget that asked for the work be gone anyway when it ends, its callbacks are not
called (they would touch deleted widgets); `on_orphaned` is, to tidy what the work left.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SIGNAL, SLOT, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from shiboken6 import isValid

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


class TaskProgress(QProgressDialog):
    """The progress of one task. Unlike Qt's own, Cancel (the button, Escape, the window's close button) does not
    hide it: it says "Stopping…" and stays, modal, until the work has ended; a task that cannot stop ignores them.

    Signals:
        stop_requested(): the user asked a cancellable task to stop (once).
    """

    stop_requested = Signal()

    def __init__(self, label: str, parent: QWidget, *, cancellable: bool) -> None:
        super().__init__(parent)  # with Qt's Cancel button, and Escape for it
        self._cancellable = cancellable
        self.stopping = False
        self.setLabelText(label)
        self.setRange(0, 0)
        if cancellable:
            self.setCancelButtonText(self.tr("Cancel"))
        else:
            self.setCancelButton(None)  # backup and restore cannot be stopped halfway
        # Qt's cancel() would hide the dialog, and the modality with it: the button and Escape only ask to stop.
        QObject.disconnect(self, SIGNAL("canceled()"), self, SLOT("cancel()"))
        self.canceled.connect(self.request_stop)
        self.setAutoReset(False)  # the last step is not the end: the result is not delivered yet
        self.setAutoClose(False)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setMinimumWidth(420)

    def request_stop(self) -> None:
        if not self._cancellable or self.stopping:
            return
        self.stopping = True
        self.setLabelText(self.tr("Stopping…"))
        for button in self.findChildren(QPushButton):
            button.setEnabled(False)
        self.stop_requested.emit()

    def reject(self) -> None:  # Escape, where there is no Cancel button
        self.request_stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        event.ignore()
        self.request_stop()


class _Task(QObject):
    """Lives in the main thread; the worker emits `done`, which Qt queues to the main thread.

    Signals:
        done(result, error): emitted from the worker thread when the work returns or raises.
        moved(done, total): emitted from the worker thread by a cancellable work's progress calls.
    """

    done = Signal(object, object)
    moved = Signal(int, int)

    def __init__(self, parent: QWidget, label: str, on_success: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None], on_orphaned: Callable[[], None] | None) -> None:
        super().__init__()
        self.parent_widget = parent
        self._label = label
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_orphaned = on_orphaned
        self._progress: TaskProgress | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_progress)
        self._stop = threading.Event()
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.moved.connect(self._show_moved, Qt.ConnectionType.QueuedConnection)

    def start(self, work: Callable[..., Any], *, quiet: bool, cancellable: bool, at_once: bool) -> None:
        if cancellable:
            self._open_progress(cancellable=True)  # asked for, and long: the user sees it start
            _database_thread().start(lambda: self._run(lambda: work(self._report)))
            return
        if at_once:
            self._open_progress(cancellable=False)
        elif not quiet:
            self._timer.start(PROGRESS_DELAY_MS)
        _database_thread().start(lambda: self._run(work))

    def _report(self, done: int, total: int) -> bool:  # in the worker thread
        self.moved.emit(done, total)
        return not self._stop.is_set()

    def _run(self, work: Callable[[], Any]) -> None:  # in the worker thread
        # A full garbage collection rescans every object alive, with the GIL held: 100-170 ms with the program
        # loaded, a frozen window each time a long task (500 casebooks) sets one off. Frozen, the objects alive
        # before the task are left out of it (bench/casebooks.py: the longest stall 147 ms -> 25 ms); what the
        # task leaves behind is collected as usual once it ends. One worker thread: tasks never overlap.
        gc.freeze()
        try:
            result = work()
        except Exception as error:  # delivered to on_failure on the main thread
            self.done.emit(None, error)
        else:
            self.done.emit(result, None)
        finally:
            gc.unfreeze()

    @Slot()
    def _show_progress(self) -> None:
        if isValid(self.parent_widget):
            self._open_progress(cancellable=False)

    def _open_progress(self, *, cancellable: bool) -> None:
        self._progress = TaskProgress(self._label, self.parent_widget, cancellable=cancellable)
        self._progress.stop_requested.connect(self._stop.set)
        self._progress.show()

    def _progress_shown(self) -> TaskProgress | None:
        """The progress dialog, unless it has gone with the widget that asked for the work."""
        return self._progress if self._progress is not None and isValid(self._progress) else None

    @Slot(int, int)
    def _show_moved(self, done: int, total: int) -> None:
        progress = self._progress_shown()
        if progress is not None and not progress.stopping:
            progress.setMaximum(total)
            progress.setValue(min(done, total))

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._timer.stop()
        progress = self._progress_shown()
        if progress is not None:
            progress.reset()  # stops its own timer
            progress.hide()
            progress.deleteLater()
        self._progress = None
        _running.discard(self)
        if not isValid(self.parent_widget):  # closed by the program meanwhile: nobody to tell
            if self._on_orphaned is not None:
                self._on_orphaned()
        elif error is not None:
            self._on_failure(error)
        else:
            self._on_success(result)


def tasks_running() -> bool:
    """True while some work is in the database thread or its result is not delivered yet."""
    return bool(_running)


def running_for(widget: QWidget) -> bool:
    """True while work asked for by this widget (or one inside it) runs or its result is not delivered yet: the
    dialog must not close under it."""
    return any(isValid(task.parent_widget) and (task.parent_widget is widget or widget.isAncestorOf(
        task.parent_widget)) for task in _running)


def run_task(parent: QWidget, label: str, work: Callable[..., Any], on_success: Callable[[Any], None],
             on_failure: Callable[[BaseException], None] | None = None, *, quiet: bool = False,
             cancellable: bool = False, at_once: bool = False,
             on_orphaned: Callable[[], None] | None = None) -> None:
    """Run work() in the database thread; call on_success(result) or on_failure(error) on the main thread.

    Without on_failure, the error is reported by ui.messages (plain message, or crash dialog for a bug).
    `quiet` work the user did not ask for (the check at start) never shows the progress dialog over the window.
    `at_once` work the user waits for (a document for the printer) shows the progress dialog at once, not after
    PROGRESS_DELAY_MS.
    `cancellable` work is called as work(progress), progress being a `Progress` to call from the worker thread at
    each step: the dialog (shown at once) moves, and after Cancel progress returns False; the work then stops by
    raising its own error, which goes to on_failure like any other.
    `on_orphaned()` is called instead of either when `parent` has been deleted before the work ended.
    """
    task = _Task(parent, label, on_success, on_failure or (lambda error: messages.report(error, parent)),
                 on_orphaned)
    _running.add(task)
    task.start(work, quiet=quiet, cancellable=cancellable, at_once=at_once)
