"""The main window: the studies on the left, the selected study's participants on the right."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from itertools import pairwise

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from coordinator.participants.queries import get_participant
from coordinator.participants.register import Registered
from coordinator.studies import catalogue
from coordinator.studies.catalogue import StudySummary
from coordinator.workspace import Workspace
from ui.backup_actions import BackupActions
from ui.consent_todo_dialog import ConsentTodoDialog
from ui.participant_page import ParticipantPage
from ui.participant_panel import ParticipantPanel
from ui.registration_dialog import RegistrationDialog
from ui.screening_log_dialog import ScreeningLogDialog
from ui.study_list import StudyList
from ui.study_problems_banner import StudyProblemsBanner
from ui.tasks import tasks_running

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
        self.backups = BackupActions(self, lambda: self._workspace)
        self.backups.restored.connect(self.set_workspace)

        self.banner = StudyProblemsBanner()
        self.studies = StudyList()
        self.studies.setMinimumWidth(STUDY_LIST_MINIMUM_WIDTH)
        self.studies.study_selected.connect(self._show_study)
        self.participants = ParticipantPanel(workspace.ctx)
        self.participants.register_button.clicked.connect(self.register_participant)
        self.participants.participant_opened.connect(self.open_participant)
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
        self.database = QLabel()
        self.statusBar().addPermanentWidget(self.database)
        self.set_workspace(workspace)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.backups.back_up_action)
        file_menu.addAction(self.backups.restore_action)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        study_menu = self.menuBar().addMenu(self.tr("&Study"))
        study_menu.addAction(self.screening_log_action)
        participants_menu = self.menuBar().addMenu(self.tr("&Participants"))
        participants_menu.addAction(self.register_action)
        participants_menu.addAction(self.find_action)
        participants_menu.addAction(self.tr("Consent &to-do…"), self.consent_todo)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About Study Coordinator"), self.about)

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
        self.banner.show_problems(workspace.study_problems)
        self.database.setText(self.tr("Database: {location}").format(location=database_location(workspace.ctx.url)))
        self.refresh()

    def refresh(self) -> None:
        """Read the studies' counts again and re-run the participant query (selection and filters kept)."""
        summaries = catalogue.summaries(self._workspace.ctx)
        self._summaries = {summary.code: summary for summary in summaries}
        self.studies.show_summaries(summaries, self.participants.study)
        self.register_action.setEnabled(bool(summaries))
        self.screening_log_action.setEnabled(bool(summaries))
        self.participants.register_button.setEnabled(bool(summaries))

    def _show_study(self, code: str) -> None:
        self.participants.show_study(self._summaries[code])

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

    def consent_todo(self) -> ConsentTodoDialog:
        dialog = ConsentTodoDialog(self._workspace.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def about(self) -> None:
        try:
            number = version("study-coordinator")
        except PackageNotFoundError:
            number = "–"
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
        if tasks_running():  # a backup or restore must finish: stopping it halfway could lose its result
            event.ignore()
            self.statusBar().showMessage(self.tr("Please wait: the backup or restore is still running."), 5000)
            return
        if self._remember_layout:
            settings = QSettings()
            settings.setValue(GEOMETRY_KEY, self.saveGeometry())
            settings.setValue(SPLITTER_KEY, self.splitter.saveState())
            if self.participants.study:
                settings.setValue(STUDY_KEY, self.participants.study)
        super().closeEvent(event)
