"""Errors with messages a coordinator understands. Anything else that escapes is a bug."""

from __future__ import annotations


class CoordinatorError(Exception):
    """Base of every error whose message is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(CoordinatorError):
    """Bad input from the user; `field` names the input at fault so the GUI can show the message beside it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(InputError):
    """A code or name that does not exist."""


class RuleViolation(InputError):
    """The input is well formed but a study or lifecycle rule forbids the action."""


class EnvironmentProblem(CoordinatorError):
    """The machine is in the way (disk full, file locked, read-only folder, not a database): not a bug."""


class NotPermitted(CoordinatorError):
    """Who is acting may not do this: not signed in, wrong password, locked, or a role without the right."""
