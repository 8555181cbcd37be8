"""Start -> usable window vs a bare QMainWindow start, in the same run, offscreen, on 100,000 participants.

Budget (issue 2, point 10): start -> usable window <= 4x a bare QMainWindow start measured in the same run.
Since issue 7 the program asks who signs in first: the budget applies to start -> sign-in dialog shown, and the
time from the click on Sign in to the usable window is printed beside it.
Usage: .venv/bin/python bench/startup.py [--count 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import os
import selectors
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import (
    ACTOR,
    PASSWORD,
    STUDY,
    fill_register,
    fresh_workspace,
    machine,
    print_table,
    scratch,
    seconds,
    verdict,
)
from PySide6.QtCore import QSettings

from ui.app import SETTINGS_NAME
from ui.main_window import STUDY_KEY

BUDGET = 4.0
TIMEOUT_S = 120
CHILD = Path(__file__).with_name("startup_child.py")
HEADER = """\
Each figure: the parent's clock from spawning a fresh Python process (bench/startup_child.py) to reading a line
from it: "imported" once its imports are done, "ready" once its window is usable.
  bare   import PySide6; QApplication + QMainWindow, show(); ready at the window's first paint.
  stack  the same, after importing the libraries the program cannot start without (SQLAlchemy, SQLModel,
         pydantic): the floor for any window of this program, before it runs a line of its own.
  real   ui.app.run_app(["--db", FILE]) itself, unchanged: translations, open_workspace (schema check, the five
         study files), the sign-in dialog ("sign-in shown": the program waits for the user), then the child types
         the bench account's id and password and clicks Sign in ("signing in"): argon2id, the audited sign-in,
         MainWindow (study summaries, the participants of the study last looked at: find_ids, then a page of
         rows() as the table paints); ready at the first paint of the table with rows in it.
The program's own modules are byte-compiled first, as an install leaves them.
All offscreen (QT_QPA_PLATFORM=offscreen) with fresh settings and data folders; the settings say the user last
looked at the study with the participants. One untimed start of each first (warm OS cache); starts alternate."""


def remember_study(config: Path) -> None:
    """The window reopens on the study the user last looked at (restore_layout): the one with the participants.
    Without it, the window would open on the alphabetically first study, which is empty here."""
    settings = QSettings(str(config / SETTINGS_NAME / f"{SETTINGS_NAME}.conf"), QSettings.Format.IniFormat)
    settings.setValue(STUDY_KEY, STUDY)
    settings.sync()


def start(kind: str, database: Path, env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawning the child to each line it prints, up to "ready"."""
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(CHILD), kind, str(database)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[str, float] = {}
    try:
        with selectors.DefaultSelector() as waiting:
            waiting.register(process.stdout, selectors.EVENT_READ)
            while "ready" not in seen:
                if not waiting.select(TIMEOUT_S):
                    raise subprocess.TimeoutExpired(process.args, TIMEOUT_S)
                line = process.stdout.readline().strip()
                if not line:
                    break  # the child ended without being ready
                seen[line] = time.perf_counter() - began
        _out, err = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    if "ready" not in seen or process.returncode != 0:
        raise RuntimeError(f"{kind} child failed (exit {process.returncode}): {err}")
    return seen


def compile_program() -> None:
    """Byte-compile our packages, as an install does: without it a machine with PYTHONDONTWRITEBYTECODE set
    (this one) recompiles every module of the program at each start, which no installed copy ever does."""
    root = Path(__file__).resolve().parent.parent
    for package in ("coordinator", "ui", "db"):
        compileall.compile_dir(root / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"Start -> usable window, {args.count:,} participants; median of {args.runs} starts each; {machine()}\n")
    print(HEADER)
    kinds = ("bare", "stack", "real")
    compile_program()
    times: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    with scratch() as folder:
        database = folder / "register.sqlite3"
        fresh_workspace(database).ctx.engine.dispose()
        print(f"\nfixture: {args.count:,} participants by raw inserts in "
              f"{seconds(lambda: fill_register(database, args.count)):.1f} s")
        remember_study(folder / "config")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(folder / "config"),
               "COORDINATOR_USER": ACTOR, "COORDINATOR_PASSWORD": PASSWORD}
        env.pop("COORDINATOR_DB", None)
        for run in range(args.runs + 1):
            for kind in kinds:
                seen = start(kind, database, env)
                if run:  # the first start of each only warms the OS cache
                    times[kind].append(seen)
    median = {kind: {line: statistics.median(seen[line] for seen in times[kind]) for line in ("imported", "ready")}
              for kind in kinds}
    bare = median["bare"]["ready"]
    print()
    print_table(("start", "imports done", "ready", "x bare", "ready, each start (ms)"), [
        (kind, f"{median[kind]['imported'] * 1000:.0f} ms", f"{median[kind]['ready'] * 1000:.0f} ms",
         f"{median[kind]['ready'] / bare:.1f}x", " ".join(f"{seen['ready'] * 1000:.0f}" for seen in times[kind]))
        for kind in kinds
    ])
    shown = statistics.median(seen["sign-in shown"] for seen in times["real"])
    after = statistics.median(seen["ready"] - seen["signing in"] for seen in times["real"])
    print(f"\nreal, start -> sign-in dialog shown: {shown * 1000:.0f} ms = {shown / bare:.1f}x bare "
          f"(budget <= {BUDGET:.0f}x): {verdict(shown <= BUDGET * bare)}")
    print(f"real, Sign in clicked -> usable window: {after * 1000:.0f} ms (argon2id and the audited sign-in included)")


if __name__ == "__main__":
    main()
