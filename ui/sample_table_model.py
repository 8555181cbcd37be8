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
from coordinator.samples.queries import SORTS, SampleQuery, SampleRow
from coordinator.studies.schema import StudyDefinition
from ui.page_cache import PAGE_SIZE, PageCache
from ui.sample_forms import show_moment
from ui.tables import Index, NamedColumnsModel

COLUMNS = ("code", "participant", "type", "timepoint", "collected", "volume", "remaining", "status", "location")
UNSORTED = frozenset(COLUMNS) - frozenset(SORTS)  # volume and remaining: computed per row, not SQL sort keys
NUMERIC = frozenset({"volume", "remaining"})


class SampleTableModel(NamedColumnsModel):
    """One row per sample the query finds; `set_query` counts again and forgets the pages read, `sort` re-sorts in
    SQL. `set_definitions` (the studies' files) lets tooltips name types and timepoints."""

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self._ctx = ctx
        self._query = SampleQuery()
        self._total = 0
        self._definitions: dict[str, StudyDefinition] = {}
        self._pages: PageCache[list[SampleRow]] = PageCache(
            lambda number: queries.page(self._ctx, self._query, number * PAGE_SIZE, PAGE_SIZE), list)
        self.titles = {
            "code": self.tr("Sample id"), "participant": self.tr("Participant"), "type": self.tr("Type"),
            "timepoint": self.tr("Timepoint"), "collected": self.tr("Collected"), "volume": self.tr("Volume"),
            "remaining": self.tr("Remaining"), "status": self.tr("Status"), "location": self.tr("Location"),
        }

    @property
    def query(self) -> SampleQuery:
        return self._query

    def set_context(self, ctx: Context) -> None:
        self._ctx = ctx

    def set_definitions(self, definitions: dict[str, StudyDefinition]) -> None:
        self._definitions = dict(definitions)

    def set_query(self, query: SampleQuery) -> None:
        """Count what the query finds; an error (a refusal, the disk) leaves the table as it was."""
        total = queries.count(self._ctx, query)
        self.beginResetModel()
        self._query = query
        self._total = total
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """Read again: samples were stored, shipped or made since."""
        self.set_query(self._query)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column] in UNSORTED:
            return
        wanted = replace(self._query, sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._query:
            self.set_query(wanted)

    def row_total(self) -> int:
        return self._total

    def sample_at(self, row: int) -> SampleRow | None:
        """The sample shown at `row`, reading its page on first use."""
        if not 0 <= row < self._total:
            return None
        number, place = divmod(row, PAGE_SIZE)
        page = self._pages.page(number)
        return page[place] if place < len(page) else None  # samples may have gone from view since the count

    def code_at(self, row: int) -> str | None:
        found = self.sample_at(row)
        return found.code if found else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.sample_at(index.row())
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
        if column == "timepoint" and row.timepoint and definition and definition.samples:
            # a derivative takes its parent's timepoint, which its own type does not list
            return next((other.timepoints[row.timepoint] for other in definition.samples.types
                         if row.timepoint in other.timepoints), None)
        if column == "code" and row.parent:
            return self.tr("Made from {parent}").format(parent=row.parent)
        return None
