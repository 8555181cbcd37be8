"""Places in storage as people write them: FREEZER/RACK/BOX/POS, a position A1 (row letter, column number) or its
number counted row by row."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from coordinator.errors import InputError
from coordinator.i18n import _

MAX_ROWS = 26
MAX_COLUMNS = 30
_LETTERED = re.compile(r"^([A-Za-z])\s*([0-9]{1,2})$")
_NUMBERED = re.compile(r"^[0-9]{1,4}$")


@dataclass(frozen=True)
class Location:
    box_path: str  # FREEZER/RACK/BOX
    position: str  # as typed, read against the box's size by `position_number`

    def __str__(self) -> str:
        return f"{self.box_path}/{self.position}"


def storage_parts(path: str) -> list[str]:
    """A storage path's names as stored: upper case, single spaces, so that "f1 / r2" finds F1/R2."""
    return [" ".join(part.split()).upper() for part in (path or "").split("/")]


def parse_location(text: str) -> Location:
    parts = storage_parts(text)
    if len(parts) != 4 or not all(parts):
        raise InputError(_("The location \"{text}\" must name a freezer, rack, box and position: "
                           "FREEZER/RACK/BOX/POSITION, e.g. F1/R2/BOX-07/A1.").format(text=text), field="location")
    return Location("/".join(parts[:3]), parts[3])


def position_number(text: str, rows: int, columns: int, box: str) -> int:
    """1 .. rows × columns; refused with the box's size when outside it."""
    lettered = _LETTERED.match(text.strip())
    if lettered:
        row = string.ascii_uppercase.index(lettered.group(1).upper()) + 1
        column = int(lettered.group(2))
        inside = row <= rows and 1 <= column <= columns
        number = (row - 1) * columns + column
    elif _NUMBERED.match(text.strip()):
        number = int(text.strip())
        inside = 1 <= number <= rows * columns
    else:
        raise InputError(_("The position \"{text}\" is neither a row letter and column (A1) nor a number.").format(
            text=text), field="location")
    if not inside:
        raise InputError(_("Position {text} is outside box {box}, which has {rows} rows (A–{last}) and {columns} "
                           "columns.").format(text=text.strip(), box=box, rows=rows, columns=columns,
                                              last=string.ascii_uppercase[rows - 1]), field="location")
    return number


def position_label(number: int, columns: int) -> str:
    row, column = divmod(number - 1, columns)
    return f"{string.ascii_uppercase[row]}{column + 1}"


def check_box_size(rows: int, columns: int) -> None:
    if not (1 <= rows <= MAX_ROWS and 1 <= columns <= MAX_COLUMNS):
        raise InputError(_("A box has 1 to {rows} rows and 1 to {columns} columns.").format(
            rows=MAX_ROWS, columns=MAX_COLUMNS), field="size")
