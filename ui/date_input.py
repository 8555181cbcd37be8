"""A date field people type into, in their own format: birth dates come from documents, not calendars."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLineEdit, QWidget

from coordinator.errors import InputError
from ui.formats import date_format, read_date, show_date


class DateInput(QLineEdit):
    """A line edit that reads a date in the user's locale (or ISO) and says so when it cannot."""

    def __init__(self, field: str, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._field = field
        self.setPlaceholderText(date_format().upper())
        self.setMaxLength(len(date_format()) + 4)
        metrics = self.fontMetrics()
        width = max(metrics.horizontalAdvance(text + "MMM") for text in (show_date(date(2000, 12, 28)),
                                                                          self.placeholderText()))
        self.setFixedWidth(width)  # a date is short: a full-width field would suggest otherwise
        self.set_value(value)

    def set_value(self, value: date | None) -> None:
        self.setText(show_date(value))

    def is_empty(self) -> bool:
        return not self.text().strip()

    def value(self) -> date | None:
        """The date typed, None when empty; InputError (naming this field) when it is not a date."""
        if self.is_empty():
            return None
        found = read_date(self.text())
        if found is None:
            raise InputError(self.tr("“{text}” is not a date: write it as {pattern}.").format(
                text=self.text().strip(), pattern=self.placeholderText()), field=self._field)
        return found
