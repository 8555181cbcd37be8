"""Who a login is now: their account and unrevoked roles, read afresh so that a change takes effect at once."""

from __future__ import annotations

import re

from sqlalchemy import Connection, select

from coordinator.security.permissions import Grant, Principal, Role
from db.tables import RoleGrant, UserAccount

U = UserAccount.__table__
G = RoleGrant.__table__
LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9._-]{1,39}")


def normalized_login(text: str) -> str:
    """A user id as typed, the way it is stored: without surrounding spaces, in lower case."""
    return text.strip().lower()


def load_principal(connection: Connection, login: str) -> Principal | None:
    """The active account's principal, or None when there is no such active account."""
    account = connection.execute(
        select(U.c.full_name, U.c.must_change_password).where(U.c.login == login, U.c.active.is_(True))
    ).first()
    if account is None:
        return None
    grants = connection.execute(
        select(G.c.role, G.c.study_code).where(G.c.login == login, G.c.revoked_at.is_(None))
    ).all()
    return Principal(login, account.full_name, frozenset(Grant(Role(role), study) for role, study in grants),
                     must_change_password=account.must_change_password)
