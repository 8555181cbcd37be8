"""Signing in, and asking the signed-in user's password again (idle lock, electronic signature).

Every refusal is audited, failed attempts are counted, and the account locks for a while after too many.
The password is checked outside the write lock: argon2 takes a tenth of a second on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import NoReturn

from sqlalchemy import select

from coordinator.audit.seal import AuditTrailBroken
from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError, NotPermitted
from coordinator.i18n import _
from coordinator.security import passwords, settings
from coordinator.security.permissions import Permission, Principal
from coordinator.security.principals import LOGIN_PATTERN, U, load_principal, normalized_login
from coordinator.storage_errors import environment_errors
from db.tables import UserAccount


def sign_in(ctx: Context, login: str, password: str) -> Principal:
    """The principal of a user whose password matches; sets it as the context's user."""
    return _authenticate(ctx, login, password, _("signed in"))


def confirm_password(ctx: Context, password: str) -> Principal:
    """The signed-in user's password again; a wrong one counts towards the lockout like any failed sign-in."""
    if not ctx.user.login or ctx.user.program:
        raise NotPermitted(_("Sign in first."))
    return _authenticate(ctx, ctx.user.login, password, _("password confirmed"))


def _authenticate(ctx: Context, login: str, password: str, event: str) -> Principal:
    login = normalized_login(login)
    if not login:
        raise InputError(_("Give your user id."), field="login")
    if not password:
        raise InputError(_("Give your password."), field="password")
    rules = settings.load(ctx)
    with environment_errors(), ctx.engine.connect() as connection:
        account = connection.execute(
            select(U.c.password_hash, U.c.active, U.c.locked_until).where(U.c.login == login)).first()
    if account is None:  # what was typed may be a password in the wrong field: only a user id's shape is kept
        _refuse(ctx, login if LOGIN_PATTERN.fullmatch(login) else _("[not a user id]"),
                _("sign-in refused: no such account"),
                _("There is no account with the user id {login}.").format(login=login))
    if not account.active:
        _refuse(ctx, login, _("sign-in refused: account deactivated"),
                _("The account {login} is deactivated; ask an administrator.").format(login=login))
    now = ctx.now()
    if _locked(account.locked_until, now):
        _refuse(ctx, login, _("sign-in refused: account locked"), _locked_message(login, account.locked_until))
    if not passwords.matches(account.password_hash, password):
        _count_failure(ctx, login, rules)
    try:
        with UnitOfWork(replace(ctx, user=Principal(login, login)), None) as work:
            if _locked(work.read(select(U.c.locked_until).where(U.c.login == login)).scalar_one(), ctx.now()):
                raise NotPermitted(_locked_message(login, account.locked_until or ""))  # locked meanwhile
            work.update(UserAccount, login, {"failed_attempts": 0, "locked_until": None}, reason=event)
            work.record_event("user_account", login, event)
            principal = load_principal(work.connection, login)
    except AuditTrailBroken:  # the trail takes no more rows: sign in to read (and to verify), unrecorded
        with environment_errors(), ctx.engine.connect() as connection:
            principal = load_principal(connection, login)
    if principal is None:
        raise NotPermitted(_("The account {login} is deactivated; ask an administrator.").format(login=login))
    ctx.user = principal
    return principal


def locked_out(ctx: Context, login: str) -> bool:
    """Whether the account cannot sign in now: unknown, deactivated, or locked until later."""
    with environment_errors(), ctx.engine.connect() as connection:
        account = connection.execute(select(U.c.active, U.c.locked_until).where(U.c.login == login)).first()
    return account is None or not account.active or _locked(account.locked_until, ctx.now())


def _locked(locked_until: str | None, now: datetime) -> bool:
    return locked_until is not None and datetime.fromisoformat(locked_until.replace("Z", "+00:00")) > now


def _locked_message(login: str, locked_until: str) -> str:
    until = datetime.fromisoformat(locked_until.replace("Z", "+00:00")).astimezone()
    return _("The account {login} is locked after too many failed sign-ins, until {time}; an administrator can "
             "unlock it by resetting the password.").format(login=login, time=until.strftime("%Y-%m-%d %H:%M"))


def _count_failure(ctx: Context, login: str, rules: settings.SecuritySettings) -> NoReturn:
    """One more failed attempt; the last allowed one locks the account. Always raises, after committing."""
    with UnitOfWork(ctx.as_program(), Permission.MAINTAIN) as work:
        current = work.read(select(U.c.failed_attempts, U.c.locked_until).where(U.c.login == login)).one()
        failed = current.failed_attempts + 1
        if _locked(current.locked_until, ctx.now()):  # another attempt locked it meanwhile: counted once
            message = _locked_message(login, current.locked_until)
        elif failed >= rules.lockout_attempts:
            until = (ctx.now() + timedelta(minutes=rules.lockout_minutes)).astimezone(timezone.utc)
            stamp = until.isoformat(timespec="seconds").replace("+00:00", "Z")
            work.update(UserAccount, login, {"failed_attempts": 0, "locked_until": stamp},
                        reason=_("account locked after {count} failed sign-ins").format(count=failed))
            message = _locked_message(login, stamp)
        else:
            work.update(UserAccount, login, {"failed_attempts": failed}, reason=_("failed sign-in"))
            left = rules.lockout_attempts - failed
            message = _("Wrong password for {login}. {left} more failed attempt(s) lock the account for "
                        "{minutes} minutes.").format(login=login, left=left, minutes=rules.lockout_minutes)
    raise NotPermitted(message)


def _refuse(ctx: Context, login: str, what: str, message: str) -> NoReturn:
    with UnitOfWork(ctx.as_program(), Permission.MAINTAIN) as work:
        work.record_event("user_account", login, what)
    raise NotPermitted(message)
