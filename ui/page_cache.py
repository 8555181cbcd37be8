"""The pages of a long list that a lazy table model has read, the most recently used ones only.

The participant table and the audit trail hold only what identifies their rows; a page of PAGE_SIZE rows is read
from the database when a row of it is first painted, and at most CACHED_PAGES pages stay in memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject

from coordinator.errors import EnvironmentProblem
from ui.tables import NamedColumnsModel

PAGE_SIZE = 200
CACHED_PAGES = 50  # at most 10,000 rows in memory, whatever the length of the list

Page = TypeVar("Page")
Query = TypeVar("Query")
Row = TypeVar("Row")


class PageCache(Generic[Page]):
    """`read(number)` fetches page `number`; `blank()` stands in for a page that could not be read."""

    def __init__(self, read: Callable[[int], Page], blank: Callable[[], Page]) -> None:
        self._read = read
        self._blank = blank
        self._pages: OrderedDict[int, Page] = OrderedDict()

    def clear(self) -> None:
        self._pages.clear()

    def page(self, number: int) -> Page:
        found = self._pages.get(number)
        if found is not None:
            self._pages.move_to_end(number)
            return found
        try:
            found = self._read(number)
        except EnvironmentProblem:
            self._pages[number] = self._blank()  # blank rows until the next query, not one message per cell painted
            raise
        self._pages[number] = found
        if len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return found


class CountedPagesModel(NamedColumnsModel, Generic[Query, Row]):
    """A table over a list without end (the audit trail, the samples): the count of the query's rows from one SQL
    query, the rows read a page at a time at `offset, limit` in the query's order. `set_query` counts again and
    forgets the pages read."""

    def __init__(self, columns: tuple[str, ...], query: Query, count: Callable[[Query], int],
                 page: Callable[[Query, int, int], list[Row]], parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._query = query
        self._count = count
        self._total = 0
        self._pages: PageCache[list[Row]] = PageCache(
            lambda number: page(self._query, number * PAGE_SIZE, PAGE_SIZE), list)

    @property
    def query(self) -> Query:
        return self._query

    def set_query(self, query: Query) -> None:
        """Count what the query finds; an error (a bad filter, a refusal, the disk) leaves the table as it was."""
        total = self._count(query)
        self.beginResetModel()
        self._query = query
        self._total = total
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """Read again: rows were written since."""
        self.set_query(self._query)

    def row_total(self) -> int:
        return self._total

    def item_at(self, row: int) -> Row | None:
        """The row shown at `row`, reading its page on first use."""
        if not 0 <= row < self._total:
            return None
        number, place = divmod(row, PAGE_SIZE)
        page = self._pages.page(number)
        return page[place] if place < len(page) else None  # rows may have gone from view since the count
