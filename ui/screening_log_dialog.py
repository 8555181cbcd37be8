"""A study's screening log: the CONSORT-style counts, screen failures by reason, one line per participant (codes
only, never names), and the same as a PDF written in the database thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.screening_log import LogEntry, ScreeningLog, screening_log
from coordinator.errors import CoordinatorError
from ui import messages
from ui.formats import show_date, show_utc_stamp
from ui.forms import ERROR_STYLE, heading_label, message_label, say, value_label
from ui.tables import Index, NamedColumnsModel, set_up_read_only_table
from ui.tasks import run_task

FOLDER_KEY = "documents/folder"
ENTRY_COLUMNS = ("code", "site", "registered", "status", "eligibility", "confirmed", "not_met", "enrolled", "arm")
SUCCESS_STYLE = "color: #1e6b2b;"


class LogEntriesModel(NamedColumnsModel):
    """One participant per row; a study's log is a few hundred lines at most, held in memory."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(ENTRY_COLUMNS, parent)
        self.titles = {"code": self.tr("Code"), "site": self.tr("Site"), "registered": self.tr("Registered"),
                       "status": self.tr("Status"), "eligibility": self.tr("Eligibility"),
                       "confirmed": self.tr("Confirmed, by"), "not_met": self.tr("Criteria not met"),
                       "enrolled": self.tr("Enrolled"), "arm": self.tr("Arm")}
        self._entries: list[LogEntry] = []

    def set_entries(self, entries: list[LogEntry]) -> None:
        self.beginResetModel()
        self._entries = entries
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = ENTRY_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and column in ("eligibility", "not_met") and \
                entry.decision is Decision.not_eligible:
            return QBrush(QColor("#b3261e"))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        values = {
            "code": entry.code, "site": str(entry.site), "registered": show_date(entry.registered_on),
            "status": entry.status.label, "eligibility": entry.decision.label if entry.decision else "–",
            "confirmed": self.tr("{at} ({who})").format(at=show_utc_stamp(entry.confirmed_at), who=entry.confirmed_by)
            if entry.confirmed_at else "–",
            "not_met": ", ".join(entry.criteria_not_met) or "–",
            "enrolled": show_date(entry.enrolled_on) or "–", "arm": entry.arm or "–",
        }
        return values[column]


class ScreeningLogDialog(QDialog):
    def __init__(self, ctx: Context, study: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._study = study
        self.setWindowTitle(self.tr("Screening log of {study}").format(study=study))
        self.resize(1000, 720)
        self.heading = heading_label(1.25)
        self.about = value_label()
        self.counts_box = QGroupBox(self.tr("Screening and enrollment"))
        self.counts = QGridLayout(self.counts_box)
        self.counts.setColumnStretch(2, 1)
        self.counts.setHorizontalSpacing(18)
        self.reasons_box = QGroupBox(self.tr("Screen failures by reason"))
        self.reasons = QTableWidget(0, 4)
        self.reasons.setHorizontalHeaderLabels([self.tr("Criterion"), self.tr("Type"), self.tr("Criterion text"),
                                                self.tr("Participants")])
        set_up_read_only_table(self.reasons)
        self.reasons.setWordWrap(True)
        self.reasons.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        reasons_header = self.reasons.horizontalHeader()
        reasons_header.setStretchLastSection(False)
        reasons_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            reasons_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.reasons_note = value_label()
        reasons_layout = QVBoxLayout(self.reasons_box)
        reasons_layout.addWidget(self.reasons)
        reasons_layout.addWidget(self.reasons_note)
        top = QHBoxLayout()
        top.addWidget(self.counts_box, 2)
        top.addWidget(self.reasons_box, 3)

        self.model = LogEntriesModel(self)
        self.entries = QTableView()
        self.entries.setModel(self.model)
        set_up_read_only_table(self.entries)
        self.entries_label = QLabel()
        self.entries_label.setBuddy(self.entries)

        self.outcome = message_label(SUCCESS_STYLE)
        self.save_button = QPushButton(self.tr("&Save as PDF…"))
        self.save_button.clicked.connect(self.save_pdf)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.about)
        layout.addLayout(top)
        layout.addWidget(self.entries_label)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.reload()
        self.entries.setFocus()

    def reload(self) -> None:
        self.show_log(screening_log(self._ctx, self._study))

    def show_log(self, log: ScreeningLog) -> None:
        self.log = log
        self.heading.setText(f"{log.study} – {log.title}")
        self.about.setText(self.tr("Registry: {ids} · criteria as in study file version {version} · participant "
                                   "codes only, no names").format(ids=log.registry or "–", version=log.version))
        self._show_counts(log)
        self._show_reasons(log)
        self.model.set_entries(log.entries)
        self.entries_label.setText(self.tr("&Participants (%n)", "", len(log.entries)))
        self.entries.resizeColumnsToContents()

    def _show_counts(self, log: ScreeningLog) -> None:
        while self.counts.count():
            item = self.counts.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        counts = log.counts
        lines = [
            (self.tr("Screened (registered)"), counts.screened, 0),
            (self.tr("Screen failures (not eligible)"), counts.screen_failures, 1),
            (self.tr("Withdrawn before enrollment"), counts.withdrawn_before_enrollment, 1),
            (self.tr("Still in screening"), counts.in_screening, 1),
            (self.tr("Confirmed eligible by an investigator"), counts.eligible, 0),
            (self.tr("Enrolled"), counts.enrolled, 0),
        ]
        if len(log.arms) > 1:
            lines += [(f"{arm.code} – {arm.label}", f"{arm.enrolled} / {arm.target}" if arm.target else arm.enrolled,
                       1) for arm in log.arms]
        for row, (text, value, depth) in enumerate(lines):
            name = QLabel(("    " * depth) + text)
            number = QLabel(str(value))
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if depth == 0:
                for label in (name, number):
                    font = label.font()
                    font.setBold(True)
                    label.setFont(font)
            self.counts.addWidget(name, row, 0)
            self.counts.addWidget(number, row, 1)
        self.counts.setRowStretch(len(lines), 1)

    def _show_reasons(self, log: ScreeningLog) -> None:
        categories = {"inclusion": self.tr("Inclusion"), "exclusion": self.tr("Exclusion")}
        self.reasons.setRowCount(len(log.reasons))
        for row, reason in enumerate(log.reasons):
            texts = (reason.criterion, categories.get(reason.category, "–"), reason.text, str(reason.count))
            for column, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if column == 3:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                self.reasons.setItem(row, column, cell)
        notes = []
        if not log.reasons:
            notes.append(self.tr("No screen failure with criteria recorded."))
        if log.failures_without_criteria:
            notes.append(self.tr("%n screen failure(s) recorded by a status change, without an eligibility "
                                 "confirmation naming the criteria.", "", log.failures_without_criteria))
        if sum(r.count for r in log.reasons) > log.counts.screen_failures - log.failures_without_criteria:
            notes.append(self.tr("A participant may fail more than one criterion: the counts add up to more than "
                                 "the screen failures."))
        self.reasons_note.setText("\n".join(notes))
        self.reasons_note.setVisible(bool(notes))
        self.reasons.setVisible(bool(log.reasons))

    def _folder(self) -> str:
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(QSettings().value(FOLDER_KEY, documents))

    def save_pdf(self) -> None:
        """Ask where, then read the log again and draw it in the database thread."""
        name = f"screening-log-{self._study}-{self._ctx.today().isoformat()}.pdf"
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the screening log"),
                                                      str(Path(self._folder()) / name), self.tr("PDF (*.pdf)"))
        if not chosen:
            return
        QSettings().setValue(FOLDER_KEY, str(Path(chosen).parent))
        ctx, study, target = self._ctx, self._study, Path(chosen)
        say(self.outcome, "")
        self.save_button.setEnabled(False)
        from coordinator.documents.screening_log import print_log  # ReportLab: loaded at the first print

        run_task(self, self.tr("Writing the screening log…"),
                 lambda: print_log(ctx, study, target),
                 self._saved, self._not_saved)

    def _saved(self, written: Path) -> None:
        self.save_button.setEnabled(True)
        self.outcome.setStyleSheet(SUCCESS_STYLE)
        say(self.outcome, self.tr("Saved: {path}").format(path=written))

    def _not_saved(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, CoordinatorError):
            self.outcome.setStyleSheet(ERROR_STYLE)
            say(self.outcome, error.message)
        else:
            messages.report(error, self)
