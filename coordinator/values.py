"""Reading the values people type: dates, sexes, names. Each refusal names the field and says why."""

from __future__ import annotations

import unicodedata
from datetime import date

from coordinator.errors import InputError
from coordinator.i18n import _

SEXES = ("F", "M")


def parse_date(text: str | date, field: str, label: str) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(_("{label} \"{text}\" is not a date: write it as YYYY-MM-DD.").format(
            label=label, text=text), field=field) from None


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
