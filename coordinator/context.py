"""What every service needs: the database, who is acting, and what time it is."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import Engine


def operating_system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (containers, services)
        return "unknown"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    """The open workspace. Until user accounts exist the actor is the operating-system user."""

    engine: Engine
    url: str
    actor: str = field(default_factory=operating_system_user)
    clock: Callable[[], datetime] = _utc_now

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone().date()
