"""Fixtures shared by every test: each test gets its own data folder and database, nothing touches the user's."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from coordinator.audit.seal import KEY_FILE
from coordinator.workspace import Workspace, open_workspace
from tests.accounts import PASSWORD, TESTER, act_as, make_tester

FIXED_NOW = datetime(2026, 11, 21, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data folder per test; COORDINATOR_DB is cleared so the default is that folder's file."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COORDINATOR_DATA_DIR", str(folder))
    monkeypatch.delenv("COORDINATOR_DB", raising=False)
    for variable in ("COORDINATOR_USER", "COORDINATOR_PASSWORD", "COORDINATOR_NEW_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    return folder


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "study.sqlite3"


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: FIXED_NOW


@pytest.fixture(scope="session")
def template_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of the databases made once per test process: it holds the key that signs their seals."""
    return tmp_path_factory.mktemp("template-data")


@contextmanager
def in_data_folder(folder: Path) -> Iterator[None]:
    """COORDINATOR_DATA_DIR for fixtures made before the test's own folder exists (wider scopes)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COORDINATOR_DATA_DIR", str(folder))
        yield


@pytest.fixture(scope="session")
def template_db(template_data: Path) -> Path:
    """A database with the five studies and the tester's account, made once per test process and copied."""
    path = template_data / "template.sqlite3"
    with in_data_folder(template_data):
        opened = open_workspace(str(path), clock=lambda: FIXED_NOW)
        make_tester(opened.ctx)
        opened.ctx.engine.dispose()
    return path


@pytest.fixture
def seal_key(template_data: Path, data_dir: Path) -> Path:
    """The template's seal key in the test's data folder, as a site copies its data folder with its database."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(template_data / KEY_FILE, data_dir / KEY_FILE))


@pytest.fixture
def tester_db(template_db: Path, db_file: Path, seal_key: Path) -> Path:
    """The test's database file: the five studies loaded and the tester's account made."""
    shutil.copyfile(template_db, db_file)
    return db_file


@pytest.fixture
def signed_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run as the tester: COORDINATOR_USER and COORDINATOR_PASSWORD, as a script would set them."""
    monkeypatch.setenv("COORDINATOR_USER", TESTER)
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD)


@pytest.fixture
def workspace(tester_db: Path, clock: Callable[[], datetime]) -> Iterator[Workspace]:
    """A fresh database with the five studies loaded, at a fixed 'now' (2026-11-21), the tester signed in."""
    opened = open_workspace(str(tester_db), clock=clock)
    act_as(opened.ctx, TESTER)
    yield opened
    opened.ctx.engine.dispose()
