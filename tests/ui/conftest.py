"""UI fixtures: settings in the test's folder, the window on a fresh workspace, a few known participants."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from coordinator.assignment.enrollment import enroll
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.register import Registration, register
from coordinator.participants.status import change_status
from coordinator.workspace import Workspace
from tests.consenting import sign_all
from tests.enrolling import make_eligible, on_day
from ui.app import prepare_application
from ui.main_window import MainWindow

# The offscreen platform cannot pass size hints to a window manager it does not have, and says so at each window.
OFFSCREEN_NOTICE = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOTICE))


@pytest.fixture(scope="session")
def qapp_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """An offscreen screen of a desktop's size (the default is 800×600, smaller than the window)."""
    config = tmp_path_factory.mktemp("qpa") / "screens.json"
    config.write_text(json.dumps({"screens": [{"name": "desktop", "x": 0, "y": 0, "width": 1920, "height": 1200,
                                               "logicalDpi": 96, "dpr": 1}]}), encoding="utf-8")
    return ["coordinator-tests", "-platform", f"offscreen:configfile={config}"]


@pytest.fixture(autouse=True)
def qt_settings(qapp: QApplication, tmp_path: Path) -> Path:
    """QSettings write into the test's folder, never into the user's configuration."""
    folder = tmp_path / "settings"
    prepare_application(qapp, None)
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def collect_windows() -> Iterator[None]:
    """Free the test's closed windows now, between tests, rather than when the garbage collector happens
    to run in the middle of a later test's paint event (which crashes Qt). Collected before the test too: the
    windows of the test before are closed by qtbot after this fixture's teardown has run. In between, the
    automatic collector is off: a window that only a reference cycle keeps (a lambda holding its `self`) would
    otherwise be freed whenever the allocation count happens to trigger it, e.g. while pytest-qt processes the
    events at the end of a test, in the middle of painting that window's table."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture
def people(workspace: Workspace) -> dict[str, str]:
    """Four MILA participants with known names, sites, ages and statuses; first name -> code. The two enrolled
    ones went through the real screening on their enrollment day: consent, values, confirmation, enrollment."""
    ctx = workspace.ctx
    plan = [
        ("Hervé", "Lefèvre", 1, date(2016, 3, 4), "M", date(2026, 10, 1), ("AL", date(2026, 10, 8))),
        ("Chloé", "Martin", 2, date(2019, 5, 10), "F", date(2026, 10, 2), None),
        ("Léa", "Dubois", 1, date(2012, 1, 20), "F", date(2026, 10, 3), ("CONTROL", date(2026, 10, 10))),
        ("Jules", "Moreau", 3, date(2020, 7, 7), "M", date(2026, 10, 4), Move(Status.screen_failure,
                                                                             date(2026, 10, 11))),
    ]
    codes = {}
    for first, last, site, birth, sex, registered_on, step in plan:
        code = register(ctx, Registration("MILA", site, birth, sex, first, last, registered_on)).code
        if isinstance(step, Move):
            change_status(ctx, code, step, "as planned")
        elif step is not None:
            arm, day = step
            sign_all(on_day(ctx, day), code, day)
            make_eligible(ctx, code, "MILA", arm, day)
            enroll(on_day(ctx, day), code, reason="as planned")
        codes[first] = code
    return codes


@pytest.fixture
def window(qtbot, workspace: Workspace) -> Iterator[MainWindow]:
    shown = MainWindow(workspace)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
