"""The site's sign-in settings in the administrator's window: lockout after failed sign-ins, and the idle lock.

Signals travel up so the window that is open applies a new idle time at once; the lockout needs nothing of the
kind, as every sign-in reads the settings afresh.
"""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from coordinator.context import Context
from coordinator.errors import CoordinatorError, InputError
from coordinator.security import settings
from coordinator.security.settings import SecuritySettings
from ui.forms import ERROR_STYLE, FieldMessages, buddy_label, message_label, say, value_label
from ui.screening_log_dialog import SUCCESS_STYLE
from ui.sign_in_forms import HINT_STYLE


class SignInSettingsBox(QGroupBox):
    """Three numbers and Save; each change is audited with its old and new value.

    Signals:
        saved(SecuritySettings): the settings as stored after Save changed at least one.
    """

    saved = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Sign-in settings"), parent)
        self._ctx = ctx
        self.general = message_label()
        self.messages = FieldMessages(self.general)
        texts = {"lockout_attempts": self.tr("Failed &attempts before lockout:"),
                 "lockout_minutes": self.tr("&Lockout (minutes):"),
                 "idle_lock_minutes": self.tr("&Idle lock after (minutes):")}
        self.fields: dict[str, QSpinBox] = {}
        form = QFormLayout()
        for name, (low, high) in settings.LIMITS.items():
            field = QSpinBox()
            field.setRange(low, high)
            field.setAccelerated(True)
            self.fields[name] = field
            form.addRow(buddy_label(texts[name], field), self.messages.beside(name, field))
        hint = value_label()
        hint.setStyleSheet(HINT_STYLE)
        hint.setText(self.tr("The lockout applies from the next sign-in. The idle lock of this window changes at "
                             "once; other computers using this database take it at their next start."))
        self.save_button = QPushButton(self.tr("&Save settings"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.outcome = message_label(SUCCESS_STYLE)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general)
        layout.addStretch(1)
        layout.addWidget(self.outcome)
        layout.addLayout(row)
        self.show_settings(settings.load(ctx))

    def show_settings(self, current: SecuritySettings) -> None:
        for name, value in asdict(current).items():
            self.fields[name].setValue(value)

    def save(self) -> None:
        """Store the numbers shown; say what happened above the Save button."""
        wanted = {name: field.value() for name, field in self.fields.items()}
        before = settings.load(self._ctx)
        self.messages.clear()
        try:
            stored = settings.change(self._ctx, **wanted)
        except InputError as error:
            self.messages.show(error)
            return
        except CoordinatorError as refused:
            self.outcome.setStyleSheet(ERROR_STYLE)
            say(self.outcome, refused.message)
            return
        self.show_settings(stored)
        self.outcome.setStyleSheet(SUCCESS_STYLE)
        if stored == before:
            say(self.outcome, self.tr("Nothing to save: the settings were already these."))
            return
        say(self.outcome, self.tr("Settings saved."))
        self.saved.emit(stored)
