"""Changing one's own password: at the first sign-in after an administrator set it (forced: cancel quits), or
whenever the user wishes.

The change runs in the database thread (ui.tasks): it checks the current password and hashes the new one, two
argon2 computations, ~180 ms here (bench/login.py times one), more than a click should freeze the window.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QWidget

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.security import accounts, passwords
from coordinator.security.permissions import Principal
from ui import messages
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, say, value_label
from ui.sign_in_forms import HINT_STYLE, check_repeated, grow_with_messages, password_input, policy_hint
from ui.tasks import run_task


class PasswordDialog(QDialog):
    """Current password, the new one twice; accepted once the new password is stored."""

    def __init__(self, ctx: Context, *, forced: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Change your password"))
        self.setMinimumWidth(520)
        general = message_label()
        self.messages = FieldMessages(general)
        self.intro = intro = value_label()
        user = ctx.user
        if forced:
            intro.setText(self.tr("{name} ({login}): an administrator set your password. Choose your own before "
                                  "you start; nobody else should know it.").format(name=user.full_name,
                                                                                     login=user.login))
        else:
            intro.setText(self.tr("{name} ({login}): choose a new password.").format(name=user.full_name,
                                                                                     login=user.login))
        self.current_password = password_input()
        self.new_password = password_input()
        self.new_again = password_input()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("C&urrent password:"), self.current_password),
                    self.messages.beside("current_password", self.current_password))
        new = self.messages.beside("new_password", self.new_password)
        new.layout().addWidget(policy_hint())
        form.addRow(buddy_label(self.tr("&New password:"), self.new_password), new)
        form.addRow(buddy_label(self.tr("New password &again:"), self.new_again),
                    self.messages.beside("new_again", self.new_again))
        self.working = value_label()
        self.working.setStyleSheet(HINT_STYLE)
        self.working.hide()
        buttons, self.change_button = accept_buttons(self, self.tr("&Change password"))
        self.cancel_button = buttons.button(buttons.StandardButton.Cancel)
        if forced:
            self.cancel_button.setText(self.tr("&Quit"))
        lay_out_form(self, intro, form, self.working, general=general, buttons=buttons)
        grow_with_messages(self)
        self._busy = False

    def accept(self) -> None:
        """Check what can be checked here, then change the password in the database thread."""
        if self._busy:
            return
        current, new = self.current_password.text(), self.new_password.text()
        login = self._ctx.user.login
        try:  # the policy is said at once; the service checks it again, with the current password
            passwords.check_policy(login, new, field="new_password")
            check_repeated(login, new, self.new_again.text(), field="new_password", again_field="new_again")
        except InputError as error:
            self.messages.show(error)
            return
        self.messages.clear()
        self._set_busy(True)
        ctx = self._ctx
        run_task(self, self.tr("Changing the password…"), lambda: accounts.change_password(ctx, current, new),
                 self._changed, self._refused)

    def reject(self) -> None:
        if not self._busy:  # the change is under way: its result decides
            super().reject()

    def _changed(self, _principal: Principal) -> None:
        self._set_busy(False)
        super().accept()

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, InputError):
            self.messages.show(error)
        else:
            messages.report(error, self)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        say(self.working, self.tr("Changing the password…") if busy else "")
        for widget in (self.current_password, self.new_password, self.new_again, self.change_button,
                       self.cancel_button):
            widget.setEnabled(not busy)
