"""Who is signed in, as the window shows it: their name and roles, and the actions their roles allow.

Disabling an action is a courtesy to the user; the rule is in the services, which refuse anyway.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from coordinator.context import Context
from coordinator.security.permissions import ROLE_NAMES, Permission, Principal, Role, refusal

WRITES = (Permission.RECORD, Permission.CONFIRM_ELIGIBILITY, Permission.SIGN, Permission.BACKUP, Permission.RESTORE,
          Permission.MANAGE_USERS)
USUAL_TOOLTIP = "usualToolTip"  # the tooltip an action had before it was disabled for a reason


def roles_text(principal: Principal) -> str:
    """"administrator, coordinator (MILA, REL-ALL)": roles held on every study by name alone."""
    parts = []
    for role in Role:
        studies = {grant.study for grant in principal.grants if grant.role is role}
        if not studies:
            continue
        if None in studies:
            parts.append(ROLE_NAMES[role])
        else:
            parts.append(f"{ROLE_NAMES[role]} ({', '.join(sorted(code for code in studies if code))})")
    return ", ".join(parts) or QCoreApplication.translate("signed_in_user", "no role")


def signed_in_text(principal: Principal) -> str:
    if not principal.login:
        return QCoreApplication.translate("signed_in_user", "Nobody is signed in")
    text = QCoreApplication.translate("signed_in_user", "Signed in: {name} ({login}) – {roles}").format(
        name=principal.full_name, login=principal.login, roles=roles_text(principal))
    if not any(principal.may(permission) for permission in WRITES):
        text += " · " + QCoreApplication.translate("signed_in_user", "read only")
    return text


def permit(target: QWidget | QAction, ctx: Context, permission: Permission, study: str | None = None, *,
           possible: bool = True, why_not: str = "") -> bool:
    """Enable the target when the user's roles allow the permission (on `study`) and it is `possible` now;
    otherwise disable it, its tooltip saying why. The usual tooltip comes back once it is enabled again."""
    usual = target.property(USUAL_TOOLTIP)
    if usual is None:
        usual = _own_tooltip(target)
        target.setProperty(USUAL_TOOLTIP, usual)
    allowed = ctx.may(permission, study)
    target.setEnabled(allowed and possible)
    if not allowed:
        target.setToolTip(refusal(ctx.user, permission, study))
    elif not possible and why_not:
        target.setToolTip(why_not)
    else:
        target.setToolTip(usual)
    return allowed


def _own_tooltip(target: QWidget | QAction) -> str:
    """The tooltip set on the target, or "" when it shows Qt's default (an action's text)."""
    current = target.toolTip()
    target.setToolTip("")
    default = target.toolTip()
    target.setToolTip(current)
    return "" if current == default else current
