"""The first start of a database without accounts: its administrator is created before anyone can sign in.

The account is created on the UI thread: hashing the password and writing the account take ~90 ms here
(bench/login.py measures the same hash), below the ~150 ms a click may take without feeling stuck.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLineEdit, QWidget

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.security import accounts
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, value_label
from ui.sign_in_forms import check_repeated, grow_with_messages, password_input, policy_hint


class FirstAdminDialog(QDialog):
    """Asks for the administrator's user id, full name and password; `login` is the id created."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.login = ""
        self.setWindowTitle(self.tr("Create the administrator"))
        self.setMinimumWidth(560)
        general = message_label()
        self.messages = FieldMessages(general)
        intro = value_label()
        intro.setText(self.tr(
            "This database has no accounts yet. Create the administrator's account: the administrator adds the "
            "other users and gives them their roles. Every change to the data is recorded with the name of the "
            "person who made it."))
        self.user_id = QLineEdit()
        self.user_id.setPlaceholderText(self.tr("e.g. mdupont"))
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText(self.tr("printed with every signature"))
        self.password = password_input()
        self.password_again = password_input()
        self.also_investigator = QCheckBox(self.tr("I also run the studies (investigator and coordinator on "
                                                   "every study)"))
        self.also_investigator.setChecked(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&User id:"), self.user_id), self.messages.beside("login", self.user_id))
        form.addRow(buddy_label(self.tr("&Full name:"), self.full_name), self.messages.beside("name", self.full_name))
        password = self.messages.beside("password", self.password)
        password.layout().addWidget(policy_hint())
        form.addRow(buddy_label(self.tr("&Password:"), self.password), password)
        form.addRow(buddy_label(self.tr("Password &again:"), self.password_again),
                    self.messages.beside("password_again", self.password_again))
        form.addRow("", self.also_investigator)
        buttons, self.create_button = accept_buttons(self, self.tr("&Create account"))
        lay_out_form(self, intro, form, general=general, buttons=buttons)
        grow_with_messages(self)

    def accept(self) -> None:
        """Create the account, or keep the dialog open with the message beside the field at fault."""
        login, password = self.user_id.text(), self.password.text()
        try:
            check_repeated(login, password, self.password_again.text(), field="password",
                           again_field="password_again")
            accounts.create_first_administrator(self._ctx, login, self.full_name.text(), password,
                                                also_investigator=self.also_investigator.isChecked())
        except InputError as error:
            self.messages.show(error)
            return
        self.login = login.strip().lower()
        super().accept()
