"""The pages of a long list that a lazy table model has read, the most recently used ones only.

The participant table and the audit trail hold only what identifies their rows; a page of PAGE_SIZE rows is read
from the database when a row of it is first painted, and at most CACHED_PAGES pages stay in memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from coordinator.errors import EnvironmentProblem

PAGE_SIZE = 200
CACHED_PAGES = 50  # at most 10,000 rows in memory, whatever the length of the list

Page = TypeVar("Page")


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
