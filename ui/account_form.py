"""The administrator's forms that change one account: add a user, reset a password (and, in ui.role_dialogs, grant
and revoke a role). Each says what it will do, applies it with one click and stays open with the refusal beside the
field at fault (id taken, password policy, last administrator), or under the form when it is not about one field.

A click hashes at most one password (add, reset), ~0.1 s with argon2 (bench/login.py): on the UI thread, as the
first administrator's form does, below the ~150 ms a click may take without feeling stuck.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from coordinator.context import Context
from coordinator.errors import CoordinatorError, InputError
from coordinator.security import accounts
from coordinator.security.accounts import Account
from coordinator.studies.catalogue import StudySummary
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, say, value_label
from ui.role_choice import RolePicker
from ui.sign_in_forms import HINT_STYLE, check_repeated, grow_with_messages, password_input, policy_hint


class AccountChangeDialog(QDialog):
    """An intro, a form, one button that applies the change; `outcome` then says what was done, for the list."""

    def __init__(self, ctx: Context, title: str, accept_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.outcome = ""
        self.login = ""  # the account changed, or created
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.general = message_label()
        self.messages = FieldMessages(self.general)
        self.intro = value_label()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.buttons, self.accept_button = accept_buttons(self, accept_text)

    def add_row(self, text: str, field: str, widget: QWidget, hint: QLabel | None = None) -> None:
        """A labelled field with its message label under it (and a hint under that)."""
        container = self.messages.beside(field, widget)
        if hint is not None:
            container.layout().addWidget(hint)
        self.form.addRow(buddy_label(text, widget), container)

    def add_password_rows(self, text: str) -> None:
        """The password and the same again, the policy said before typing."""
        self.password = password_input()
        self.password_again = password_input()
        self.add_row(text, "password", self.password, policy_hint())
        self.add_row(self.tr("Password &again:"), "password_again", self.password_again)

    def check_password_typed_twice(self, login: str) -> None:
        check_repeated(login, self.password.text(), self.password_again.text(), field="password",
                       again_field="password_again")

    def finish_layout(self) -> None:
        lay_out_form(self, self.intro, self.form, general=self.general, buttons=self.buttons)
        grow_with_messages(self)

    def apply(self) -> str:
        """Make the change through its service; returns what was done, in words."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            outcome = self.apply()
        except InputError as error:
            self.messages.show(error)
            return
        except CoordinatorError as refused:  # the user's roles (changed meanwhile) or the machine in the way
            self.messages.clear()
            say(self.general, refused.message)
            return
        self.outcome = outcome
        super().accept()


class AddUserDialog(AccountChangeDialog):
    """A new account: id, full name, initial password, one or more roles; `login` is the id created."""

    def __init__(self, ctx: Context, studies: list[StudySummary], parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Add a user"), self.tr("&Add user"), parent)
        self.intro.setText(self.tr(
            "The new user signs in with this initial password and must then choose their own: give it to them in "
            "person. A user id is never given to anyone else, even after the account is deactivated."))
        self.user_id = QLineEdit()
        self.user_id.setPlaceholderText(self.tr("e.g. bmartin"))
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText(self.tr("printed with every signature"))
        self.setMinimumWidth(780)  # the roles' abilities on one or two lines
        self.roles = RolePicker(studies)
        self.add_row(self.tr("&User id:"), "login", self.user_id)
        self.add_row(self.tr("&Full name:"), "name", self.full_name)
        self.add_password_rows(self.tr("Initial &password:"))
        more = value_label()
        more.setStyleSheet(HINT_STYLE)
        more.setText(self.tr("One study per role here; Grant role… adds more studies afterwards."))
        self.add_row(self.tr("&Roles:"), "role", self.roles, more)
        self.finish_layout()

    def apply(self) -> str:
        login = self.user_id.text()
        self.check_password_typed_twice(login)
        accounts.add_user(self._ctx, login, self.full_name.text(), self.password.text(), self.roles.chosen())
        self.login = login.strip().lower()
        return self.tr("Account {login} created; the initial password is to be changed at the first "
                       "sign-in.").format(login=self.login)


class ResetPasswordDialog(AccountChangeDialog):
    """A new password set by an administrator, for a user who forgot theirs or was locked out."""

    def __init__(self, ctx: Context, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Reset a password"), self.tr("&Reset password"), parent)
        self.login = account.login
        self.intro.setText(self.tr(
            "A new password for {name} ({login}). {name} must change it at the next sign-in, so give it to them in "
            "person. Resetting also ends a lockout after failed sign-ins.").format(
                name=account.full_name, login=account.login))
        self.add_password_rows(self.tr("New &password:"))
        self.finish_layout()

    def apply(self) -> str:
        self.check_password_typed_twice(self.login)
        accounts.reset_password(self._ctx, self.login, self.password.text())
        return self.tr("Password of {login} reset: to be changed at the next sign-in.").format(login=self.login)
