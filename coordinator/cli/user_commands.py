"""`coordinator user ...` and `coordinator settings`: accounts, roles, passwords and the sign-in settings."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict

from coordinator.audit.writer import utc_stamp
from coordinator.cli.output import print_json, print_table
from coordinator.cli.session import NEW_PASSWORD_ENV, PASSWORD_ENV, secret, signed_in
from coordinator.i18n import _
from coordinator.security import accounts, settings
from coordinator.security.accounts import Account, GrantLine
from coordinator.security.permissions import Permission, Role


def add(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    ctx.require(Permission.MANAGE_USERS)  # refused before the new password is typed twice for nothing
    password = secret(NEW_PASSWORD_ENV, _("Initial password for {login}: ").format(login=options.id), twice=True)
    accounts.add_user(ctx, options.id, options.name, password, [(role, options.study) for role in options.role])
    print(_("Account {login} created; the password is to be changed at the first sign-in.").format(
        login=options.id.strip().lower()))


def password(options: argparse.Namespace) -> None:
    current = secret(PASSWORD_ENV, _("Current password: "))
    ctx = signed_in(options, changing_password=True, password=current).ctx
    accounts.change_password(ctx, current, secret(NEW_PASSWORD_ENV, _("New password: "), twice=True))
    print(_("Password changed."))


def reset_password(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    ctx.require(Permission.MANAGE_USERS)  # refused before the new password is typed twice for nothing
    new = secret(NEW_PASSWORD_ENV, _("New password for {login}: ").format(login=options.id), twice=True)
    accounts.reset_password(ctx, options.id, new)
    print(_("Password of {login} reset; to be changed at the next sign-in.").format(login=options.id))


def deactivate(options: argparse.Namespace) -> None:
    accounts.deactivate(signed_in(options).ctx, options.id)
    print(_("Account {login} deactivated.").format(login=options.id))


def grant(options: argparse.Namespace) -> None:
    accounts.grant(signed_in(options).ctx, options.id, options.role, options.study)
    print(_("Role granted."))


def revoke(options: argparse.Namespace) -> None:
    accounts.revoke(signed_in(options).ctx, options.id, options.role, options.study)
    print(_("Role revoked."))


def _role_text(grant: GrantLine) -> str:
    return f"{grant.role.value}@{grant.study}" if grant.study else grant.role.value


def _history_text(grant: GrantLine) -> str:
    text = _("{role}: granted {at} by {by}").format(role=_role_text(grant), at=grant.granted_at[:16],
                                                    by=grant.granted_by)
    if grant.revoked_at:
        text += _(", revoked {at} by {by}").format(at=grant.revoked_at[:16], by=grant.revoked_by)
    return text


def _state(account: Account, now: str) -> str:
    if not account.active:
        return _("deactivated")
    if account.locked_until and account.locked_until > now:
        return _("locked until {time}").format(time=account.locked_until[:16])
    return _("must change password") if account.must_change_password else _("active")


def list_users(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    found = accounts.accounts(ctx)
    now = utc_stamp(ctx.now())
    if options.json:
        print_json([{**asdict(account), "grants": [
            {**asdict(grant), "role": grant.role.value} for grant in account.grants]} for account in found])
        return
    if options.history:
        for account in found:
            print(f"{account.login}  {account.full_name}  ({_state(account, now)})")
            for grant in account.grants:
                print(f"    {_history_text(grant)}")
        return
    print_table([_("USER"), _("NAME"), _("STATE"), _("ROLES")],
                [(a.login, a.full_name, _state(a, now), ", ".join(_role_text(g) for g in a.current_roles()) or "–")
                 for a in found])


def show_settings(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    wanted = {name: getattr(options, name) for name in settings.LIMITS if getattr(options, name) is not None}
    current = settings.change(ctx, **wanted) if wanted else settings.load(ctx)
    if options.json:
        print_json(asdict(current))
        return
    for name, value in asdict(current).items():
        print(f"{settings.LABELS[name]}: {value}")


def add_parsers(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(group))

    def action(name: str, run: Callable[[argparse.Namespace], None], help_text: str) -> argparse.ArgumentParser:
        found = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        return found

    roles = [role.value for role in Role]
    created = action("add", add, _("add an account (administrator); initial password from COORDINATOR_NEW_PASSWORD "
                                   "or asked, to be changed at the first sign-in"))
    created.add_argument("id", metavar="ID")
    created.add_argument("--name", required=True, help=_("full name, printed with signatures"))
    created.add_argument("--role", required=True, action="append", metavar="ROLE", help=_(
        "one of {roles}; may be repeated").format(roles=", ".join(roles)))
    created.add_argument("--study", help=_("the study the roles are held on (default: every study)"))
    action("password", password, _("change your own password (current one from COORDINATOR_PASSWORD or asked, "
                                   "new one from COORDINATOR_NEW_PASSWORD or asked)"))
    reset = action("reset-password", reset_password, _(
        "set a new password for a user, to be changed at their next sign-in; also unlocks the account"))
    reset.add_argument("id", metavar="ID")
    action("deactivate", deactivate, _("deactivate an account: it can no longer sign in; "
                                       "its id is never reused")).add_argument("id", metavar="ID")
    for name, run, help_text in (("grant", grant, _("give a user a role")),
                                 ("revoke", revoke, _("take a role back from a user"))):
        changed = action(name, run, help_text)
        changed.add_argument("id", metavar="ID")
        changed.add_argument("--role", required=True, metavar="ROLE", help=", ".join(roles))
        changed.add_argument("--study", help=_("the study (default: every study)"))
    listed = action("list", list_users, _("list the accounts with their roles"))
    listed.add_argument("--history", action="store_true", help=_("every role granted and revoked, with who and when"))


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    for name in settings.LIMITS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, metavar="N",
                            help=_("change the {setting} (administrator)").format(setting=settings.LABELS[name]))
