"""Translation of the domain's messages (gettext catalogues under resources/locale)."""

from __future__ import annotations

import gettext

from coordinator.paths import resources_dir

_catalogue = gettext.translation("coordinator", localedir=resources_dir() / "locale", fallback=True)


def _(message: str) -> str:
    """Mark a user-visible message for translation and translate it."""
    return _catalogue.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a message for translation where it is defined; translate it with _() where it is shown."""
    return message


def use_language(language: str) -> None:
    """Switch the domain's messages to a language (e.g. "fr"); unknown languages fall back to English."""
    global _catalogue
    _catalogue = gettext.translation(
        "coordinator", localedir=resources_dir() / "locale", languages=[language], fallback=True
    )
