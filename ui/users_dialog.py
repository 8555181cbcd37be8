"""The administrator's window for accounts (File > Users…): every account with its state and roles, the role history
of the selected one, adding a user, granting and revoking roles, resetting a password, deactivating an account, and
the sign-in settings, so that a site never needs the command line to manage its users.

Nothing is ever deleted: a deactivated account keeps its id, its history and its signatures. The rules (the last
administrator, one's own account, an id already taken, the password policy) are the services'; the window says
their refusals in words, and greys what cannot be done for the selected account with the reason in the tooltip.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import CoordinatorError
from coordinator.security import accounts
from coordinator.security.accounts import Account
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from ui.account_form import AccountChangeDialog, AddUserDialog, ResetPasswordDialog
from ui.forms import ERROR_STYLE, heading_label, message_label, say, value_label
from ui.role_dialogs import GrantRoleDialog, RevokeRoleDialog
from ui.screening_log_dialog import SUCCESS_STYLE
from ui.sign_in_settings import SignInSettingsBox
from ui.signed_in_user import permit
from ui.tables import set_up_read_only_table
from ui.users_model import COLUMNS, HISTORY_COLUMNS, AccountsModel, RoleHistoryModel

COLUMN_WIDTHS = {"login": "administrator", "name": "Marie-Christine Dupont-Martin",
                 "state": "locked until 2026-11-21 10:45"}
HISTORY_WIDTHS = {"role": "administrator", "study": "every study", "granted": "2026-11-21 10:30",
                  "granted_by": "administrator", "revoked": "2026-11-21 10:30"}


def _set_widths(table: QTableView, columns: tuple[str, ...], samples: dict[str, str]) -> None:
    """Widths from a sample of each column's text, the last column taking what is left."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    for name, sample in samples.items():
        header.resizeSection(columns.index(name), metrics.horizontalAdvance(sample) + 24)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


class UsersDialog(QDialog):
    """Opened by an administrator.

    Signals:
        settings_saved(SecuritySettings): the sign-in settings changed; the window applies the idle time.
    """

    settings_saved = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._studies = catalogue.summaries(ctx)
        self.deactivate_question: QMessageBox | None = None
        self.setWindowTitle(self.tr("Users"))
        self.resize(1180, 760)
        heading = heading_label(1.25)
        heading.setText(self.tr("Users"))
        about = value_label()
        about.setText(self.tr(
            "Every account ever made, by user id. An account is never deleted: deactivated, it can no longer sign "
            "in but keeps its id (never given to anyone else), its role history and its signatures."))

        self.model = AccountsModel(self)
        self.accounts = QTableView()
        self.accounts.setModel(self.model)
        set_up_read_only_table(self.accounts)
        _set_widths(self.accounts, COLUMNS, COLUMN_WIDTHS)
        self.accounts.selectionModel().currentRowChanged.connect(self._selected)

        self.add_button = self._button(self.tr("&Add user…"), self.tr("A new account with its roles"),
                                       self.add_user)
        self.grant_button = self._button(self.tr("&Grant role…"), self.tr("One more role, on one study or every "
                                                                          "study"), self.grant_role)
        self.revoke_button = self._button(self.tr("Re&voke role…"), self.tr("Take back one of the roles held now"),
                                          self.revoke_role)
        self.reset_button = self._button(self.tr("&Reset password…"), self.tr(
            "A new password, to be changed at the next sign-in; also ends a lockout"), self.reset_password)
        self.deactivate_button = self._button(self.tr("&Deactivate…"), self.tr(
            "The account can no longer sign in; its id, history and signatures stay"), self.deactivate)
        side = QVBoxLayout()
        for button in (self.add_button, self.grant_button, self.revoke_button, self.reset_button):
            side.addWidget(button)
        side.addSpacing(12)
        side.addWidget(self.deactivate_button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.accounts, 1)
        top.addLayout(side)
        self.outcome = message_label(SUCCESS_STYLE)

        self.history_title = heading_label(1.0)
        self.history_model = RoleHistoryModel(self)
        self.history = QTableView()
        self.history.setModel(self.history_model)
        set_up_read_only_table(self.history)
        self.history.setSelectionMode(QTableView.SelectionMode.NoSelection)
        _set_widths(self.history, HISTORY_COLUMNS, HISTORY_WIDTHS)
        self.history_title.setBuddy(self.history)
        history = QVBoxLayout()
        history.addWidget(self.history_title)
        history.addWidget(self.history, 1)
        self.settings_box = SignInSettingsBox(ctx)
        self.settings_box.setMaximumWidth(460)
        self.settings_box.saved.connect(self.settings_saved)
        bottom = QHBoxLayout()
        bottom.addLayout(history, 1)
        bottom.addSpacing(8)
        bottom.addWidget(self.settings_box)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addSpacing(4)
        layout.addLayout(top, 3)
        layout.addWidget(self.outcome)
        layout.addSpacing(4)
        layout.addLayout(bottom, 2)
        layout.addWidget(buttons)
        self.reload(ctx.actor)
        self.accounts.setFocus()

    def _button(self, text: str, tooltip: str, clicked: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tooltip)
        button.setAutoDefault(False)
        button.clicked.connect(clicked)
        return button

    def selected(self) -> Account | None:
        index = self.accounts.currentIndex()
        return self.model.account(index.row()) if index.isValid() else None

    def reload(self, login: str | None = None) -> None:
        """Read the accounts again, keeping `login` (or the one selected) selected."""
        wanted = login or (current.login if (current := self.selected()) else None)
        self.model.set_accounts(accounts.accounts(self._ctx), self._ctx.now())
        row = self.model.row_of(wanted) if wanted else None
        if row is None and self.model.row_total():
            row = 0
        if row is not None:
            self.accounts.selectRow(row)
        self._selected(self.accounts.currentIndex())

    def _selected(self, index: QModelIndex) -> None:
        account = self.model.account(index.row()) if index.isValid() else None
        if account is None:
            self.history_title.setText(self.tr("Role history"))
            self.history_model.set_grants([])
        else:
            self.history_title.setText(self.tr("Role history of {name} ({login})").format(
                name=account.full_name, login=account.login))
            self.history_model.set_grants(account.grants)
        self._apply_account(account)

    def _apply_account(self, account: Account | None) -> None:
        """What can be done for the selected account; greyed with the reason otherwise."""
        ctx = self._ctx
        permit(self.add_button, ctx, Permission.MANAGE_USERS)
        none = self.tr("Select an account first.")
        active = account is not None and account.active
        inactive = none if account is None else self.tr("The account {login} is deactivated.").format(
            login=account.login)
        for button in (self.grant_button, self.reset_button):
            permit(button, ctx, Permission.MANAGE_USERS, possible=active, why_not=inactive)
        held = account is not None and bool(account.current_roles())
        permit(self.revoke_button, ctx, Permission.MANAGE_USERS, possible=held, why_not=none if account is None else
               self.tr("{login} holds no role now.").format(login=account.login))
        own = account is not None and account.login == ctx.actor
        permit(self.deactivate_button, ctx, Permission.MANAGE_USERS, possible=active and not own,
               why_not=self.tr("You cannot deactivate your own account.") if own and active else inactive)

    def _say(self, text: str, style: str = SUCCESS_STYLE) -> None:
        self.outcome.setStyleSheet(style)
        say(self.outcome, text)

    def _open_form(self, form: AccountChangeDialog) -> AccountChangeDialog:
        """Open a form over this window; once it has done its change, show the accounts again and say what."""
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._changed(form.outcome, form.login))
        self._say("")
        form.open()
        return form

    def _changed(self, outcome: str, login: str) -> None:
        self.reload(login)
        self._say(outcome)

    def add_user(self) -> AccountChangeDialog:
        return self._open_form(AddUserDialog(self._ctx, self._studies, self))

    def grant_role(self) -> AccountChangeDialog | None:
        account = self.selected()
        if account is None:
            return None
        return self._open_form(GrantRoleDialog(self._ctx, account, self._studies, self))

    def revoke_role(self) -> AccountChangeDialog | None:
        account = self.selected()
        if account is None:
            return None
        return self._open_form(RevokeRoleDialog(self._ctx, account, self))

    def reset_password(self) -> AccountChangeDialog | None:
        account = self.selected()
        if account is None:
            return None
        return self._open_form(ResetPasswordDialog(self._ctx, account, self))

    def deactivate(self) -> QMessageBox | None:
        """Ask, naming the person; the answer button says what it does."""
        account = self.selected()
        if account is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Deactivate an account"), self.tr(
            "Deactivate the account of {name} ({login})?").format(name=account.full_name, login=account.login),
            QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(self.tr(
            "{name} will no longer be able to sign in. The user id, the role history and the signatures stay; the "
            "account cannot be used again, and the id is never given to anyone else.").format(name=account.full_name))
        yes = box.addButton(self.tr("Deactivate {name}").format(name=account.full_name),
                            QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        login = account.login
        box.finished.connect(lambda _result: self._deactivate(login) if box.clickedButton() == yes else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.deactivate_question = box
        self._say("")
        box.open()
        return box

    def _deactivate(self, login: str) -> None:
        self.deactivate_question = None
        try:
            accounts.deactivate(self._ctx, login)
        except CoordinatorError as refused:  # the last administrator, one's own account, a role lost meanwhile
            self._say(refused.message, ERROR_STYLE)
            return
        self.reload(login)
        self._say(self.tr("Account {login} deactivated.").format(login=login))
