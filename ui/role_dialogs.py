"""Granting a role to an account and revoking one: each change stays in the account's role history with who made
it and when (a revoked grant is closed, never removed)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from coordinator.context import Context
from coordinator.security import accounts
from coordinator.security.accounts import Account
from coordinator.security.permissions import ROLE_NAMES, Grant, Role
from coordinator.studies.catalogue import StudySummary
from ui.account_form import AccountChangeDialog
from ui.role_choice import abilities_label, hold_on_every_study, role_abilities, study_combo
from ui.users_model import current_roles_text, grant_text


class GrantRoleDialog(AccountChangeDialog):
    """One more role for the account, on one study or on every study."""

    def __init__(self, ctx: Context, account: Account, studies: list[StudySummary],
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Grant a role"), self.tr("&Grant role"), parent)
        self.login = account.login
        self.intro.setText(self.tr("Give {name} ({login}) a role. Roles held now: {roles}.").format(
            name=account.full_name, login=account.login, roles=current_roles_text(account)))
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(ROLE_NAMES[role], role.value)
        self.abilities = abilities_label()
        self.study = study_combo(studies)
        self.role.currentIndexChanged.connect(self._role_chosen)
        self.add_row(self.tr("&Role:"), "role", self.role, self.abilities)
        self.add_row(self.tr("&Study:"), "study", self.study)
        self.role.setCurrentIndex(self.role.findData(Role.COORDINATOR.value))
        self._role_chosen()
        self.finish_layout()

    def _role_chosen(self) -> None:
        role = Role(self.role.currentData())
        self.abilities.setText(role_abilities(role))
        hold_on_every_study(role, self.study)

    def apply(self) -> str:
        role = Role(self.role.currentData())
        study = self.study.currentData()
        accounts.grant(self._ctx, self.login, role.value, study)
        return self.tr("{login} now holds the role {role}.").format(login=self.login,
                                                                    role=grant_text(Grant(role, study)))


class RevokeRoleDialog(AccountChangeDialog):
    """One of the roles the account holds now, taken back."""

    def __init__(self, ctx: Context, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Revoke a role"), self.tr("Re&voke role"), parent)
        self.login = account.login
        self.intro.setText(self.tr(
            "Take a role back from {name} ({login}). The role stays in the role history, with who revoked it and "
            "when.").format(name=account.full_name, login=account.login))
        self._held = account.current_roles()
        self.role = QComboBox()
        self.role.addItems([grant_text(line) for line in self._held])
        self.add_row(self.tr("&Role:"), "role", self.role)
        self.finish_layout()

    def apply(self) -> str:
        held = self._held[self.role.currentIndex()]
        accounts.revoke(self._ctx, self.login, held.role.value, held.study)
        return self.tr("{login} no longer holds the role {role}.").format(login=self.login,
                                                                          role=grant_text(held))
