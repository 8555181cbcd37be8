"""The study-wide sample list: the count from one SQL query, the rows read a page at a time in the query's order.

A site that keeps every tube for years holds hundreds of thousands of them, so the model holds only the count and
the pages looked at (like the audit trail); filtering and order are SQL (coordinator.samples.queries), and a click
on a column title re-runs the query sorted by that column.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Qt

from coordinator.context import Context
from coordinator.samples import queries
from coordinator.samples.queries import SORTS, SampleQuery, SampleRow, timepoint_label
from coordinator.studies.schema import StudyDefinition
from ui.page_cache import CountedPagesModel
from ui.sample_forms import show_moment
from ui.tables import Index, cell_alignment

COLUMNS = ("code", "participant", "type", "timepoint", "collected", "volume", "remaining", "status", "location")
UNSORTED = frozenset(COLUMNS) - frozenset(SORTS)  # volume and remaining: computed per row, not SQL sort keys
NUMERIC = frozenset({"volume", "remaining"})


class SampleTableModel(CountedPagesModel[SampleQuery, SampleRow]):
    """One row per sample the query finds; `set_query` counts again and forgets the pages read, `sort` re-sorts in
    SQL. `set_definitions` (the studies' files) lets tooltips name types and timepoints."""

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, SampleQuery(), lambda query: queries.count(self._ctx, query),
                         lambda query, offset, limit: queries.page(self._ctx, query, offset, limit), parent)
        self._ctx = ctx
        self._definitions: dict[str, StudyDefinition] = {}
        self.titles = {
            "code": self.tr("Sample id"), "participant": self.tr("Participant"), "type": self.tr("Type"),
            "timepoint": self.tr("Timepoint"), "collected": self.tr("Collected"), "volume": self.tr("Volume"),
            "remaining": self.tr("Remaining"), "status": self.tr("Status"), "location": self.tr("Location"),
        }

    def set_context(self, ctx: Context) -> None:
        self._ctx = ctx

    def set_definitions(self, definitions: dict[str, StudyDefinition]) -> None:
        self._definitions = dict(definitions)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column] in UNSORTED:
            return
        wanted = replace(self._query, sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._query:
            self.set_query(wanted)

    def code_at(self, row: int) -> str | None:
        found = self.item_at(row)
        return found.code if found else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return cell_alignment(column in NUMERIC)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.item_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return self._display(row, column)

    def _display(self, row: SampleRow, column: str) -> str:
        values = {
            "code": row.code, "participant": row.participant, "type": row.type_id, "timepoint": row.timepoint or "",
            "collected": show_moment(row.collected_at), "volume": row.volume_text,
            "remaining": row.remaining_text, "status": row.status.label, "location": row.location or "",
        }
        return values[column]

    def _tooltip(self, row: SampleRow, column: str) -> str | None:
        definition = self._definitions.get(row.study)
        kind = definition.samples.type(row.type_id) if definition and definition.samples else None
        if column == "type" and kind is not None:
            return kind.label
        if column == "timepoint" and definition is not None:
            return timepoint_label(definition, row.timepoint)
        if column == "code" and row.parent:
            return self.tr("Made from {parent}").format(parent=row.parent)
        return None
