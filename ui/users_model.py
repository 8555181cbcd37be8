"""The accounts as the administrator's window shows them: one row per account ever made, and the role history of the
selected one. Held in memory: a site has tens of accounts, not the thousands of rows the lazy tables are for."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from coordinator.security.accounts import Account, GrantLine
from coordinator.security.permissions import ROLE_NAMES, Grant, Principal
from ui.formats import show_utc_stamp
from ui.signed_in_user import roles_text
from ui.tables import Index, NamedColumnsModel

COLUMNS = ("login", "name", "state", "roles")
HISTORY_COLUMNS = ("role", "study", "granted", "granted_by", "revoked", "revoked_by")


def _tr(text: str) -> str:
    return QCoreApplication.translate("users_model", text)


def locked_now(account: Account, now: datetime) -> bool:
    """A lockout that has not run out yet (an expired one stays stored until the next successful sign-in)."""
    until = account.locked_until
    return until is not None and datetime.fromisoformat(until.replace("Z", "+00:00")) > now


def state_text(account: Account, now: datetime) -> str:
    """What stops the account from working, the most blocking first."""
    if not account.active:
        return _tr("deactivated")
    if locked_now(account, now):
        assert account.locked_until is not None
        return _tr("locked until {time}").format(time=show_utc_stamp(account.locked_until))
    if account.must_change_password:
        return _tr("must change password")
    return _tr("active")


def study_text(study: str | None) -> str:
    return study or _tr("every study")


def grant_text(role_line: GrantLine | Grant) -> str:
    """"coordinator on MILA", "monitor on every study"."""
    return _tr("{role} on {study}").format(role=ROLE_NAMES[role_line.role], study=study_text(role_line.study))


def current_roles_text(account: Account) -> str:
    """The roles held now, as the status bar says them for the signed-in user: "administrator, coordinator (MILA)"."""
    grants = frozenset(Grant(line.role, line.study) for line in account.current_roles())
    return roles_text(Principal(account.login, account.full_name, grants))


class AccountsModel(NamedColumnsModel):
    """Every account by user id; a deactivated one is greyed, as it can no longer sign in."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self._accounts: list[Account] = []
        self._now = datetime.now().astimezone()
        self.titles = {"login": self.tr("User id"), "name": self.tr("Full name"), "state": self.tr("State"),
                       "roles": self.tr("Current roles")}

    def set_accounts(self, accounts: list[Account], now: datetime) -> None:
        self.beginResetModel()
        self._accounts = accounts
        self._now = now
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._accounts)

    def account(self, row: int) -> Account:
        return self._accounts[row]

    def row_of(self, login: str) -> int | None:
        return next((row for row, account in enumerate(self._accounts) if account.login == login), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        account = self._accounts[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if account.active else QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = COLUMNS[index.column()]
        if column == "login":
            return account.login
        if column == "name":
            return account.full_name
        if column == "state":
            return state_text(account, self._now)
        return current_roles_text(account)  # "no role" when every role was revoked


class RoleHistoryModel(NamedColumnsModel):
    """One account's grants, oldest first, each with its revocation when there was one: who and when, both."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(HISTORY_COLUMNS, parent)
        self._grants: list[GrantLine] = []
        self.titles = {"role": self.tr("Role"), "study": self.tr("Study"), "granted": self.tr("Granted"),
                       "granted_by": self.tr("Granted by"), "revoked": self.tr("Revoked"),
                       "revoked_by": self.tr("Revoked by")}

    def set_grants(self, grants: list[GrantLine]) -> None:
        self.beginResetModel()
        self._grants = list(grants)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._grants)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        line = self._grants[index.row()]
        values = {
            "role": ROLE_NAMES[line.role], "study": study_text(line.study),
            "granted": show_utc_stamp(line.granted_at), "granted_by": line.granted_by,
            "revoked": show_utc_stamp(line.revoked_at) if line.revoked_at else "",
            "revoked_by": line.revoked_by or "",
        }
        return values[HISTORY_COLUMNS[index.column()]]
