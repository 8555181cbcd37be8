"""The house: its rooms exist and its dependencies point one way, ui → coordinator → db, with Qt only in ui/.

Imports are read with ast from every file (also those inside functions and `importlib.import_module("...")`),
and the command line is run in a fresh interpreter to see that it loads no Qt at all.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_PACKAGES = ("PySide6", "shiboken6")

# package folder → top-level packages it must never import
FORBIDDEN = {
    "coordinator": {*QT_PACKAGES, "ui"},
    "db": {*QT_PACKAGES, "ui", "coordinator"},
}


def imported_modules(source: str, filename: str = "<source>") -> Iterator[tuple[int, str]]:
    """(line, module) for every absolute import in the source, wherever it stands."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and _called_name(node.func) in ("import_module", "__import__")):
            yield node.lineno, node.args[0].value


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def violations(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imported_modules(path.read_text(encoding="utf-8"), str(path)):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_the_import_reader_sees_every_kind_of_import() -> None:
    source = (
        "import os, PySide6.QtCore\n"
        "from ui import app\n"
        "def later():\n"
        "    from PySide6.QtWidgets import QWidget\n"
        "    import importlib\n"
        "    importlib.import_module('shiboken6')\n"
        "    __import__('coordinator.cli')\n"
        "from . import sibling\n"
    )
    assert [module for _line, module in imported_modules(source)] == [
        "os", "PySide6.QtCore", "ui", "PySide6.QtWidgets", "importlib", "shiboken6", "coordinator.cli"]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package: str) -> None:
    assert list((ROOT / package).rglob("*.py")), f"{package}/ has no Python files: is the layout gone?"
    assert violations(package) == [], f"{package}/ must not import {sorted(FORBIDDEN[package])}"


@pytest.mark.parametrize("path", [
    "coordinator/", "ui/", "db/", "db/migrations/versions/", "resources/studies/", "resources/fonts/", "tests/",
    "pyproject.toml", "constraints.txt", "build.spec", "README.md", ".ci/run", "scripts/start", "scripts/test",
])
def test_the_layout_is_there(path: str) -> None:
    found = ROOT / path
    assert found.is_dir() if path.endswith("/") else found.is_file(), f"{path} is missing"


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *arguments], cwd=cwd, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def test_the_launcher_runs_a_command_without_loading_qt(tester_db: Path, tmp_path: Path, signed_in_env: None) -> None:
    database = tester_db
    program = (
        "import sys\n"
        "from ui.launcher import main\n"
        f"code = main(['studies', '--db', {str(database)!r}])\n"
        "qt = sorted(name for name in sys.modules if name.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print('QT-MODULES:', qt, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = _run(["-c", program], tmp_path)
    assert "MILA" in done.stdout, "the command did not run"
    assert "QT-MODULES: []" in done.stderr


def test_python_m_coordinator_loads_no_qt(tester_db: Path, tmp_path: Path, signed_in_env: None) -> None:
    database = tester_db
    # -X importtime lists every module the interpreter imports, one per line, on stderr.
    done = _run(["-X", "importtime", "-m", "coordinator", "studies", "--db", str(database)], tmp_path)
    assert "MILA" in done.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "coordinator.cli.main" in imported, "the import list was not read"
    assert [name for name in imported if name.split(".")[0] in QT_PACKAGES] == []


def test_the_readme_opens_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("```")
    assert [line.split("#")[0].strip() for line in lines[1:3]] == ["scripts/start", "scripts/test"]
    assert lines[3] == "```"


def test_the_readme_pictures_and_scripts_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert pictures, "the README shows no screenshot"
    assert [picture for picture in pictures if not (ROOT / picture).is_file()] == []
    for script in ("scripts/start", "scripts/test", ".ci/run"):
        assert os.access(ROOT / script, os.X_OK), f"{script} is not executable (chmod +x, then git add)"
