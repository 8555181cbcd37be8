"""Units as people type them, and conversion into the unit a rule compares in (each item lists its factors)."""

from __future__ import annotations

from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.studies.rule_schema import ULN, Item

# Spellings of the same unit: the key is how it is written after lower-casing and removing spaces.
_SPELLINGS = {
    "umol/l": "µmol/L", "µmol/l": "µmol/L", "μmol/l": "µmol/L", "micromol/l": "µmol/L",
    "mg/dl": "mg/dL", "g/dl": "g/dL", "g/l": "g/L", "mg/l": "mg/L", "u/l": "U/L", "iu/l": "U/L",
    "/ul": "/µL", "/µl": "/µL", "/μl": "/µL", "/mm3": "/µL", "/mcl": "/µL", "cells/ul": "/µL", "cells/µl": "/µL",
    "10^9/l": "10^9/L", "x10^9/l": "10^9/L", "×10^9/l": "10^9/L", "10*9/l": "10^9/L", "g/l(10^9)": "10^9/L",
    "giga/l": "10^9/L", "10^3/ul": "10^3/µL", "10^3/µl": "10^3/µL", "k/ul": "10^3/µL",
    "ml/min": "mL/min", "ml/min/1.73m2": "mL/min/1.73m²", "ml/min/1.73m²": "mL/min/1.73m²",
    "%": "%", "percent": "%", "fraction": "fraction", "xuln": ULN, "×uln": ULN, "uln": ULN,
    "grade": "grade", "mg/kg/day": "mg/kg/day", "mg/kg/d": "mg/kg/day", "months": "months", "years": "years",
}


def normalize_unit(text: str) -> str:
    """The canonical spelling of a unit; unknown spellings come back trimmed, for the item to refuse."""
    compact = "".join(text.split())
    return _SPELLINGS.get(compact.lower(), compact)


def unit_for(item: Item, text: str | None) -> str:
    """The unit a value of this item is recorded in: the item's own unit when none is given."""
    if item.unit is None:
        if text:
            raise InputError(_("{label} has no unit.").format(label=item.label), field="unit")
        return ""
    if not text:
        return item.unit
    unit = normalize_unit(text)
    if not item.accepts(unit):
        raise InputError(_("{unit} is not a unit for {label}. Use {known}.").format(
            unit=text, label=item.label, known=", ".join(known_units(item))), field="unit")
    return unit


def known_units(item: Item) -> list[str]:
    return [item.unit or "", *item.units, *([ULN] if item.uln else [])]


def factor(item: Item, unit: str) -> float:
    """value in the item's unit = value in `unit` x factor."""
    return 1.0 if unit == item.unit else item.units[unit]
