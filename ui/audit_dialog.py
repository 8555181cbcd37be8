"""The audit trail viewer: filters (study, participant, user, table, period), the rows newest first, read lazily,
and the export of what the filters keep to CSV or PDF (identity values masked, the export logged), written in the
database thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.audit import trail
from coordinator.audit.trail import AuditQuery
from coordinator.context import Context
from coordinator.errors import CoordinatorError, InputError
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from ui import messages
from ui.audit_table_model import COLUMNS, AuditTableModel
from ui.date_input import DateInput
from ui.forms import ERROR_STYLE, heading_label, message_label, say, value_label
from ui.screening_log_dialog import FOLDER_KEY, SUCCESS_STYLE
from ui.tables import set_up_read_only_table
from ui.tasks import run_task

if TYPE_CHECKING:
    from coordinator.audit.export import Exported

TYPING_PAUSE_MS = 300  # the participant code is applied after a pause in typing
COLUMN_WIDTHS = {  # a sample of what the column shows; the participant, last, takes what is left
    "id": "100000", "when": "2026-11-21 10:30:00", "who": "administrator", "action": "update",
    "table": "eligibility_confirmation", "record": "12345", "field": "study_version_id", "old": "2026-11-21 (old)",
    "new": "a new value, longer", "reason": "a reason, of some length"}


class AuditDialog(QDialog):
    """Opened from Study > Audit trail… by someone who may review the audit trail."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1240, 760)
        self.heading = heading_label(1.25)
        self.heading.setText(self.tr("Audit trail"))
        self.about = value_label()
        self.about.setText(self.tr("Every change and event, newest first, times in UTC. Names and other identity "
                                   "values are shown here, at the site; the CSV and PDF exports mask them, and "
                                   "every export is logged."))

        self.study = QComboBox()
        self.study.addItem(self.tr("All studies"), None)
        for summary in catalogue.summaries(ctx):
            if ctx.may(Permission.REVIEW_AUDIT, summary.code):
                self.study.addItem(summary.code, summary.code)
        self.participant = QLineEdit()
        self.participant.setPlaceholderText(self.tr("Participant code"))
        self.participant.setClearButtonEnabled(True)
        self.participant.setFixedWidth(self.participant.fontMetrics().horizontalAdvance("ELIT-AML01-01-0001MMMM"))
        self.user = QComboBox()
        self.user.addItem(self.tr("All users"), None)
        for login in trail.actors(ctx):
            self.user.addItem(login, login)
        self.table_name = QComboBox()
        self.table_name.addItem(self.tr("All tables"), None)
        for name in trail.tables(ctx):
            self.table_name.addItem(name, name)
        self.since = DateInput("since")
        self.until = DateInput("until")
        for dates in (self.since, self.until):
            dates.setToolTip(self.tr("A day in UTC, included"))
            dates.editingFinished.connect(self._dates_edited)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.apply_filters)
        self.participant.textChanged.connect(lambda _text: self._pause.start())
        self.participant.returnPressed.connect(self.apply_filters)
        for combo in (self.study, self.user, self.table_name):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self.apply_filters)
        filters = QHBoxLayout()
        fields = ((self.tr("&Study:"), self.study), (self.tr("&Participant:"), self.participant),
                  (self.tr("&User:"), self.user), (self.tr("&Table:"), self.table_name),
                  (self.tr("&From:"), self.since), (self.tr("T&o:"), self.until))
        for text, field in fields:
            label = QLabel(text)
            label.setBuddy(field)
            filters.addWidget(label)
            filters.addWidget(field)
            filters.addSpacing(10)
        filters.addStretch(1)
        self.problem = message_label(ERROR_STYLE)

        self.model = AuditTableModel(ctx, self)
        self.rows = QTableView()
        self.rows.setModel(self.model)
        set_up_read_only_table(self.rows)
        header = self.rows.horizontalHeader()
        metrics = self.rows.fontMetrics()
        for name, sample in COLUMN_WIDTHS.items():
            header.resizeSection(COLUMNS.index(name), metrics.horizontalAdvance(sample) + 12)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.count = QLabel()
        self.count.setBuddy(self.rows)

        self.outcome = message_label(SUCCESS_STYLE)
        self.csv_button = QPushButton(self.tr("Export &CSV…"))
        self.csv_button.setToolTip(self.tr("Every row the filters keep, for a spreadsheet or a program"))
        self.csv_button.clicked.connect(lambda: self.export(".csv"))
        self.pdf_button = QPushButton(self.tr("Export P&DF…"))
        self.pdf_button.setToolTip(self.tr("The rows the filters keep, to read or print (a few thousand at most)"))
        self.pdf_button.clicked.connect(lambda: self.export(".pdf"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter in a filter applies it; it must not export or close
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.outcome, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.about)
        layout.addSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addWidget(self.count)
        layout.addWidget(self.rows, 1)
        layout.addLayout(bottom)
        self.apply_filters()
        self.rows.setFocus()

    def query(self) -> AuditQuery:
        """The filters as shown; InputError (naming the date field) for a date that is not one."""
        return AuditQuery(study=self.study.currentData(), participant=self.participant.text(),
                          actor=self.user.currentData(), table=self.table_name.currentData(),
                          since=self.since.value(), until=self.until.value())

    def apply_filters(self) -> None:
        """Count and show what the filters keep; a bad filter is said under the filters, the table stays."""
        self._pause.stop()
        try:
            self.model.set_query(self.query())
        except CoordinatorError as error:  # a date that is not one, a period that ends before it starts, a refusal
            say(self.problem, error.message)
            field = error.field if isinstance(error, InputError) else None
            {"since": self.since, "until": self.until}.get(field or "", self.participant).setFocus()
            return
        say(self.problem, "")
        self._show_count()

    def _dates_edited(self) -> None:
        try:
            wanted = self.query()
        except InputError:
            wanted = None
        if wanted != self.model.query:  # editingFinished also comes when the field only loses the focus
            self.apply_filters()

    def _show_count(self) -> None:
        total = self.model.row_total()
        number = QLocale().toString(total)
        self.count.setText(self.tr("1 row") if total == 1 else self.tr("{count} rows").format(count=number))

    def _folder(self) -> str:
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(QSettings().value(FOLDER_KEY, documents))

    def export(self, kind: str) -> None:
        """Ask where, then write the rows the filters keep in the database thread."""
        try:
            query = self.query()
        except InputError as error:
            say(self.problem, error.message)
            return
        study = f"-{query.study}" if query.study else ""
        name = f"audit-trail{study}-{self._ctx.today().isoformat()}{kind}"
        kinds = self.tr("CSV (*.csv)") if kind == ".csv" else self.tr("PDF (*.pdf)")
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Export the audit trail"),
                                                      str(Path(self._folder()) / name), kinds)
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != kind:
            target = target.with_name(target.name + kind)
        QSettings().setValue(FOLDER_KEY, str(target.parent))
        ctx = self._ctx
        say(self.outcome, "")
        self._set_exporting(True)
        from coordinator.audit.export import export_trail  # ReportLab: loaded at the first export, not at start

        run_task(self, self.tr("Exporting the audit trail…"), lambda: export_trail(ctx, query, target),
                 self._exported, self._not_exported)

    def _set_exporting(self, busy: bool) -> None:
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(not busy)

    def _exported(self, done: Exported) -> None:
        self._set_exporting(False)
        self.outcome.setStyleSheet(SUCCESS_STYLE)
        say(self.outcome, self.tr("Exported {count} rows: {path}").format(count=QLocale().toString(done.rows),
                                                                          path=done.path))
        self.model.refresh()  # the export's own log entry
        self._show_count()

    def _not_exported(self, error: BaseException) -> None:
        self._set_exporting(False)
        if isinstance(error, CoordinatorError):
            self.outcome.setStyleSheet(ERROR_STYLE)
            say(self.outcome, error.message)
        else:
            messages.report(error, self)
