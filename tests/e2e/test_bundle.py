"""The PyInstaller bundle: it builds from build.spec, its command line creates and migrates a database and its
administrator (argon2 frozen), and it signs in, opens the window (offscreen) and saves a screenshot.

Slow (a minute or two): deselect with `-m "not slow"` while working on something else; CI runs it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SEED_STUDIES = {"MILA", "REL-ALL", "BLINA-MRD", "NK-HSCT", "ELIT-AML01"}
PASSWORD = "sunny meadow 42"


def run(command: list[str], *, timeout: float, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; on failure, fail the test with its exit code and the end of its output."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        pytest.fail(f"{command[0]} exited {done.returncode}\n--- stdout\n{done.stdout[-3000:]}\n"
                    f"--- stderr\n{done.stderr[-5000:]}")
    return done.stdout


@pytest.mark.slow
def test_bundle_builds_creates_its_database_and_shows_the_window(tmp_path: Path) -> None:
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"), str(ROOT / "build.spec")],
        timeout=1200, cwd=tmp_path)
    program = tmp_path / "dist" / "coordinator" / "coordinator"
    assert program.is_file(), "build.spec did not produce dist/coordinator/coordinator"

    # Run the bundle away from the checkout, so that nothing can be found there by accident.
    work = tmp_path / "run"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "COORDINATOR_DB")}
    env["COORDINATOR_DATA_DIR"] = str(work / "data")

    # The command line works frozen: the database is created and migrated, its first administrator made (the
    # password hashed by the bundled argon2), the study files found; the commands sign in from the environment.
    database = work / "x.sqlite3"
    signed_in = {**env, "COORDINATOR_USER": "demo", "COORDINATOR_PASSWORD": PASSWORD}
    run([str(program), "init", "--db", str(database), "--admin", "demo", "--name", "Demo Administrator",
         "--investigator", "--demo"], timeout=120, cwd=work, env={**env, "COORDINATOR_NEW_PASSWORD": PASSWORD})
    studies = json.loads(run([str(program), "studies", "--db", str(database), "--json"], timeout=120, cwd=work,
                             env=signed_in))
    assert {study["code"] for study in studies} == SEED_STUDIES
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision, "the bundled migrations did not stamp the database"

    # Printing works frozen: the fonts, the QR codes and the study's forms travel with the bundle.
    casebooks = work / "mila-casebooks.pdf"
    run([str(program), "print", "casebooks", "--study", "MILA", "--out", str(casebooks), "--db", str(database)],
        timeout=300, cwd=work, env=signed_in)
    fonts = subprocess.run(["pdffonts", str(casebooks)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and " no " not in fonts, fonts

    # No command: the window signs in from the environment, opens (offscreen) and saves a screenshot of itself.
    shot = work / "shot.png"
    run([str(program), "--screenshot", str(shot), "--db", str(database)], timeout=120, cwd=work,
        env={**signed_in, "QT_QPA_PLATFORM": "offscreen"})
    assert shot.is_file(), "the bundled program wrote no screenshot"
    with Image.open(shot) as image:
        width, height = image.size
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert width >= 400 and height >= 300, f"screenshot is only {width}x{height}"
    assert colours is None or len(colours) > 20, "the screenshot is (nearly) blank"
    with sqlite3.connect(database) as connection:
        actions = connection.execute("SELECT new_value FROM audit_trail WHERE table_name = 'user_account' "
                                     "AND action = 'event' ORDER BY id").fetchall()
    assert actions.count(("signed in",)) == 3, "the sign-ins of the commands and of the window were not audited"
