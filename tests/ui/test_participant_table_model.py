"""The participant table stays light with a large register: ids in one query, rows a page at a time."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication

from coordinator.participants import queries
from coordinator.participants.register import Registration, register_many
from tests.ui.driving import select_study
from ui.participant_table_model import PAGE_SIZE

COUNT = 1_000


def test_only_the_rows_on_screen_are_read(qtbot, monkeypatch, workspace, window):
    register_many(workspace.ctx, [
        Registration("MILA", 1 + n % 3, date(2012, 1, 1) + timedelta(days=n), "F", f"Name{n}", "Test", date(2026, 1, 2))
        for n in range(COUNT)])
    read: list[int] = []
    rows = queries.rows
    monkeypatch.setattr(queries, "rows", lambda ctx, ids: read.append(len(ids)) or rows(ctx, ids))
    window.refresh()
    select_study(qtbot, window, "MILA")
    QCoreApplication.processEvents()
    assert window.participants.count.text() == "1000 participants"
    assert 0 < sum(read) <= PAGE_SIZE
    table = window.participants.table
    table.scrollToBottom()
    QCoreApplication.processEvents()
    assert sum(read) <= 3 * PAGE_SIZE
    last = table.model().index(COUNT - 1, 0).data()
    assert last == "MILA-03-0333"
