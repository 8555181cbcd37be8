"""The participant table: ids from one SQL query in display order, rows fetched a page at a time.

Filtering and sorting happen in SQL (participants.queries); the model only holds the ordered ids, so a study
with 100,000 participants costs one id query and a page or two of rows (Anki's browser table works the same way).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Qt

from coordinator.consent.service import statuses as consent_statuses
from coordinator.consent.status import ConsentStatus
from coordinator.context import Context
from coordinator.participants import queries
from coordinator.participants.queries import ParticipantQuery, ParticipantRow
from coordinator.studies.schema import StudyDefinition
from ui.formats import show_date
from ui.page_cache import PAGE_SIZE, PageCache
from ui.tables import Index, NamedColumnsModel, cell_alignment

COLUMNS = ("code", "site", "arm", "status", "age", "registered", "enrolled", "ended", "consent")
UNSORTED = frozenset({"consent"})  # computed per page, not in SQL; the others are the SQL sort keys
NUMERIC = frozenset({"site", "age"})


class ParticipantTableModel(NamedColumnsModel):
    """One row per participant id; `set_query` re-runs the SQL, `sort` re-sorts in SQL."""

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self._ctx = ctx
        self._query = ParticipantQuery()
        self._definition: StudyDefinition | None = None
        self._ids: list[int] = []
        self._pages: PageCache[dict[int, tuple[ParticipantRow, ConsentStatus]]] = PageCache(self._read_page, dict)
        self._today = ctx.today()
        self.titles = {
            "code": self.tr("Code"), "site": self.tr("Site"), "arm": self.tr("Arm"), "status": self.tr("Status"),
            "age": self.tr("Age"), "registered": self.tr("Registered"), "enrolled": self.tr("Enrolled"),
            "ended": self.tr("Ended"), "consent": self.tr("Consent"),
        }

    @property
    def query(self) -> ParticipantQuery:
        return self._query

    def set_context(self, ctx: Context) -> None:
        """Another database (after a restore): the next query reads it."""
        self._ctx = ctx

    def set_query(self, query: ParticipantQuery, definition: StudyDefinition | None = None) -> None:
        """Run the query; `definition` (the study's) names sites and arms in tooltips."""
        ids = queries.find_ids(self._ctx, query)  # before the reset: a failed query leaves the table as it was
        self.beginResetModel()
        self._query = query
        if definition is not None:
            self._definition = definition
        self._ids = ids
        self._pages.clear()
        self._today = self._ctx.today()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column] in UNSORTED:
            return
        wanted = replace(self._query, sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._query:
            self.set_query(wanted)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, participant_id: int) -> int | None:
        try:
            return self._ids.index(participant_id)
        except ValueError:
            return None

    def code_at(self, row: int) -> str | None:
        found = self._row(row)
        return found.code if found else None

    def row_total(self) -> int:
        return len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return cell_alignment(column in NUMERIC)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        found = self._line(index.row())
        if found is None:
            return None
        row, consent = found
        if column == "consent":
            return consent.explanation if role == Qt.ItemDataRole.ToolTipRole else consent.state.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return self._display(row, column)

    def _display(self, row: ParticipantRow, column: str) -> str:
        values = {
            "code": row.code, "site": str(row.site), "arm": row.arm or "", "status": row.status.label,
            "age": str(row.age(self._today)), "registered": show_date(row.registered_on),
            "enrolled": show_date(row.enrolled_on), "ended": show_date(row.ended_on),
        }
        return values[column]

    def _tooltip(self, row: ParticipantRow, column: str) -> str | None:
        if self._definition is None:
            return None
        if column == "site":
            site = self._definition.site(row.site)
            return site.name if site else None
        if column == "arm" and row.arm:
            arm = self._definition.arm(row.arm)
            return arm.label if arm else None
        return None

    def _row(self, row: int) -> ParticipantRow | None:
        found = self._line(row)
        return found[0] if found else None

    def _read_page(self, number: int) -> dict[int, tuple[ParticipantRow, ConsentStatus]]:
        wanted = self._ids[number * PAGE_SIZE:(number + 1) * PAGE_SIZE]
        consents = consent_statuses(self._ctx, wanted)
        return {found.id: (found, consents[found.id]) for found in queries.rows(self._ctx, wanted)}

    def _line(self, row: int) -> tuple[ParticipantRow, ConsentStatus] | None:
        """The row and its consent status from its page, fetching the page (PAGE_SIZE ids) on first use."""
        participant_id = self.id_at(row)
        if participant_id is None:
            return None
        page = self._pages.page(row // PAGE_SIZE)
        return page.get(participant_id)
