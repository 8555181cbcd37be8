"""The right side of the window: the selected study's header, the filters, the participant table and its count."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.participants.queries import ParticipantQuery
from coordinator.studies.catalogue import StudySummary
from ui.participant_filters import ParticipantFilters
from ui.participant_table_model import COLUMNS, ParticipantTableModel
from ui.study_header import StudyHeader
from ui.tables import set_up_read_only_table

# The widest text each column usually holds: widths are set once, never measured over 100,000 rows.
_SAMPLE_TEXT = {
    "code": "ELIT-AML01-01-0000", "site": "Site", "arm": "TREATMENT", "status": "Lost to follow-up",
    "age": "Age", "registered": "00/00/0000", "enrolled": "00/00/0000", "ended": "00/00/0000",
    "consent": "Re-consent due",
}


class ParticipantPanel(QWidget):
    """Signals:
    participant_opened(str): the user pressed Enter on (or double-clicked) a participant; carries the code.
    """

    participant_opened = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary: StudySummary | None = None
        self._kept_id: int | None = None
        self.header = StudyHeader()
        self.filters = ParticipantFilters()
        self.filters.changed.connect(self._apply_filters)
        self.model = ParticipantTableModel(ctx, self)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._after_query)
        self.table = QTableView()
        self.table.setModel(self.model)
        self._set_up_table()
        self.table.activated.connect(self._open)
        self.count = QLabel()
        self.register_button = QPushButton(self.tr("&Register participant…"))
        self.register_button.setToolTip(self.tr("Register a participant in this study (Ctrl+N)"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _set_up_table(self) -> None:
        table = self.table
        set_up_read_only_table(table)
        horizontal = table.horizontalHeader()
        horizontal.setSortIndicator(COLUMNS.index("code"), Qt.SortOrder.AscendingOrder)
        horizontal.setHighlightSections(False)
        metrics = table.fontMetrics()
        for column, key in enumerate(COLUMNS):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            wanted = max(metrics.horizontalAdvance(_SAMPLE_TEXT[key]), metrics.horizontalAdvance(title) + 20)
            table.setColumnWidth(column, wanted + 12)
        table.setSortingEnabled(True)

    @property
    def study(self) -> str | None:
        return self._summary.code if self._summary else None

    def set_context(self, ctx: Context) -> None:
        self.model.set_context(ctx)

    def show_study(self, summary: StudySummary) -> None:
        """Show another study (its filters start at "all") or refresh the same one (filters kept)."""
        if self._summary is None or summary.code != self._summary.code:
            self.filters.set_study(summary.definition)
            self._kept_id = None
        self._summary = summary
        self.header.show_study(summary)
        self.model.set_query(self.filters.applied_to(replace(self.model.query, study=summary.code)),
                             summary.definition)

    def select_participant(self, participant_id: int) -> None:
        """Select and show a participant's row, clearing the filters if they hide it."""
        row = self.model.row_of(participant_id)
        if row is None and self.model.query != self._unfiltered():
            self.filters.clear()
            self.model.set_query(self._unfiltered())
            row = self.model.row_of(participant_id)
        if row is not None:
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def current_code(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.code_at(index.row()) if index.isValid() else None

    def _unfiltered(self) -> ParticipantQuery:
        return replace(self.model.query, text="", arm=None, status=None, site=None)

    def _apply_filters(self) -> None:
        if self._summary is not None:
            self.model.set_query(self.filters.applied_to(self.model.query))

    def _remember_current(self) -> None:
        index = self.table.currentIndex()
        self._kept_id = self.model.id_at(index.row()) if index.isValid() else self._kept_id

    def _after_query(self) -> None:
        count = self.model.rowCount()
        self.count.setText(self.tr("%Ln participant(s)", "", count))
        row = self.model.row_of(self._kept_id) if self._kept_id is not None else None
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.scrollTo(self.model.index(row, 0))

    def _open(self, index: QModelIndex) -> None:
        code = self.model.code_at(index.row())
        if code:
            self.participant_opened.emit(code)
