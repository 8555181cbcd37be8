"""Passwords: argon2id hashes and the site's password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from coordinator.errors import InputError
from coordinator.i18n import _

MINIMUM_LENGTH = 10
# argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, t=3, 64 MiB, p=4): ~0.1 s here.
_HASHER = PasswordHasher()


def check_policy(login: str, password: str, *, field: str = "password") -> None:
    """At least ten characters, and not the user id (in any case, nor containing an id of four or more letters)."""
    if len(password) < MINIMUM_LENGTH:
        raise InputError(_("The password needs at least {count} characters.").format(count=MINIMUM_LENGTH),
                         field=field)
    folded, own = password.casefold(), login.casefold()
    if own and (folded == own or (len(own) >= 4 and own in folded)):
        raise InputError(_("The password must not contain the user id."), field=field)
    if not password.strip():
        raise InputError(_("The password cannot be only spaces."), field=field)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def matches(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
