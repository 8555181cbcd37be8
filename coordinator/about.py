"""The program's name and version, as the About box, crash reports and PDF metadata give them."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

PROGRAM = "Study Coordinator"


def program_version() -> str:
    """The installed version; "checkout" when run from a source tree that was never installed."""
    try:
        return version("study-coordinator")
    except PackageNotFoundError:
        return "checkout"
