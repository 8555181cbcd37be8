"""The audit trail as a table: the count from one SQL query, the rows fetched a page at a time, newest first.

A trail grows without end (a million rows is a few years of a busy site), so the model holds only the count and
the pages looked at, like the participant table; filtering and order are SQL (coordinator.audit.trail). Times
are shown in UTC, as the trail stores them and as the date filters read them. Identity values are shown: the
viewer is used at the site (exports mask them).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QObject, Qt, QTime

from coordinator.audit import trail
from coordinator.audit.history import AuditLine
from coordinator.audit.trail import AuditQuery
from coordinator.context import Context
from ui.formats import date_format
from ui.page_cache import CountedPagesModel
from ui.tables import Index, cell_alignment

COLUMNS = ("id", "when", "who", "action", "table", "record", "field", "old", "new", "reason", "participant")
LONGEST_TOOLTIP = 1_000  # a study file's JSON is one value: the tooltip shows its start


class AuditTableModel(CountedPagesModel[AuditQuery, AuditLine]):
    """One row per audit row of the query; `set_query` counts again and forgets the pages read."""

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, AuditQuery(), lambda query: trail.count(self._ctx, query),
                         lambda query, offset, limit: trail.page(self._ctx, query, offset, limit), parent)
        self._ctx = ctx
        self.titles = {
            "id": self.tr("No."), "when": self.tr("When (UTC)"), "who": self.tr("User"), "action": self.tr("Action"),
            "table": self.tr("Table"), "record": self.tr("Record"), "field": self.tr("Field"),
            "old": self.tr("Old value"), "new": self.tr("New value"), "reason": self.tr("Reason"),
            "participant": self.tr("Participant / study"),
        }

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return cell_alignment(column == "id")
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        line = self.item_at(index.row())
        if line is None:
            return None
        shown = self._display(line, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "when":
                return line.at_utc
            return shown[:LONGEST_TOOLTIP] + ("…" if len(shown) > LONGEST_TOOLTIP else "") if shown else None
        return " ".join(shown.split()) if column in ("old", "new", "reason") else shown  # one line per row

    def _display(self, line: AuditLine, column: str) -> str:
        values = {
            "id": str(line.id), "when": _utc_text(line.at_utc), "who": line.actor, "action": line.action,
            "table": line.table, "record": line.record, "field": line.field, "old": line.old, "new": line.new,
            "reason": line.reason, "participant": line.participant or line.study,
        }
        return values[column] or ""


def _utc_text(stamp: str) -> str:
    """An audit time in UTC, the date in the user's format, to the second."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    shown = QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second))
    return QLocale().toString(shown, f"{date_format()} HH:mm:ss")
