"""Crash reports: what a bug left behind, written to a file the user can send to support."""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from coordinator.about import PROGRAM, program_version
from db.engine import data_dir


def crash_details(error: BaseException) -> str:
    """The copyable text of a crash: versions and the full traceback. Holds no study data."""
    lines = [
        f"{PROGRAM} {program_version()}",
        f"Python {sys.version.split()[0]} on {platform.platform()}",
        f"At {datetime.now().astimezone().isoformat(timespec='seconds')}",
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


def write_crash_report(error: BaseException) -> Path | None:
    """Write the details to the data folder; None if even that fails (the details are still shown)."""
    try:
        folder = data_dir() / "crash-reports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.txt"
        path.write_text(crash_details(error), encoding="utf-8")
        return path
    except OSError:
        return None
