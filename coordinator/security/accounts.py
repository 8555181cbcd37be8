"""User accounts and their roles: created, granted, revoked, deactivated; never deleted, ids never reused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError, NotFound, NotPermitted, RuleViolation
from coordinator.i18n import _
from coordinator.security import passwords
from coordinator.security.permissions import GLOBAL_ROLES, ROLE_NAMES, Permission, Principal, Role
from coordinator.security.principals import LOGIN_PATTERN, G, U, load_principal, normalized_login
from coordinator.security.signin import confirm_password
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from coordinator.values import clean_text
from db.tables import RoleGrant, UserAccount


@dataclass(frozen=True)
class GrantLine:
    role: Role
    study: str | None
    granted_at: str
    granted_by: str
    revoked_at: str | None
    revoked_by: str | None


@dataclass(frozen=True)
class Account:
    login: str
    full_name: str
    active: bool
    must_change_password: bool
    locked_until: str | None
    grants: list[GrantLine]  # every grant ever made, revoked ones included: the user's role history

    def current_roles(self) -> list[GrantLine]:
        return [grant for grant in self.grants if grant.revoked_at is None]


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InputError(_("Unknown role {role}: choose one of {roles}.").format(
            role=text, roles=", ".join(role.value for role in Role)), field="role") from None


def has_accounts(ctx: Context) -> bool:
    with environment_errors(), ctx.engine.connect() as connection:
        return bool(connection.execute(select(func.count()).select_from(U)).scalar_one())


def create_first_administrator(ctx: Context, login: str, full_name: str, password: str, *,
                               also_investigator: bool = False) -> None:
    """The first account of a new database, made at first start: administrator, and if asked also investigator
    and coordinator on every study (a small site where the same person runs the studies)."""
    login = _checked_login(login)
    name = _checked_name(full_name)
    passwords.check_policy(login, password)
    roles = [(Role.ADMINISTRATOR, None)]
    if also_investigator:
        roles += [(Role.INVESTIGATOR, None), (Role.COORDINATOR, None)]
    if ctx.user.login:
        raise RuleViolation(_("The first administrator is created before anyone signs in."))
    with UnitOfWork(ctx.as_program(), Permission.MAINTAIN) as work:
        if work.read(select(func.count()).select_from(U)).scalar_one():
            raise RuleViolation(_("This database already has accounts: sign in, and ask an administrator for one."))
        _insert_account(work, login, name, passwords.hash_password(password), must_change=False)
        for role, study in roles:
            _insert_grant(work, login, role, study)


def add_user(ctx: Context, login: str, full_name: str, password: str,
             roles: list[tuple[str, str | None]]) -> None:
    """An administrator adds an account with its roles; the user changes the initial password at first sign-in."""
    ctx.require(Permission.MANAGE_USERS)
    login = _checked_login(login)
    name = _checked_name(full_name)
    passwords.check_policy(login, password)
    checked = [_checked_grant(ctx, role, study) for role, study in roles]
    if not checked:
        raise InputError(_("Give the new user at least one role."), field="role")
    hashed = passwords.hash_password(password)  # before the write lock: argon2 takes a tenth of a second
    with UnitOfWork(ctx, Permission.MANAGE_USERS) as work:
        existing = work.read(select(U.c.full_name, U.c.active).where(U.c.login == login)).first()
        if existing is not None:
            state = _("active") if existing.active else _("deactivated")
            raise RuleViolation(_("The user id {login} is already taken ({name}, {state}); a user id is never "
                                  "reused.").format(login=login, name=existing.full_name, state=state),
                                field="login")
        _insert_account(work, login, name, hashed, must_change=True)
        for role, study in dict.fromkeys(checked):
            _insert_grant(work, login, role, study)


def grant(ctx: Context, login: str, role: str, study: str | None) -> None:
    checked_role, checked_study = _checked_grant(ctx, role, study)
    with UnitOfWork(ctx, Permission.MANAGE_USERS) as work:
        login = _require_account(work, login)
        if not work.read(select(U.c.active).where(U.c.login == login)).scalar_one():
            raise RuleViolation(_("The account {login} is deactivated: it takes no new role.").format(login=login),
                                field="login")
        if _open_grant(work, login, checked_role, checked_study) is not None:
            raise RuleViolation(_("{login} already holds this role.").format(login=login), field="role")
        _insert_grant(work, login, checked_role, checked_study)
    _refresh_own(ctx, login)


def revoke(ctx: Context, login: str, role: str, study: str | None) -> None:
    checked_role, checked_study = _checked_grant(ctx, role, study)
    with UnitOfWork(ctx, Permission.MANAGE_USERS) as work:
        login = _require_account(work, login)
        found = _open_grant(work, login, checked_role, checked_study)
        if found is None:
            raise RuleViolation(_("{login} does not hold this role.").format(login=login), field="role")
        if checked_role is Role.ADMINISTRATOR:
            _require_other_administrator(work, login)
        work.update(RoleGrant, found, {"revoked_at": work.stamp, "revoked_by": work.actor},
                    reason=_("role revoked"), study=checked_study)
    _refresh_own(ctx, login)


def deactivate(ctx: Context, login: str) -> None:
    """The account can no longer sign in; its id, history and signatures stay."""
    with UnitOfWork(ctx, Permission.MANAGE_USERS) as work:
        login = _require_account(work, login)
        if login == ctx.user.login:
            raise RuleViolation(_("You cannot deactivate your own account."), field="login")
        _require_other_administrator(work, login)
        work.update(UserAccount, login, {"active": False}, reason=_("account deactivated"))


def reset_password(ctx: Context, login: str, new_password: str) -> None:
    """An administrator sets a new password, to be changed by the user at their next sign-in; clears a lockout."""
    ctx.require(Permission.MANAGE_USERS)
    passwords.check_policy(normalized_login(login), new_password)
    hashed = passwords.hash_password(new_password)
    with UnitOfWork(ctx, Permission.MANAGE_USERS) as work:
        login = _require_account(work, login)
        work.update(UserAccount, login, {
            "password_hash": hashed, "must_change_password": True, "failed_attempts": 0, "locked_until": None,
            "password_changed_at": work.stamp}, reason=_("password reset by an administrator"))


def change_password(ctx: Context, current_password: str, new_password: str) -> Principal:
    """The signed-in user changes their own password; returns their principal, free to work again."""
    login = ctx.user.login
    if not login or ctx.user.program:
        raise NotPermitted(_("Sign in first."))
    try:
        confirm_password(ctx, current_password)  # a wrong one counts towards the lockout, like any sign-in
    except NotPermitted as refused:
        raise InputError(_("The current password is wrong: {reason}").format(reason=refused.message),
                         field="current_password") from refused
    passwords.check_policy(login, new_password, field="new_password")
    if new_password == current_password:
        raise InputError(_("Choose a new password different from the current one."), field="new_password")
    hashed = passwords.hash_password(new_password)
    with UnitOfWork(ctx, None) as work:
        work.update(UserAccount, login, {"password_hash": hashed, "must_change_password": False,
                                         "password_changed_at": work.stamp}, reason=_("password changed"))
        changed = load_principal(work.connection, login)
    assert changed is not None  # the unit of work refused an inactive account
    ctx.user = changed
    return changed


def accounts(ctx: Context) -> list[Account]:
    """Every account ever made, with its role history, by user id."""
    with environment_errors(), ctx.engine.connect() as connection:
        users = connection.execute(
            select(U.c.login, U.c.full_name, U.c.active, U.c.must_change_password, U.c.locked_until)
            .order_by(U.c.login)).all()
        grants = connection.execute(
            select(G.c.login, G.c.role, G.c.study_code, G.c.granted_at, G.c.granted_by, G.c.revoked_at,
                   G.c.revoked_by).order_by(G.c.login, G.c.id)).all()
    by_login: dict[str, list[GrantLine]] = {}
    for row in grants:
        by_login.setdefault(row.login, []).append(GrantLine(Role(row.role), *row[2:]))
    return [Account(*user, by_login.get(user.login, [])) for user in users]


def _refresh_own(ctx: Context, login: str) -> None:
    """An administrator who changed their own roles sees the change at once (menus, status bar)."""
    if login == ctx.user.login:
        with environment_errors(), ctx.engine.connect() as connection:
            ctx.user = load_principal(connection, login) or ctx.user


def _checked_login(login: str) -> str:
    cleaned = normalized_login(login)
    if not LOGIN_PATTERN.fullmatch(cleaned):
        raise InputError(_("A user id is 2 to 40 characters: lower-case letters, digits, '.', '_' or '-', "
                           "starting with a letter."), field="login")
    return cleaned


def _checked_name(full_name: str) -> str:
    name = clean_text(full_name)
    if not name:
        raise InputError(_("The full name is required: it is printed with every signature."), field="name")
    return name


def _checked_grant(ctx: Context, role: str | Role, study: str | None) -> tuple[Role, str | None]:
    checked = role if isinstance(role, Role) else parse_role(role)
    code = study.strip().upper() if study and study.strip() else None
    if checked in GLOBAL_ROLES and code is not None:
        raise InputError(_("The {role} role is held on every study: give no study.").format(
            role=ROLE_NAMES[checked]), field="study")
    if code is not None:
        code = catalogue.current(ctx, code).code
    return checked, code


def _insert_account(work: UnitOfWork, login: str, name: str, hashed: str, *, must_change: bool) -> None:
    work.insert(UserAccount, {
        "login": login, "full_name": name, "password_hash": hashed, "must_change_password": must_change,
        "active": True, "failed_attempts": 0, "created_at": work.stamp, "password_changed_at": work.stamp,
    }, record_id=login)


def _insert_grant(work: UnitOfWork, login: str, role: Role, study: str | None) -> None:
    work.insert(RoleGrant, {"login": login, "role": role.value, "study_code": study, "granted_at": work.stamp,
                            "granted_by": work.actor}, study=study)


def _require_account(work: UnitOfWork, login: str) -> str:
    cleaned = normalized_login(login)
    if work.read(select(U.c.login).where(U.c.login == cleaned)).first() is None:
        raise NotFound(_("There is no account with the user id {login}.").format(login=login), field="login")
    return cleaned


def _open_grant(work: UnitOfWork, login: str, role: Role, study: str | None) -> int | None:
    study_match = G.c.study_code.is_(None) if study is None else G.c.study_code == study
    return work.read(select(G.c.id).where(G.c.login == login, G.c.role == role.value, study_match,
                                          G.c.revoked_at.is_(None))).scalar()


def _require_other_administrator(work: UnitOfWork, login: str) -> None:
    others = work.read(
        select(func.count()).select_from(G.join(U, U.c.login == G.c.login))
        .where(G.c.role == Role.ADMINISTRATOR.value, G.c.revoked_at.is_(None), U.c.active.is_(True),
               G.c.login != login)).scalar_one()
    if not others:
        raise RuleViolation(_("{login} is the last active administrator: name another one first.").format(
            login=login), field="login")
