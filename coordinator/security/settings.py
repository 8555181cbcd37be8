"""Site settings for signing in: lockout after failed attempts, and the idle lock of the window."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from db.tables import Setting

T = Setting.__table__


@dataclass(frozen=True)
class SecuritySettings:
    lockout_attempts: int = 5  # failed sign-ins in a row that lock the account
    lockout_minutes: int = 15
    idle_lock_minutes: int = 10  # the window asks for the password again after this long without input


LIMITS = {"lockout_attempts": (1, 100), "lockout_minutes": (1, 24 * 60), "idle_lock_minutes": (1, 8 * 60)}
LABELS = {"lockout_attempts": _("failed attempts before lockout"), "lockout_minutes": _("lockout minutes"),
          "idle_lock_minutes": _("minutes idle before the window locks")}


def load(ctx: Context) -> SecuritySettings:
    with environment_errors(), ctx.engine.connect() as connection:
        stored = {key: value for key, value in connection.execute(select(T.c.key, T.c.value))}
    defaults = SecuritySettings()
    return SecuritySettings(**{
        item.name: int(stored.get(item.name, getattr(defaults, item.name))) for item in fields(SecuritySettings)
    })


def change(ctx: Context, **values: int) -> SecuritySettings:
    """An administrator changes settings; each change is audited with the old and the new value."""
    for name, value in values.items():
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise InputError(_("The {setting} must be between {low} and {high}.").format(
                setting=LABELS[name], low=low, high=high), field=name)
    current = load(ctx)
    with UnitOfWork(ctx, Permission.MANAGE_USERS) as work:
        for name, value in values.items():
            if value == getattr(current, name):
                continue
            stored = work.read(select(T.c.key).where(T.c.key == name)).first()
            if stored is None:
                work.insert(Setting, {"key": name, "value": str(value)}, record_id=name)
            else:
                work.update(Setting, name, {"value": str(value)}, reason=_("setting changed"))
    return load(ctx)
