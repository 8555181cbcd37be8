"""Accounts for tests: the tester holds every role; others are made through the real services."""

from __future__ import annotations

from coordinator.context import Context
from coordinator.security import accounts
from coordinator.security.permissions import Principal
from coordinator.security.principals import load_principal

TESTER = "tester"
TESTER_NAME = "Tess Tester"
PASSWORD = "correct horse 42"


def make_tester(ctx: Context) -> Principal:
    """The first administrator, also investigator, coordinator and unblinded on every study; signed in."""
    accounts.create_first_administrator(ctx, TESTER, TESTER_NAME, PASSWORD, also_investigator=True)
    act_as(ctx, TESTER)
    accounts.grant(ctx, TESTER, "unblinded", None)
    return act_as(ctx, TESTER)


def act_as(ctx: Context, login: str) -> Principal:
    """Sign `login` in without the password (the sign-in itself is tested in tests/unit/test_signin.py)."""
    with ctx.engine.connect() as connection:
        principal = load_principal(connection, login)
    assert principal is not None, login
    ctx.user = principal
    return principal


def add_user(ctx: Context, login: str, role: str, study: str | None = None, password: str = PASSWORD) -> Principal:
    """An account with one role, its password already changed by its owner, so it can work."""
    admin = ctx.user
    act_as(ctx, TESTER)
    accounts.add_user(ctx, login, login.title(), password, [(role, study)])
    act_as(ctx, login)
    accounts.change_password(ctx, password, password + "-new")
    ctx.user = admin
    with ctx.engine.connect() as connection:
        principal = load_principal(connection, login)
    assert principal is not None
    return principal
