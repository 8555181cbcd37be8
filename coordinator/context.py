"""What every service needs: the database, who is acting, and what time it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from sqlalchemy import Engine

from coordinator.errors import NotPermitted
from coordinator.security.permissions import NOBODY, PROGRAM, Permission, Principal, refusal


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    """The open workspace and who is signed in; nobody may do anything until someone signs in."""

    engine: Engine
    url: str
    user: Principal = NOBODY
    clock: Callable[[], datetime] = _utc_now

    def as_program(self) -> Context:
        """The same workspace, with the program itself acting (loading study files, demo data, sign-in records)."""
        return replace(self, user=PROGRAM)

    @property
    def actor(self) -> str:
        return self.user.login

    def may(self, permission: Permission, study: str | None = None) -> bool:
        return self.user.may(permission, study)

    def require(self, permission: Permission, study: str | None = None) -> None:
        """Refuse, in words, what the signed-in user's roles do not allow."""
        if not self.user.may(permission, study):
            raise NotPermitted(refusal(self.user, permission, study))

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone().date()
