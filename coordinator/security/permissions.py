"""Roles and what each may do. The services ask; a hidden button is a courtesy, this is the rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from coordinator.i18n import _


class Role(str, Enum):
    ADMINISTRATOR = "administrator"
    INVESTIGATOR = "investigator"
    COORDINATOR = "coordinator"
    MONITOR = "monitor"
    UNBLINDED = "unblinded"  # the statistician or pharmacist who may see an allocation list


class Permission(str, Enum):
    READ = "read"  # see, print and export study data (an export or print is logged)
    RECORD = "record study data"  # register, consent, screening values, status, enrollment, risk
    CONFIRM_ELIGIBILITY = "confirm eligibility"
    SIGN = "sign"  # electronic signatures on forms, confirmations and casebooks
    SEE_ALLOCATION_LIST = "see the allocation list"
    BACKUP = "back up"
    RESTORE = "restore"
    REVIEW_AUDIT = "review the audit trail"
    MANAGE_USERS = "manage users"
    MAINTAIN = "maintain"  # the program's own work: loading study files, generating allocation lists


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset({Permission.READ, Permission.BACKUP, Permission.RESTORE, Permission.REVIEW_AUDIT,
                                   Permission.MANAGE_USERS}),
    Role.INVESTIGATOR: frozenset({Permission.READ, Permission.RECORD, Permission.CONFIRM_ELIGIBILITY,
                                  Permission.SIGN, Permission.BACKUP, Permission.REVIEW_AUDIT}),
    Role.COORDINATOR: frozenset({Permission.READ, Permission.RECORD, Permission.BACKUP}),
    Role.MONITOR: frozenset({Permission.READ, Permission.REVIEW_AUDIT}),
    Role.UNBLINDED: frozenset({Permission.READ, Permission.SEE_ALLOCATION_LIST}),
}
GLOBAL_ROLES = frozenset({Role.ADMINISTRATOR})  # held on every study or not at all

ROLE_NAMES = {
    Role.ADMINISTRATOR: _("administrator"), Role.INVESTIGATOR: _("investigator"),
    Role.COORDINATOR: _("coordinator"), Role.MONITOR: _("monitor"), Role.UNBLINDED: _("unblinded"),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    study: str | None  # None: every study


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user with their current roles, or the program itself."""

    login: str
    full_name: str
    grants: frozenset[Grant] = field(default_factory=frozenset)
    must_change_password: bool = False
    program: bool = False  # the program's own work at start; never a person

    def may(self, permission: Permission, study: str | None = None) -> bool:
        """A permission on one study, or with `study` None on at least one study."""
        if self.program:
            return True
        if self.must_change_password:
            return False
        return any(
            permission in ROLE_PERMISSIONS[grant.role] and (study is None or grant.study in (None, study))
            for grant in self.grants
        )

    def studies_with(self, permission: Permission) -> frozenset[str] | None:
        """The studies on which the permission is held, for a query to keep to them; None: every study (the
        program, or a role on every study), so no filter at all. The same rule as `may`, as a set."""
        if self.program:
            return None
        if self.must_change_password:
            return frozenset()
        studies = set()
        for grant in self.grants:
            if permission in ROLE_PERMISSIONS[grant.role]:
                if grant.study is None:
                    return None
                studies.add(grant.study)
        return frozenset(studies)

    def roles(self) -> set[Role]:
        return {grant.role for grant in self.grants}


PROGRAM = Principal("program", "Study Coordinator", program=True)
NOBODY = Principal("", "")  # before sign-in: may do nothing


def refusal(principal: Principal, permission: Permission, study: str | None) -> str:
    """The message for a refused action, in the coordinator's words."""
    if not principal.login:
        return _("Sign in first.")
    if principal.must_change_password:
        return _("{name} must change their password before doing anything else.").format(name=principal.full_name)
    if study:
        return _("{name} may not {action} in {study}: no role on this study allows it.").format(
            name=principal.full_name, action=_(permission.value), study=study)
    return _("{name} may not {action}: no role allows it.").format(
        name=principal.full_name, action=_(permission.value))
