"""The fonts embedded in every PDF, and the choice of font per run of text so any name renders.

DejaVu Sans covers Latin (with every accent), Greek and Cyrillic; Nanum Gothic covers Hangul. ReportLab draws a
character missing from a font as a blank box, so each run of text gets the first font that has its characters.
"""

from __future__ import annotations

from functools import cache
from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from coordinator.paths import resources_dir

REGULAR, BOLD, HANGUL = "DejaVuSans", "DejaVuSans-Bold", "NanumGothic"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", HANGUL: "NanumGothic.ttf"}


@cache
def register_fonts() -> None:
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resources_dir() / "fonts" / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


@cache
def _covers(font: str, character: str) -> bool:
    return ord(character) in pdfmetrics.getFont(font).face.charToGlyph


def markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, with runs DejaVu lacks set in the fallback font."""
    register_fonts()
    runs = []
    for fallback, characters in groupby(text, key=lambda c: not c.isspace() and not _covers(REGULAR, c)):
        run = escape("".join(characters))
        runs.append(f'<font name="{HANGUL}">{run}</font>' if fallback else run)
    return "".join(runs)


def runs(text: str, font: str = REGULAR) -> list[tuple[str, str]]:
    """The text in runs of (characters, font): `font` where it has the characters, the fallback elsewhere."""
    register_fonts()
    return [("".join(characters), HANGUL if fallback else font)
            for fallback, characters in groupby(text, key=lambda c: not c.isspace() and not _covers(font, c))]


def run_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, part_font, size) for part, part_font in runs(text, font))


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *, right: bool = False) -> float:
    """Draw text on a canvas starting (or, `right`, ending) at x, each run in a font that has it; returns its
    width. Canvas text has no markup: a name in Hangul in a page header needs this."""
    width = run_width(text, font, size)
    left = x - width if right else x
    for part, part_font in runs(text, font):
        canvas.setFont(part_font, size)
        canvas.drawString(left, y, part)
        left += pdfmetrics.stringWidth(part, part_font, size)
    return width


def ellipsized(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with "…" where it would run past `width` (a header line shared with other text)."""
    if run_width(text, font, size) <= width:
        return text
    while text and run_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
