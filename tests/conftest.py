"""Fixtures shared by every test: each test gets its own data folder and database, nothing touches the user's."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from coordinator.workspace import Workspace, open_workspace

FIXED_NOW = datetime(2026, 11, 21, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data folder per test; COORDINATOR_DB is cleared so the default is that folder's file."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COORDINATOR_DATA_DIR", str(folder))
    monkeypatch.delenv("COORDINATOR_DB", raising=False)
    return folder


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "study.sqlite3"


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: FIXED_NOW


@pytest.fixture
def workspace(db_file: Path, clock: Callable[[], datetime]) -> Iterator[Workspace]:
    """A fresh database with the five studies loaded, at a fixed 'now' (2026-11-21)."""
    opened = open_workspace(str(db_file), actor="tester", clock=clock)
    yield opened
    opened.ctx.engine.dispose()
