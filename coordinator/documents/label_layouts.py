"""The label stocks the program prints on, as plain numbers in millimetres (no ReportLab here: the command line and
the window list them at start).

A sheet layout is the geometry of a real, widely sold label sheet, so the labels land on the die-cut labels when
the PDF is printed at actual size (no "fit to page"):

- ``cryo-a4``: A4, 4 × 12 labels of 45.7 × 21.2 mm, the geometry of Avery L7636 / L4736 (48 per sheet; side
  margins 9.7 mm, 2.6 mm between columns, top and bottom margins 21.3 mm). Freezer- and cryo-grade laser labels
  are sold in this size; print on those, not on paper labels, for tubes kept at -80 °C or in liquid nitrogen.
- ``cryo-letter``: US Letter, 3 × 10 labels of 66.7 × 25.4 mm (2⅝ × 1 in), the geometry of Avery 5160 / 8160
  (30 per sheet; side margins 4.8 mm, 3.2 mm between columns, top and bottom margins 12.7 mm).
- ``roll-50x25``: one 50.8 × 25.4 mm (2 × 1 in) label per page, as a thermal-transfer roll printer takes it
  (print at 300 dpi or more: the narrowest bar of a long id is two dots wide at 300 dpi).
"""

from __future__ import annotations

from dataclasses import dataclass

INCH = 25.4  # mm


@dataclass(frozen=True)
class LabelLayout:
    """One label stock: the page, where its first label sits, and the grid of labels (all in millimetres)."""

    name: str
    description: str  # in words, for the print dialog
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    margin_left: float  # page edge to the first column
    margin_top: float  # page edge to the first row
    gap_x: float = 0.0  # between two columns
    gap_y: float = 0.0  # between two rows
    padding: float = 1.2  # kept blank inside each label: a sheet fed a little askew still shows everything

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        return self.per_page == 1

    def origin(self, slot: int) -> tuple[float, float]:
        """The top-left corner of label `slot` (1 = top left, numbered row by row), from the page's top left."""
        row, column = divmod(slot - 1, self.columns)
        return (self.margin_left + column * (self.label_width + self.gap_x),
                self.margin_top + row * (self.label_height + self.gap_y))


LAYOUTS: dict[str, LabelLayout] = {layout.name: layout for layout in (
    LabelLayout(
        "cryo-a4", "A4 sheet, 48 cryo labels 45.7 × 21.2 mm (4 × 12, Avery L7636 size)",
        210.0, 297.0, 45.7, 21.2, columns=4, rows=12, margin_left=9.7, margin_top=21.3, gap_x=2.6),
    LabelLayout(
        "cryo-letter", "US Letter sheet, 30 labels 2⅝ × 1 in (3 × 10, Avery 5160 size)",
        8.5 * INCH, 11 * INCH, 2.625 * INCH, 1 * INCH, columns=3, rows=10, margin_left=0.1875 * INCH,
        margin_top=0.5 * INCH, gap_x=0.125 * INCH),
    LabelLayout(
        "roll-50x25", "Roll, one label 50.8 × 25.4 mm (2 × 1 in) per page, for a thermal printer",
        50.8, 25.4, 50.8, 25.4, columns=1, rows=1, margin_left=0.0, margin_top=0.0),
)}
DEFAULT_LAYOUT = "cryo-a4"
