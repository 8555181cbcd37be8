"""What the user is told when something goes wrong: the one place that turns an error into a message.

Three kinds, kept apart: bad input (InputError) is explained (beside its field when a form catches it, see
ui.forms, otherwise in a message box); the machine in the way (EnvironmentProblem: disk full, file locked,
read-only folder) or a refusal of the user's roles (NotPermitted) gets a plain message; anything else is a bug and
opens the crash dialog.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from coordinator.crash import crash_details, write_crash_report
from coordinator.errors import CoordinatorError, EnvironmentProblem, InputError, NotPermitted
from ui.crash_dialog import CrashDialog

_shown: set[QDialog] = set()


def _keep_until_closed(dialog: QDialog) -> None:
    """A message without a parent window belongs to Python: hold it until the user closes it."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _shown.add(dialog)
    dialog.finished.connect(lambda _result: _shown.discard(dialog))


def app_title() -> str:
    return QCoreApplication.translate("messages", "Study Coordinator")


def report(error: BaseException, parent: QWidget | None = None) -> QWidget:
    """Tell the user about an error that reached the top of an action; returns the window shown."""
    if isinstance(error, InputError):
        return _message_box(QMessageBox.Icon.Information, error.message, parent)
    if isinstance(error, (EnvironmentProblem, NotPermitted)):  # the machine, or the user's roles, in the way
        return _message_box(QMessageBox.Icon.Warning, error.message, parent)
    return show_crash(error, parent)


def show_crash(error: BaseException, parent: QWidget | None = None) -> CrashDialog:
    """Open the crash dialog (not blocking) after writing the crash report file."""
    dialog = CrashDialog(crash_details(error), write_crash_report(error), parent)
    _keep_until_closed(dialog)
    dialog.show()
    return dialog


def tell_at_start(problem: CoordinatorError) -> None:
    """The database cannot be opened: there is no window yet, so a plain blocking message."""
    QMessageBox.critical(None, app_title(), problem.message)


def crash_at_start(error: BaseException) -> None:
    """A bug before the window exists: the crash dialog, waited for, instead of a traceback."""
    show_crash(error).exec()


def _message_box(icon: QMessageBox.Icon, text: str, parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(icon, app_title(), text, QMessageBox.StandardButton.Ok, parent)
    _keep_until_closed(box)
    box.open()
    return box


def excepthook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """Errors escaping a slot end here (PySide6 hands them to sys.excepthook) instead of a traceback on stderr."""
    if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not ours to explain
        sys.__excepthook__(kind, error, trace)
        return
    report(error, QApplication.activeWindow())


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Route uncaught errors to `excepthook` for the duration of the block, then restore the previous hook."""
    previous = sys.excepthook
    sys.excepthook = excepthook
    try:
        yield
    finally:
        sys.excepthook = previous
