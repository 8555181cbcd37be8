"""Reading the values people type: dates, sexes, names. Each refusal names the field and says why."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from coordinator.errors import InputError
from coordinator.i18n import _

SEXES = ("F", "M")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST = date(1900, 1, 1)


def parse_date(text: str | date, field: str, label: str) -> date:
    if isinstance(text, date):
        value = text
    else:
        try:
            if not ISO_DATE.fullmatch(text.strip()):
                raise ValueError(text)
            value = date.fromisoformat(text.strip())
        except ValueError:
            raise InputError(_("{label} \"{text}\" is not a date: write it as YYYY-MM-DD.").format(
                label=label, text=text), field=field) from None
    if value < EARLIEST:
        raise InputError(_("{label} {date} is before 1900: check the year.").format(
            label=label, date=value.isoformat()), field=field)
    return value


def checked_path(path: Path | str, field: str) -> Path:
    """A file name the database library can use: SQLite takes only names that are valid text (UTF-8)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(_("The file name {path} holds characters that are not text; rename the file or "
                           "choose another.").format(path=repr(str(path))[1:-1]), field=field) from None
    return Path(path)


def parse_sex(text: str) -> str:
    value = text.strip().upper()
    if value not in SEXES:
        raise InputError(_("Sex must be F or M, not \"{text}\".").format(text=text), field="sex")
    return value


def clean_text(text: str | None) -> str | None:
    """Trim white space; empty text is no text."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def search_key(*names: str | None) -> str:
    """Names folded for search: case and accents ignored, so "zolc" finds "Żółć" and "herve" finds "Hervé"."""
    joined = " ".join(name for name in names if name)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")
