"""Reading the amounts people type for samples: volumes with their unit, cell counts, a recipient's weight."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from coordinator.errors import InputError
from coordinator.i18n import _

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "mL": ("volume", 1.0), "µL": ("volume", 0.001), "L": ("volume", 1000.0),
    "g": ("mass", 1.0), "mg": ("mass", 0.001),
}
_SPELLINGS = {"ml": "mL", "µl": "µL", "ul": "µL", "μl": "µL", "l": "L", "g": "g", "mg": "mg"}
_AMOUNT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*([^\d\s].*)?$", re.ASCII)
_COUNT = re.compile(r"^\s*(\d{1,20}(?:[.,]\d{1,20})?)\s*"  # 3.2, then e8 or x 10^8 (two digits at most)
                    r"(?:(?:[eE]\s*\+?(\d{1,2}))|(?:[x×*]\s*10\s*\^?\s*(\d{1,2})))?\s*$", re.ASCII)
_WHEN = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})\s*$", re.ASCII)
EPSILON = 1e-9
SMALLEST, LARGEST = 0.001, 10_000.0  # in a dimension's base unit (mL, g): 1 µL or 1 mg up to 10 L or 10 kg
MOST_CELLS = 1e15  # more than a whole leukapheresis holds


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"

    def to(self, unit: str) -> float:
        """The same amount in another unit of its dimension."""
        return self.value * UNITS[self.unit][1] / UNITS[unit][1]


def known_unit(text: str) -> str | None:
    return _SPELLINGS.get(text.strip().lower().replace(" ", ""))


def same_dimension(unit: str, other: str) -> bool:
    return UNITS[unit][0] == UNITS[other][0]


def parse_quantity(text: str, field: str, label: str) -> Quantity:
    """'5mL', '0,5 mL', '250 µL': a positive amount with a unit we know; a bare number is refused."""
    found = _AMOUNT.match(text or "")
    if not found:
        raise InputError(_("{label} \"{text}\" is not an amount: write a number and its unit, e.g. 5 mL.").format(
            label=label, text=text), field=field)
    value = float(found.group(1).replace(",", "."))
    if value <= 0:
        raise InputError(_("{label} must be more than zero, not {text}.").format(label=label, text=text.strip()),
                         field=field)
    if found.group(2) is None:
        raise InputError(_("{label} {text} has no unit: write e.g. {text} mL.").format(
            label=label, text=text.strip()), field=field)
    unit = known_unit(found.group(2))
    if unit is None:
        raise InputError(_("{label}: unknown unit \"{unit}\"; use one of {known}.").format(
            label=label, unit=found.group(2).strip(), known=", ".join(UNITS)), field=field)
    amount = Quantity(value, unit)
    base = value * UNITS[unit][1]
    if not (math.isfinite(base) and SMALLEST <= base <= LARGEST):
        smallest, largest = ("1 µL", "10 L") if UNITS[unit][0] == "volume" else ("1 mg", "10 kg")
        raise InputError(_("{label} {amount} is not plausible: a sample holds from {smallest} to {largest}.").format(
            label=label, amount=text.strip(), smallest=smallest, largest=largest), field=field)
    return amount


def parse_cell_count(text: str, field: str, label: str) -> float:
    """'3.2e8', '3.2 x 10^8', '320000000': a positive number of cells."""
    found = _COUNT.match((text or "").replace("\u202f", "").replace(" ", " "))
    if not found:
        raise InputError(_("{label} \"{text}\" is not a number of cells: write e.g. 3.2e8 or 3.2 x 10^8.").format(
            label=label, text=text), field=field)
    exponent = int(found.group(2) or found.group(3) or 0)
    value = float(found.group(1).replace(",", ".")) * 10.0 ** exponent
    if value <= 0:
        raise InputError(_("{label} must be more than zero.").format(label=label), field=field)
    if value > MOST_CELLS:
        raise InputError(_("{label} {text} is more than any product holds ({most}); check the exponent.").format(
            label=label, text=text.strip(), most=cells_text(MOST_CELLS)), field=field)
    return value


def parse_weight(text: str, field: str = "weight") -> float:
    """The recipient's weight in kg: '70', '70 kg', '70,5kg'."""
    cleaned = (text or "").strip().lower().removesuffix("kg").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(_("The weight \"{text}\" is not a number of kilograms.").format(text=text),
                         field=field) from None
    if not 0.5 <= value <= 400:
        raise InputError(_("A weight of {value:g} kg is not plausible; check it.").format(value=value), field=field)
    return value


def parse_moment(text: str | datetime, field: str, label: str) -> datetime:
    """A local date and time 'YYYY-MM-DD HH:MM' (seconds dropped)."""
    if isinstance(text, datetime):
        return text.replace(second=0, microsecond=0, tzinfo=None)
    found = _WHEN.match(text or "")
    try:
        if not found:
            raise ValueError(text)
        return datetime.fromisoformat(f"{found.group(1)} {int(found.group(2)):02d}:{found.group(3)}")
    except ValueError:
        raise InputError(_("{label} \"{text}\" is not a date and time: write it as YYYY-MM-DD HH:MM.").format(
            label=label, text=text), field=field) from None


def moment_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def cells_text(value: float) -> str:
    """3.2 × 10^8, as a lab writes it."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{float(mantissa):g} × 10^{int(exponent)}"
