"""Signing in, lockout, password policy and accounts: refusals in words, audited where it matters."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.errors import InputError, NotFound, NotPermitted, RuleViolation
from coordinator.security import accounts, settings
from coordinator.security.permissions import NOBODY, Grant, Permission, Role
from coordinator.security.principals import load_principal
from coordinator.security.signin import confirm_password, sign_in
from coordinator.workspace import open_workspace
from db.tables import AuditEntry, UserAccount
from tests.accounts import PASSWORD, TESTER, add_user

A = AuditEntry.__table__
U = UserAccount.__table__


def events(ctx, login: str) -> list[tuple[str, str]]:
    with ctx.engine.connect() as connection:
        return [(row.actor, row.new_value or f"{row.field}={row.new_value}") for row in connection.execute(
            select(A.c.actor, A.c.field, A.c.new_value).where(A.c.table_name == "user_account",
                                                              A.c.record_id == login).order_by(A.c.id))]


def stored_hash(ctx, login: str) -> str:
    with ctx.engine.connect() as connection:
        return connection.execute(select(U.c.password_hash).where(U.c.login == login)).scalar_one()


def test_a_right_password_signs_in_with_the_roles_and_is_audited(workspace):
    ctx = workspace.ctx
    ctx.user = NOBODY
    principal = sign_in(ctx, " Tester ", PASSWORD)
    assert ctx.user == principal and principal.full_name == "Tess Tester"
    assert principal.roles() == set(Role) - {Role.MONITOR}
    assert events(ctx, TESTER)[-1] == (TESTER, "signed in")
    assert stored_hash(ctx, TESTER).startswith("$argon2id$")


@pytest.mark.parametrize(("login", "password", "error", "message"), [
    ("", PASSWORD, InputError, "Give your user id"),
    (TESTER, "", InputError, "Give your password"),
    ("nobody", PASSWORD, NotPermitted, "There is no account with the user id nobody"),
])
def test_missing_or_unknown_is_refused_in_words(workspace, login, password, error, message):
    workspace.ctx.user = NOBODY
    with pytest.raises(error, match=message):
        sign_in(workspace.ctx, login, password)
    assert workspace.ctx.user == NOBODY


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(workspace):
    ctx = workspace.ctx
    for left in (4, 3, 2, 1):
        with pytest.raises(NotPermitted, match=f"Wrong password for tester. {left} more failed attempt"):
            sign_in(ctx, TESTER, "not the password")
    with pytest.raises(NotPermitted, match="locked after too many failed sign-ins, until 2026-11-21"):
        sign_in(ctx, TESTER, "not the password")
    with pytest.raises(NotPermitted, match="is locked"):
        sign_in(ctx, TESTER, PASSWORD)  # even the right password, until the time is up
    later = replace(ctx, clock=lambda: ctx.now() + timedelta(minutes=16))
    assert sign_in(later, TESTER, PASSWORD).login == TESTER
    audited = [what for _actor, what in events(ctx, TESTER)]
    assert audited.count("sign-in refused: account locked") == 1
    assert "signed in" in audited


def test_the_lockout_is_configurable(workspace):
    ctx = workspace.ctx
    settings.change(ctx, lockout_attempts=2, lockout_minutes=60)
    assert settings.load(ctx) == settings.SecuritySettings(2, 60, 10)
    with pytest.raises(NotPermitted, match="1 more failed attempt"):
        sign_in(ctx, TESTER, "wrong one")
    with pytest.raises(NotPermitted, match="locked"):
        sign_in(ctx, TESTER, "wrong one")
    with pytest.raises(InputError, match="between 1 and 100"):
        settings.change(ctx, lockout_attempts=0)


def test_a_deactivated_account_cannot_sign_in_and_its_id_is_never_reused(workspace):
    ctx = workspace.ctx
    add_user(ctx, "cora", "coordinator")
    accounts.deactivate(ctx, "cora")
    with pytest.raises(NotPermitted, match="The account cora is deactivated; ask an administrator"):
        sign_in(ctx, "cora", PASSWORD + "-new")
    with pytest.raises(RuleViolation, match="The account cora is deactivated: it takes no new role"):
        accounts.grant(ctx, "cora", "monitor", None)
    with pytest.raises(RuleViolation, match=r"The user id cora is already taken \(Cora, deactivated\); a user id "
                                            r"is never reused"):
        accounts.add_user(ctx, "cora", "Cora Again", "a long password", [("coordinator", None)])


def test_a_reset_password_must_be_changed_at_the_next_sign_in(workspace):
    ctx = workspace.ctx
    add_user(ctx, "cora", "coordinator")
    accounts.reset_password(ctx, "cora", "temporary pass")
    cora = sign_in(replace(ctx), "cora", "temporary pass")
    assert cora.must_change_password and not cora.may(Permission.READ)
    signed = replace(ctx, user=cora)
    with pytest.raises(InputError, match="current password is wrong"):
        accounts.change_password(signed, "not it", "my own secret")
    with pytest.raises(InputError, match="different from the current one"):
        accounts.change_password(signed, "temporary pass", "temporary pass")
    changed = accounts.change_password(signed, "temporary pass", "my own secret")
    assert not changed.must_change_password
    assert sign_in(replace(ctx), "cora", "my own secret").login == "cora"


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 10 characters"),
    ("xxcora123456", None),  # a four-letter id inside the password is refused
    ("          ", "only spaces"),
])
def test_the_password_policy(workspace, password, message):
    with pytest.raises(InputError, match=message or "must not contain the user id"):
        accounts.add_user(workspace.ctx, "cora", "Cora", password, [("coordinator", None)])


def test_a_short_id_may_appear_inside_a_password(workspace):
    ctx = workspace.ctx
    accounts.add_user(ctx, "jo", "Jo March", "enjoy the long walk", [("coordinator", None)])


def test_confirm_password_counts_towards_the_lockout(workspace):
    ctx = workspace.ctx
    assert confirm_password(ctx, PASSWORD).login == TESTER
    with pytest.raises(NotPermitted, match="4 more failed attempt"):
        confirm_password(ctx, "wrong")
    ctx.user = NOBODY
    with pytest.raises(NotPermitted, match="Sign in first"):
        confirm_password(ctx, PASSWORD)


def test_roles_are_granted_per_study_revoked_and_kept_as_history(workspace):
    ctx = workspace.ctx
    add_user(ctx, "cora", "coordinator", "MILA")
    accounts.grant(ctx, "cora", "investigator", "mila")
    with pytest.raises(RuleViolation, match="already holds this role"):
        accounts.grant(ctx, "cora", "investigator", "MILA")
    with pytest.raises(InputError, match="held on every study"):
        accounts.grant(ctx, "cora", "administrator", "MILA")
    with pytest.raises(NotFound, match="Unknown study"):
        accounts.grant(ctx, "cora", "monitor", "NOPE")
    with pytest.raises(InputError, match="Unknown role boss"):
        accounts.grant(ctx, "cora", "boss", None)
    accounts.revoke(ctx, "cora", "coordinator", "MILA")
    [cora] = [account for account in accounts.accounts(ctx) if account.login == "cora"]
    assert [(g.role, g.study, g.granted_by, g.revoked_by) for g in cora.grants] == [
        (Role.COORDINATOR, "MILA", TESTER, TESTER), (Role.INVESTIGATOR, "MILA", TESTER, None)]
    with ctx.engine.connect() as connection:
        assert load_principal(connection, "cora").grants == frozenset({Grant(Role.INVESTIGATOR, "MILA")})


def test_an_administrator_changing_their_own_roles_sees_it_at_once(workspace):
    ctx = workspace.ctx
    accounts.revoke(ctx, TESTER, "unblinded", None)
    assert Role.UNBLINDED not in ctx.user.roles()
    accounts.grant(ctx, TESTER, "monitor", "MILA")
    assert Grant(Role.MONITOR, "MILA") in ctx.user.grants


def test_the_last_administrator_stays(workspace):
    ctx = workspace.ctx
    with pytest.raises(RuleViolation, match="cannot deactivate your own account"):
        accounts.deactivate(ctx, TESTER)
    with pytest.raises(RuleViolation, match="tester is the last active administrator"):
        accounts.revoke(ctx, TESTER, "administrator", None)


def test_the_first_administrator_is_made_once(workspace, tmp_path):
    fresh = open_workspace(str(tmp_path / "fresh.sqlite3"))
    assert not accounts.has_accounts(fresh.ctx)
    with pytest.raises(InputError, match="A user id is 2 to 40 characters"):
        accounts.create_first_administrator(fresh.ctx, "Ad min", "Ada Admin", "a long password")
    with pytest.raises(InputError, match="full name is required"):
        accounts.create_first_administrator(fresh.ctx, "ada", "  ", "a long password")
    accounts.create_first_administrator(fresh.ctx, "ada", "Ada Admin", "a long password")
    assert sign_in(fresh.ctx, "ada", "a long password").roles() == {Role.ADMINISTRATOR}
    fresh.ctx.user = NOBODY
    with pytest.raises(RuleViolation, match="already has accounts"):
        accounts.create_first_administrator(fresh.ctx, "eve", "Eve", "a long password")
    fresh.ctx.engine.dispose()
