"""Start the window: read the options, open the database, sign in, show the studies; or take a screenshot and leave.

At start: the administrator is created if the database has no accounts yet, then the user signs in (and changes a
password an administrator set). An unattended screenshot cannot ask anyone: it signs in from COORDINATOR_USER and
COORDINATOR_PASSWORD, as the command line does, and says on stderr why it cannot.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog

from coordinator import i18n
from coordinator.cli.session import NEW_PASSWORD_ENV, PASSWORD_ENV, USER_ENV
from coordinator.crash import crash_details
from coordinator.demo import load_demo
from coordinator.errors import CoordinatorError, InputError, NotPermitted
from coordinator.i18n import _
from coordinator.paths import resources_dir
from coordinator.security import accounts
from coordinator.security.signin import sign_in
from coordinator.workspace import Workspace, open_workspace
from ui import messages
from ui.first_admin_dialog import FirstAdminDialog
from ui.main_window import MainWindow
from ui.password_dialog import PasswordDialog
from ui.sign_in_dialog import SignInDialog

EXIT_OK, EXIT_ENVIRONMENT, EXIT_REFUSED, EXIT_BUG = 0, 1, 3, 70  # as on the command line
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
    """The window's main: returns the exit code (0, also when the user cancels signing in; 1 when the database
    cannot be opened; 3 when an unattended start cannot sign in; 70 for a bug)."""
    options, qt_arguments = _parser().parse_known_args(argv)
    app = QApplication.instance() or QApplication(["coordinator", *qt_arguments])
    prepare_application(app, options.language)
    unattended = options.screenshot is not None  # nobody is there to close a dialog: say it on stderr
    with messages.reporting_errors():
        workspace: Workspace | None = None
        window: MainWindow | None = None
        try:
            try:
                workspace = open_workspace(options.db)
                if workspace.created and workspace.is_default:  # before the first dialog: no wait between two
                    load_demo(workspace.ctx.as_program())  # the program's own demo, in the database it just made
                if unattended:
                    refusal = sign_in_unattended(workspace, options.db)
                    if refusal:
                        print(refusal, file=sys.stderr)
                        return EXIT_REFUSED
                elif not sign_in_at_start(workspace):
                    return EXIT_OK
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
            if unattended:
                return _screenshot(app, window, options.screenshot)
            window.restore_layout()
            window.show()
            QTimer.singleShot(0, window.verify_audit_trail)
            return app.exec()
        finally:
            shown = window.workspace if window is not None else workspace  # a restore replaces the workspace
            if shown is not None:
                shown.ctx.engine.dispose()


def sign_in_at_start(workspace: Workspace) -> bool:
    """The dialogs before the window: the first administrator if there is no account yet, the sign-in, and the
    change of a password an administrator set. False when the user cancels one of them (the program then quits)."""
    ctx = workspace.ctx
    login = ""
    if not accounts.has_accounts(ctx):
        first = FirstAdminDialog(ctx)
        if first.exec() != QDialog.DialogCode.Accepted:
            return False
        login = first.login
    if SignInDialog(ctx, login).exec() != QDialog.DialogCode.Accepted:
        return False
    if ctx.user.must_change_password:
        return PasswordDialog(ctx, forced=True).exec() == QDialog.DialogCode.Accepted
    return True


def sign_in_unattended(workspace: Workspace, db: str | None) -> str:
    """Sign in from COORDINATOR_USER and COORDINATOR_PASSWORD; returns why that is not possible ("" once signed in)."""
    ctx = workspace.ctx
    if not accounts.has_accounts(ctx):
        where = f' --db "{db}"' if db else ""
        return _(
            "coordinator: this database has no accounts yet, so nobody can sign in to take the screenshot. Create "
            "its administrator first (the password in {new_password}):\n"
            "  coordinator init{where} --admin ID --name \"FULL NAME\"\n"
            "then give that account in {user} and {password}."
        ).format(new_password=NEW_PASSWORD_ENV, where=where, user=USER_ENV, password=PASSWORD_ENV)
    login, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not login or password is None:
        return _("coordinator: nobody is there to sign in for the screenshot: give the user id in {user} and the "
                 "password in {password}.").format(user=USER_ENV, password=PASSWORD_ENV)
    try:
        principal = sign_in(ctx, login, password)
    except (InputError, NotPermitted) as refused:
        return f"coordinator: {refused.message}"
    if principal.must_change_password:
        return _("coordinator: {login} must change the password first: 'coordinator user password'.").format(
            login=principal.login)
    return ""


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
