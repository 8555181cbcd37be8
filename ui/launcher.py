"""The `coordinator` program: a command runs on the command line (no Qt loaded); no command opens the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from coordinator.cli.main import COMMANDS
from coordinator.cli.main import main as run_command


def wants_window(arguments: Sequence[str]) -> bool:
    """No command word and no request for help: the user wants the window."""
    return not any(word in COMMANDS or word in ("-h", "--help") for word in arguments)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if wants_window(arguments):
        from ui.app import run_app  # Qt is imported only here

        return run_app(arguments)
    return run_command(arguments)


if __name__ == "__main__":
    sys.exit(main())
