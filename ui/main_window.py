"""The main window: the studies on the left, the selected study's participants on the right."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from coordinator.about import program_version
from coordinator.audit.chain import ChainReport, verify
from coordinator.participants.queries import get_participant
from coordinator.participants.register import Registered
from coordinator.security import settings as security_settings
from coordinator.security.permissions import Permission
from coordinator.security.settings import SecuritySettings
from coordinator.studies import catalogue
from coordinator.studies.catalogue import StudySummary
from coordinator.workspace import Workspace
from ui.audit_dialog import AuditDialog
from ui.backup_actions import BackupActions
from ui.consent_todo_dialog import ConsentTodoDialog
from ui.forms import ERROR_STYLE
from ui.idle_lock import MINUTE_MS, IdleLock
from ui.participant_page import ParticipantPage
from ui.participant_panel import ParticipantPanel
from ui.password_dialog import PasswordDialog
from ui.print_actions import PrintActions
from ui.registration_dialog import RegistrationDialog
from ui.scan_field import ScanField
from ui.screening_log_dialog import ScreeningLogDialog
from ui.signed_in_user import permit, signed_in_text
from ui.study_list import StudyList
from ui.study_problems_banner import StudyProblemsBanner
from ui.tasks import run_task, tasks_running
from ui.users_dialog import UsersDialog

DEFAULT_SIZE = (1280, 800)
STUDY_LIST_WIDTH, STUDY_LIST_MINIMUM_WIDTH = 360, 220
GEOMETRY_KEY, SPLITTER_KEY, STUDY_KEY = "window/geometry", "window/splitter", "window/study"
STATUS_MESSAGE_MS = 15_000


def database_location(url: str) -> str:
    """Where the data lives, as the user reads it: the file for SQLite, the URL without its password otherwise."""
    shown = QUrl(url)
    shown.setPassword("")
    return shown.toDisplayString().removeprefix("sqlite:///")


class MainWindow(QMainWindow):
    """Owns the open workspace; everything it shows is read through coordinator services."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self._workspace = workspace
        self._summaries: dict[str, StudySummary] = {}
        self._remember_layout = False
        self.setWindowTitle(self.tr("Study Coordinator"))
        self.resize(*DEFAULT_SIZE)

        self.register_action = QAction(self.tr("&Register participant…"), self)
        self.register_action.setShortcut(QKeySequence.StandardKey.New)
        self.register_action.setToolTip(self.tr("Register a participant in the selected study (Ctrl+N)"))
        self.register_action.triggered.connect(self.register_participant)
        self.find_action = QAction(self.tr("&Find participant"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.screening_log_action = QAction(self.tr("Screening &log…"), self)
        self.screening_log_action.setToolTip(self.tr("Screened, eligible, enrolled and screen failures by reason "
                                                     "for the selected study, as a view and a PDF"))
        self.screening_log_action.triggered.connect(self.screening_log)
        self.audit_action = QAction(self.tr("&Audit trail…"), self)
        self.audit_action.setToolTip(self.tr("Every change and event, filtered by study, participant, user, "
                                             "table and period, and its export to CSV or PDF"))
        self.audit_action.triggered.connect(self.audit_trail)
        self.backups = BackupActions(self, lambda: self._workspace)
        self.backups.restored.connect(self.set_workspace)
        self.lock_action = QAction(self.tr("&Lock now"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setStatusTip(self.tr("Cover the window and ask for your password before going on"))
        self.lock_action.triggered.connect(lambda: self.idle_lock.lock_now())
        self.change_password_action = QAction(self.tr("Change &password…"), self)
        self.change_password_action.triggered.connect(self.change_password)
        self.users_action = QAction(self.tr("&Users…"), self)
        self.users_action.setToolTip(self.tr("Accounts, their roles and role history, passwords, and the sign-in "
                                             "settings"))
        self.users_action.triggered.connect(self.manage_users)
        self.samples_action = QAction(self.tr("&Samples…"), self)
        self.samples_action.setToolTip(self.tr("Every sample of the studies you may read: filter, sort, open, store, "
                                               "ship and label them"))
        self.samples_action.triggered.connect(self.samples_view)
        self.storage_action = QAction(self.tr("S&torage…"), self)
        self.storage_action.setToolTip(self.tr("Freezers, racks and boxes, the map of each box, and where a sample "
                                               "is"))
        self.storage_action.triggered.connect(self.storage_view)
        self.scan = ScanField(workspace.ctx)
        self.scan_action = QAction(self.tr("S&can a sample id"), self)
        self.scan_action.setShortcut(QKeySequence("F6"))
        self.scan_action.setToolTip(self.tr("Put the cursor in the scan field (F6): scan a tube and its sample opens"))
        self.scan_action.triggered.connect(self.scan.focus)

        self.banner = StudyProblemsBanner()
        self.studies = StudyList()
        self.studies.setMinimumWidth(STUDY_LIST_MINIMUM_WIDTH)
        self.studies.study_selected.connect(self._show_study)
        self.participants = ParticipantPanel(workspace.ctx)
        self.participants.register_button.clicked.connect(self.register_participant)
        self.participants.participant_opened.connect(self.open_participant)
        self.printing = PrintActions(self, lambda: self._workspace.ctx, self.participants,
                                     lambda: self._summaries.get(self.participants.study or ""))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.studies)
        self.splitter.addWidget(self.participants)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([STUDY_LIST_WIDTH, DEFAULT_SIZE[0] - STUDY_LIST_WIDTH])
        self.splitter.setChildrenCollapsible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self._set_tab_order()
        self.audit_warning = QLabel()
        self.audit_warning.setStyleSheet(ERROR_STYLE)
        self.audit_warning.hide()
        self.signed_in = QLabel()
        self.database = QLabel()
        for label in (self.audit_warning, self.signed_in, self.database):
            label.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(label)
        minutes = security_settings.load(workspace.ctx).idle_lock_minutes
        self.idle_lock = IdleLock(self, lambda: self._workspace.ctx, minutes * MINUTE_MS)
        self.idle_lock.unlocked.connect(self.show_signed_in)
        self.set_workspace(workspace)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.backups.back_up_action)
        file_menu.addAction(self.backups.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.change_password_action)
        file_menu.addAction(self.users_action)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        study_menu = self.menuBar().addMenu(self.tr("&Study"))
        study_menu.addAction(self.screening_log_action)
        study_menu.addSeparator()
        study_menu.addAction(self.audit_action)
        participants_menu = self.menuBar().addMenu(self.tr("&Participants"))
        participants_menu.addAction(self.register_action)
        participants_menu.addAction(self.find_action)
        participants_menu.addAction(self.tr("Consent &to-do…"), self.consent_todo)
        self.printing.fill(self.menuBar().addMenu(self.tr("P&rint")))
        samples_menu = self.menuBar().addMenu(self.tr("Sa&mples"))
        samples_menu.addAction(self.samples_action)
        samples_menu.addAction(self.storage_action)
        samples_menu.addSeparator()
        samples_menu.addAction(self.scan_action)
        self._build_toolbar()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About Study Coordinator"), self.about)

    def _build_toolbar(self) -> None:
        """The samples view, storage and the scan field, always in reach: a scan from anywhere opens the sample."""
        toolbar = self.addToolBar(self.tr("Samples"))
        toolbar.setObjectName("samples-toolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.samples_action)
        toolbar.addAction(self.storage_action)
        toolbar.addSeparator()
        scan_label = QLabel(self.tr("Sample scan (F6):"))
        scan_label.setContentsMargins(6, 0, 6, 0)
        toolbar.addWidget(scan_label)
        toolbar.addWidget(self.scan)

    def _set_tab_order(self) -> None:
        filters = self.participants.filters
        chain = [self.studies, filters.search, filters.arm, filters.status, filters.site, self.participants.table,
                 self.participants.register_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    def set_workspace(self, workspace: Workspace) -> None:
        """Show a workspace: at start, and again after a restore replaced the database."""
        previous = self._workspace
        self._workspace = workspace
        if previous is not workspace:
            previous.ctx.engine.dispose()
        self.participants.set_context(workspace.ctx)
        self.scan.set_context(workspace.ctx)
        self.banner.show_problems(workspace.study_problems)
        self.database.setText(self.tr("Database: {location}").format(location=database_location(workspace.ctx.url)))
        self.show_signed_in()
        self.refresh()

    def show_signed_in(self) -> None:
        """Who is signed in, in the status bar, and the actions their roles allow (at start, after a restore, an
        unlock: the roles are read again by every sign-in and every write)."""
        self.signed_in.setText(signed_in_text(self._workspace.ctx.user))
        self._apply_roles()

    def _apply_roles(self) -> None:
        """Grey the actions the user's roles do not allow on the selected study (a courtesy: the services refuse
        them anyway, and a refusal that happens all the same is shown as a message)."""
        ctx = self._workspace.ctx
        for target in (self.register_action, self.participants.register_button):
            permit(target, ctx, Permission.RECORD, self.participants.study, possible=bool(self._summaries))
        permit(self.backups.back_up_action, ctx, Permission.BACKUP)
        permit(self.backups.restore_action, ctx, Permission.RESTORE)
        permit(self.audit_action, ctx, Permission.REVIEW_AUDIT)
        permit(self.users_action, ctx, Permission.MANAGE_USERS)
        self.printing.apply_roles()
        for target in (self.samples_action, self.storage_action, self.scan_action, self.scan):
            permit(target, ctx, Permission.READ)

    def refresh(self) -> None:
        """Read the studies' counts again and re-run the participant query (selection and filters kept).

        Only the studies the user may read are listed. The catalogue stays global (the users window grants
        roles on any study, and a study's registry entry and counts are public); what the window offers to open
        is the user's business, and the services refuse another study's participants anyway."""
        ctx = self._workspace.ctx
        summaries = [summary for summary in catalogue.summaries(ctx) if ctx.may(Permission.READ, summary.code)]
        self._summaries = {summary.code: summary for summary in summaries}
        self.studies.show_summaries(summaries, self.participants.study)
        self.screening_log_action.setEnabled(bool(summaries))
        self._apply_roles()

    def _show_study(self, code: str) -> None:
        self.participants.show_study(self._summaries[code])
        self._apply_roles()

    def focus_search(self) -> None:
        search = self.participants.filters.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def register_participant(self) -> RegistrationDialog | None:
        code = self.participants.study
        if code is None:
            return None
        dialog = RegistrationDialog(self._workspace.ctx, code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.registered.connect(self._after_registration)
        dialog.open()
        return dialog

    def _after_registration(self, result: Registered) -> None:
        self.refresh()
        self.participants.select_participant(get_participant(self._workspace.ctx, result.code).row.id)
        self.statusBar().showMessage(" ".join([self.tr("Registered {code}.").format(code=result.code),
                                               *result.warnings]), STATUS_MESSAGE_MS)

    def open_participant(self, code: str) -> ParticipantPage:
        page = ParticipantPage(self._workspace.ctx, code, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.changed.connect(self.refresh)
        page.open()
        return page

    def screening_log(self) -> ScreeningLogDialog | None:
        code = self.participants.study
        if code is None:
            return None
        dialog = ScreeningLogDialog(self._workspace.ctx, code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def audit_trail(self) -> AuditDialog:
        dialog = AuditDialog(self._workspace.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def samples_view(self) -> QWidget:
        """The study-wide samples view (not modal), for the selected study; raised when it is open already."""
        from ui.samples_window import SamplesWindow

        return self._show_once(SamplesWindow, lambda: SamplesWindow(self._workspace.ctx, self,
                                                                    self.participants.study))

    def storage_view(self) -> QWidget:
        """Freezers, racks and boxes (not modal: it stays open beside the samples view)."""
        from ui.storage_dialog import StorageDialog

        return self._show_once(StorageDialog, lambda: StorageDialog(self._workspace.ctx, self))

    def _show_once(self, kind: type[QWidget], make: Callable[[], QWidget]) -> QWidget:
        shown = next((window for window in self.findChildren(kind) if window.isVisible()), None)
        if shown is None:
            shown = make()
            shown.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            shown.show()
        else:
            shown.raise_()
            shown.activateWindow()
        return shown

    def consent_todo(self) -> ConsentTodoDialog:
        dialog = ConsentTodoDialog(self._workspace.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def manage_users(self) -> UsersDialog:
        dialog = UsersDialog(self._workspace.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_saved.connect(self._apply_security_settings)
        dialog.open()
        return dialog

    def _apply_security_settings(self, changed: SecuritySettings) -> None:
        """A new idle time applies to this window at once (the lockout is read by every sign-in anyway)."""
        self.idle_lock.set_timeout(changed.idle_lock_minutes * MINUTE_MS)

    def change_password(self) -> PasswordDialog:
        dialog = PasswordDialog(self._workspace.ctx, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(self.tr("Your password was changed."),
                                                                     STATUS_MESSAGE_MS))
        dialog.open()
        return dialog

    def verify_audit_trail(self) -> None:
        """Check the audit trail's hash chain in the database thread (at start, once the window shows); a trail
        that is not intact is said at once, and stays said in the status bar."""
        engine = self._workspace.ctx.engine
        label = self.tr("Checking the audit trail…")
        self.statusBar().showMessage(label)
        run_task(self, label, lambda: verify(engine), self._audit_checked, quiet=True)

    def _audit_checked(self, report: ChainReport) -> QMessageBox | None:
        self.statusBar().clearMessage()
        if report.intact:
            self.audit_warning.hide()
            return None
        count = len(report.faults)
        self.audit_warning.setText(self.tr("Audit trail: %n finding(s)", "", count))
        self.audit_warning.setToolTip(self.tr("Run 'coordinator audit verify' for the rows at fault"))
        self.audit_warning.show()
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Audit trail not intact"), self.tr(
            "The check of the audit trail at start found %n problem(s): rows of the trail were changed, removed or "
            "added outside Study Coordinator.", "", count), QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(self.tr(
            "Tell the administrator. The command 'coordinator audit verify' lists the rows at fault; keep a copy of "
            "this database as it is until the cause is known."))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def about(self) -> None:
        number = program_version()
        QMessageBox.about(self, self.tr("About Study Coordinator"), self.tr(
            "Study Coordinator {version}\n\nRun clinical studies at a hospital site, offline: studies, "
            "participant register and audit trail.\n\nDatabase: {database}").format(
                version=number, database=database_location(self._workspace.ctx.url)))

    def restore_layout(self) -> None:
        """Put the window back as the user left it, and remember it on close from now on."""
        self._remember_layout = True
        settings = QSettings()
        geometry = settings.value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = settings.value(SPLITTER_KEY)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        study = settings.value(STUDY_KEY)
        if study in self._summaries and study != self.participants.study:
            self.studies.show_summaries(list(self._summaries.values()), study)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if tasks_running():  # a backup, restore or print must finish: stopping it halfway could lose its result
            event.ignore()
            self.statusBar().showMessage(
                self.tr("Please wait: the work in progress (a backup, a check, printing) must end first."), 5000)
            return
        self.idle_lock.stop()
        if self._remember_layout:
            settings = QSettings()
            settings.setValue(GEOMETRY_KEY, self.saveGeometry())
            settings.setValue(SPLITTER_KEY, self.splitter.saveState())
            if self.participants.study:
                settings.setValue(STUDY_KEY, self.participants.study)
        super().closeEvent(event)
