"""Turn database failures caused by the machine into plain messages; let real bugs through."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError

from coordinator.errors import EnvironmentProblem
from coordinator.i18n import N_, _

# (fragment of the driver's message, what the user is told)
_KNOWN = (
    ("database or disk is full", N_("The disk is full: the change was not saved. Free some space and try again.")),
    ("disk i/o error", N_("The disk could not be read or written: the change was not saved. Check the drive.")),
    ("readonly database", N_("The database is read-only here: check the permissions of the file and its folder.")),
    ("unable to open database",
     N_("The database file cannot be opened: check that its folder exists and is writable.")),
    ("database is locked", N_("The database is busy in another program: wait a moment and try again.")),
    ("file is not a database", N_("This file is not a Study Coordinator database (it is not an SQLite file).")),
    ("file is encrypted", N_("This file is not a Study Coordinator database (it is not an SQLite file).")),
)


def describe(error: BaseException) -> str | None:
    """The user's message for an environment failure, or None when the error is not one."""
    text = str(getattr(error, "orig", error)).lower()
    for fragment, message in _KNOWN:
        if fragment in text:
            return _(message)
    return None


@contextmanager
def environment_errors() -> Iterator[None]:
    """Re-raise database failures caused by the environment as EnvironmentProblem."""
    try:
        yield
    except (OperationalError, DBAPIError, sqlite3.DatabaseError, OSError) as error:
        message = describe(error)
        if message is None and isinstance(error, OSError):
            message = _("The file could not be written: {reason}.").format(reason=error.strerror or error)
        if message is None:
            raise
        raise EnvironmentProblem(message) from error
