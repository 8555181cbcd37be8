"""Who runs a command: `--user` or COORDINATOR_USER, with the password from COORDINATOR_PASSWORD or a prompt."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from coordinator.errors import InputError, NotPermitted
from coordinator.i18n import _
from coordinator.security import accounts
from coordinator.security.signin import sign_in
from coordinator.workspace import Workspace, open_workspace

USER_ENV = "COORDINATOR_USER"
PASSWORD_ENV = "COORDINATOR_PASSWORD"
NEW_PASSWORD_ENV = "COORDINATOR_NEW_PASSWORD"
SIGNATURE_PASSWORD_ENV = "COORDINATOR_SIGNATURE_PASSWORD"


def signed_in(options: argparse.Namespace, *, changing_password: bool = False,
              password: str | None = None) -> Workspace:
    """Open the workspace and sign in; refused before anything else is done when that fails. A user who must
    change their password may only do that (`changing_password`)."""
    workspace = open_workspace(options.db)
    ctx = workspace.ctx
    if not accounts.has_accounts(ctx):
        raise NotPermitted(_("This database has no accounts yet: create the administrator first with "
                             "'coordinator init --admin ID --name \"FULL NAME\"'."))
    login = getattr(options, "user", None) or os.environ.get(USER_ENV)
    if not login:
        raise InputError(_("Say who you are: --user ID, or COORDINATOR_USER."), field="user")
    if password is None:
        password = secret(PASSWORD_ENV, _("Password for {login}: ").format(login=login))
    principal = sign_in(ctx, login, password)
    if principal.must_change_password and not changing_password:
        raise NotPermitted(_("{login} must change the password first: 'coordinator user password'.").format(
            login=principal.login))
    return workspace


def secret(variable: str, prompt: str, *, twice: bool = False) -> str:
    """A password from the environment variable, else typed at a prompt that does not echo it."""
    given = os.environ.get(variable)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise InputError(_("Give the password in {variable}, or run the command in a terminal to type it.").format(
            variable=variable), field="password")
    typed = getpass.getpass(prompt)
    if twice and getpass.getpass(_("Again: ")) != typed:
        raise InputError(_("The two passwords differ; nothing was changed."), field="password")
    return typed
