"""The `coordinator` program: a command runs on the command line (no Qt loaded); no command opens the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from coordinator.cli.main import main as run_command

WINDOW_OPTIONS_WITH_VALUE = frozenset({"--db", "--screenshot", "--language"})


def wants_window(arguments: Sequence[str]) -> bool:
    """Only window options (and their values): the user wants the window. Any other word is a command,
    even a mistyped one, which the command line then refuses with one clear line."""
    words = iter(arguments)
    for word in words:
        if word in ("-h", "--help") or not word.startswith("-"):
            return False
        if word in WINDOW_OPTIONS_WITH_VALUE:
            next(words, None)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if wants_window(arguments):
        from ui.app import run_app  # Qt is imported only here

        return run_app(arguments)
    return run_command(arguments)


if __name__ == "__main__":
    sys.exit(main())
