"""Dates as the user reads them: stored ISO, shown in the user's locale, always with a four-digit year."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

ISO_DATE = "yyyy-MM-dd"
ISO_TIME = "HH:mm"


def _locale_is_neutral(locale: QLocale) -> bool:
    """The C/POSIX locale states no preference: ISO is then the one format nobody misreads."""
    return locale.language() == QLocale.Language.C


def _four_digit_year(pattern: str) -> str:
    """Short formats such as M/d/yy lose the century, which matters for birth dates."""
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def date_format() -> str:
    """The Qt date pattern used to show and to read dates, e.g. dd/MM/yyyy in France."""
    locale = QLocale()
    if _locale_is_neutral(locale):
        return ISO_DATE
    return _four_digit_year(locale.dateFormat(QLocale.FormatType.ShortFormat))


def time_format() -> str:
    locale = QLocale()
    return ISO_TIME if _locale_is_neutral(locale) else locale.timeFormat(QLocale.FormatType.ShortFormat)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def show_date(value: date | None) -> str:
    """A date in the user's locale; nothing for a date not reached (not enrolled, not ended)."""
    if value is None:
        return ""
    return QLocale().toString(to_qdate(value), date_format())


def show_utc_stamp(stamp: str) -> str:
    """An audit time (ISO, UTC, e.g. 2026-11-21T10:30:00.000000Z) in local time and the user's locale."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    shown = QDateTime(to_qdate(moment.date()), QTime(moment.hour, moment.minute, moment.second))
    return QLocale().toString(shown, f"{date_format()} {time_format()}")


def read_date(text: str) -> date | None:
    """A date typed in the user's format (day and month may have one digit) or in ISO; None if unreadable."""
    text = text.strip()
    pattern = date_format()
    for candidate in dict.fromkeys((pattern, pattern.replace("dd", "d").replace("MM", "M"), ISO_DATE)):
        parsed = QLocale().toDate(text, candidate)
        if parsed.isValid():
            return date(parsed.year(), parsed.month(), parsed.day())
    return None
