"""Signing in at start: user id and password; a refusal (wrong password, locked, deactivated) is said in the dialog.

The check runs on the UI thread: argon2 and the audited sign-in take ~90 ms here (bench/login.py), below the
~150 ms a click may take without feeling stuck, and nothing else is on screen to keep responsive.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QWidget

from coordinator.context import Context
from coordinator.errors import InputError, NotPermitted
from coordinator.security import signin
from ui.forms import (
    FieldMessages,
    accept_buttons,
    buddy_label,
    heading_label,
    lay_out_form,
    message_label,
    say,
    value_label,
)
from ui.main_window import database_location
from ui.sign_in_forms import HINT_STYLE, grow_with_messages, password_input


class SignInDialog(QDialog):
    """On success ctx.user is the signed-in principal (see coordinator.security.signin.sign_in)."""

    def __init__(self, ctx: Context, login: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Sign in"))
        self.setMinimumWidth(480)
        self.refusal = message_label()
        self.messages = FieldMessages(self.refusal)
        title = heading_label(1.3)
        title.setText(self.tr("Study Coordinator"))
        database = value_label()
        database.setStyleSheet(HINT_STYLE)
        database.setText(self.tr("Database: {location}").format(location=database_location(ctx.url)))
        self.user_id = QLineEdit(login)
        self.password = password_input()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&User id:"), self.user_id), self.messages.beside("login", self.user_id))
        form.addRow(buddy_label(self.tr("&Password:"), self.password), self.messages.beside("password", self.password))
        buttons, self.sign_in_button = accept_buttons(self, self.tr("&Sign in"))
        self.quit_button = buttons.button(buttons.StandardButton.Cancel)
        self.quit_button.setText(self.tr("&Quit"))
        lay_out_form(self, title, database, form, general=self.refusal, buttons=buttons)
        grow_with_messages(self)
        (self.password if login else self.user_id).setFocus()

    def accept(self) -> None:
        """Sign in, or say why not and let the user try again with the password field emptied."""
        say(self.refusal, "")
        try:
            signin.sign_in(self._ctx, self.user_id.text(), self.password.text())
        except InputError as error:
            self.messages.show(error)
            return
        except NotPermitted as refused:
            self.messages.clear()
            say(self.refusal, refused.message)
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()
