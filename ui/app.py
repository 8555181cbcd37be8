"""Start the window: read the options, open the database, show the studies; or take a screenshot and leave."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from coordinator import i18n
from coordinator.crash import crash_details
from coordinator.demo import load_demo
from coordinator.errors import CoordinatorError
from coordinator.i18n import _
from coordinator.paths import resources_dir
from coordinator.workspace import open_workspace
from ui import messages
from ui.main_window import MainWindow

EXIT_OK, EXIT_ENVIRONMENT, EXIT_BUG = 0, 1, 70  # as on the command line
SETTINGS_NAME = "StudyCoordinator"  # organization and application: where QSettings keeps the window's layout
LANGUAGES = ("en", "fr")
SHOWN_TIMEOUT_MS = 5_000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coordinator", description=_("Study Coordinator: open the window."))
    parser.add_argument("--db", metavar="URL_OR_FILE", help=_(
        "database: an SQLAlchemy URL or an SQLite file (default: COORDINATOR_DB, then the file in your data folder)"))
    parser.add_argument("--screenshot", metavar="FILE.png", type=Path,
                        help=_("open the window, save a picture of it to FILE.png and quit"))
    parser.add_argument("--language", choices=LANGUAGES, help=_("language of the window (default: the system's)"))
    return parser


_translators: list[QTranslator] = []


def prepare_application(app: QApplication, language: str | None) -> None:
    """Names (where QSettings keeps the window's layout) and translations: English plural forms first,
    then the chosen (or the system's) language over them, for our strings and for Qt's own buttons."""
    app.setOrganizationName(SETTINGS_NAME)
    app.setApplicationName(SETTINGS_NAME)
    app.setApplicationDisplayName("Study Coordinator")
    while _translators:
        old = _translators.pop()
        app.removeTranslator(old)
        old.deleteLater()
    locale = QLocale(language) if language else QLocale.system()
    ours = resources_dir() / "translations"
    sources = [("ui_en", None, ours), ("ui", locale, ours),
               ("qtbase", locale, Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))]
    for name, wanted, folder in sources:
        translator = QTranslator(app)
        found = translator.load(name, str(folder)) if wanted is None else translator.load(
            wanted, name, "_", str(folder))
        if found:
            app.installTranslator(translator)
            _translators.append(translator)
    if language:
        i18n.use_language(language)


def run_app(argv: list[str]) -> int:
    """The window's main: returns the exit code (0, 1 when the database cannot be opened, 70 for a bug)."""
    options, qt_arguments = _parser().parse_known_args(argv)
    app = QApplication.instance() or QApplication(["coordinator", *qt_arguments])
    prepare_application(app, options.language)
    unattended = options.screenshot is not None  # nobody is there to close a dialog: say it on stderr
    with messages.reporting_errors():
        try:
            workspace = open_workspace(options.db)
            if workspace.created and workspace.is_default:
                load_demo(workspace.ctx)
            window = MainWindow(workspace)
        except CoordinatorError as problem:  # not a database, newer version, read-only folder
            if unattended:
                print(problem.message, file=sys.stderr)
            else:
                messages.tell_at_start(problem)
            return EXIT_ENVIRONMENT
        except Exception as error:  # a bug before the window exists
            if unattended:
                print(crash_details(error), file=sys.stderr)
            else:
                messages.crash_at_start(error)
            return EXIT_BUG
        try:
            if unattended:
                return _screenshot(app, window, options.screenshot)
            window.restore_layout()
            window.show()
            return app.exec()
        finally:
            window.workspace.ctx.engine.dispose()


def _screenshot(app: QApplication, window: MainWindow, target: Path) -> int:
    """Show the window, wait until the screen shows it, save window.grab() and quit (README, bundle smoke test)."""
    window.show()
    waited = 0

    def take_when_shown() -> None:
        nonlocal waited
        handle = window.windowHandle()
        if not (handle and handle.isExposed()) and waited < SHOWN_TIMEOUT_MS:
            waited += 50
            QTimer.singleShot(50, take_when_shown)
            return
        if window.grab().save(str(target)):
            app.exit(EXIT_OK)
        else:
            print(_("coordinator: cannot write the screenshot {path}").format(path=target), file=sys.stderr)
            app.exit(EXIT_ENVIRONMENT)

    QTimer.singleShot(0, take_when_shown)
    code = app.exec()
    window.close()
    return code
