"""The idle lock: after a while without input the window asks for the signed-in user's password again.

Nothing is closed or hidden, so every open dialog keeps what was being typed in it: each open window is covered by
a plain panel instead, and the lock dialog, modal over the whole application, waits for the password. The password
is checked on the UI thread (~90 ms, bench/login.py): a failure counts towards the lockout like a failed sign-in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.context import Context
from coordinator.errors import InputError, NotPermitted
from coordinator.security import signin
from ui.forms import FieldMessages, buddy_label, heading_label, lay_out_form, message_label, say, value_label
from ui.sign_in_forms import grow_with_messages, password_input

MINUTE_MS = 60_000
# What counts as the user being there: a key, a click, the wheel, a touch, the mouse moved over a window.
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})
WINDOW_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog)  # not popups, tooltips or menus


class Cover(QWidget):
    """A plain panel over all of a window's content while the program is locked; the window stays as it was."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self.setAutoFillBackground(True)
        shade = self.palette()
        shade.setColor(QPalette.ColorRole.Window, shade.color(QPalette.ColorRole.Mid))
        shade.setColor(QPalette.ColorRole.WindowText, shade.color(QPalette.ColorRole.BrightText))
        self.setPalette(shade)
        label = QLabel(self.tr("Locked: the data is hidden until the password is typed again."))
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        label.setWordWrap(True)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(label)
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._host and event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded):
            self.setGeometry(self._host.rect())
            self.raise_()
        return False


class LockDialog(QDialog):
    """Asks the signed-in user's password; Escape and the window's close button do nothing, Quit quits.

    Signals:
        quit_requested(): the user chose Quit instead of typing the password.
    """

    quit_requested = Signal()

    def __init__(self, ctx: Context, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Study Coordinator is locked"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(500)
        self.refusal = message_label()
        self.messages = FieldMessages(self.refusal)
        title = heading_label(1.3)
        title.setText(self.tr("Study Coordinator is locked"))
        self.intro = intro = value_label()
        intro.setText(" ".join(part for part in (reason, self.tr(
            "{name} ({login}) is signed in: type your password to go on. Whatever was open stays as it was.").format(
                name=ctx.user.full_name, login=ctx.user.login)) if part))
        self.password = password_input()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&Password:"), self.password), self.messages.beside("password", self.password))
        buttons = QDialogButtonBox()
        self.quit_button = buttons.addButton(self.tr("&Quit"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.quit_requested)
        self.unlock_button = buttons.addButton(self.tr("&Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        lay_out_form(self, title, intro, form, general=self.refusal, buttons=buttons)
        grow_with_messages(self)
        self.password.setFocus()

    def accept(self) -> None:
        """Unlock with the right password; a wrong one is said with the attempts left, a lockout leaves only Quit."""
        say(self.refusal, "")
        try:
            signin.confirm_password(self._ctx, self.password.text())
        except InputError as error:
            self.messages.show(error)
            return
        except NotPermitted as refused:
            self.messages.clear()
            self.password.clear()
            if signin.locked_out(self._ctx, self._ctx.user.login):
                say(self.refusal, self.tr("{refusal}\n\nOnly Quit is possible now.").format(refusal=refused.message))
                self.password.setEnabled(False)
                self.unlock_button.setEnabled(False)
                self.quit_button.setFocus()
            else:
                say(self.refusal, refused.message)
                self.password.setFocus()
            return
        super().accept()

    def reject(self) -> None:
        """Escape does not unlock."""

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        event.ignore()

    def say_cannot_quit(self, text: str) -> None:
        say(self.refusal, text)


class IdleLock(QObject):
    """Locks after `timeout_ms` without input in any window of the program, or at once with lock_now().

    Signals:
        locked(): the lock dialog is shown and the windows are covered.
        unlocked(): the right password was typed; the windows are as they were.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, ctx: Callable[[], Context], timeout_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self.dialog: LockDialog | None = None
        self._covers: list[Cover] = []
        self._focus: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._idle)
        self.set_timeout(timeout_ms)
        QApplication.instance().installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.start(timeout_ms)

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.dialog is None and event.type() in INPUT_EVENTS:
            self._timer.start()
        return False

    def _idle(self) -> None:
        minutes = max(1, round(self.timeout_ms / MINUTE_MS))
        if self.lock_now(self.tr("Locked after %n minute(s) without use.", "", minutes)) is None and not self.is_locked:
            self._timer.start()  # the window is not shown yet: count again

    def lock_now(self, reason: str = "") -> LockDialog | None:
        """Cover every open window and ask for the password; returns the lock dialog (None if the window is
        closed, or already locked)."""
        if self.dialog is not None or not self._window.isVisible():
            return None
        self._timer.stop()
        self._focus = QApplication.focusWidget()
        self._covers = [Cover(shown) for shown in QApplication.topLevelWidgets()
                        if shown.isVisible() and shown.windowType() in WINDOW_TYPES]
        dialog = LockDialog(self._ctx(), reason, self._window)
        dialog.accepted.connect(self._unlock)
        dialog.quit_requested.connect(self._quit)
        self.dialog = dialog
        dialog.show()
        dialog.activateWindow()
        self.locked.emit()
        return dialog

    def _unlock(self) -> None:
        self._end_lock()
        if self._focus is not None and isValid(self._focus):
            self._focus.window().activateWindow()
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus = None
        self._timer.start()
        self.unlocked.emit()

    def _quit(self) -> None:
        """Close the main window, as File > Quit does; it may refuse while a backup or restore is running."""
        dialog = self.dialog
        if not self._window.close():
            if dialog is not None:
                dialog.say_cannot_quit(self.tr("Please wait: a task is still running. Try Quit again in a moment."))
            return
        self._end_lock()

    def _end_lock(self) -> None:
        for cover in self._covers:
            if isValid(cover):  # gone with its window when that closed meanwhile
                cover.hide()
                cover.deleteLater()
        self._covers = []
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    def stop(self) -> None:
        """The window is closing: no more locking, and no more looking at every event."""
        self._timer.stop()
        QApplication.instance().removeEventFilter(self)
