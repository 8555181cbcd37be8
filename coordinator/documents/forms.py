"""What the paper forms about samples share (shipping manifest, certificate of destruction): a block of facts,
a table of samples, and lines to sign on paper, side by side, one box per person."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from coordinator.documents import pdf
from coordinator.documents.fonts import BOLD, REGULAR
from coordinator.documents.pdf import FOOTER_GREY, GRID, HEADER_FILL
from coordinator.i18n import _

GAP = 5 * mm  # between two signature boxes
LABEL_WIDTH = 28 * mm  # the names of the facts


def cell_styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Table cells: plain, bold (the sample id), right-aligned (numbers)."""
    cell = ParagraphStyle("form-cell", parent=pdf.styles().small, fontSize=8, leading=10)
    return (cell, ParagraphStyle("form-cell-bold", parent=cell, fontName=BOLD),
            ParagraphStyle("form-cell-number", parent=cell, alignment=2))


def facts_table(facts: Sequence[tuple[str, str]], width: float | None = None) -> Table:
    """Name and value, one fact a line, the names in bold."""
    body = pdf.styles().body
    label = ParagraphStyle("form-fact", parent=body, fontName=BOLD)
    total = width or pdf.text_width()
    table = Table([[pdf.paragraph(key, label), pdf.paragraph(value, body)] for key, value in facts],
                  colWidths=[LABEL_WIDTH, total - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def grid_table(header: Sequence[str], rows: Sequence[Sequence[Paragraph | str]],
               widths: Sequence[float | None], width: float | None = None) -> Table:
    """A gridded table with a grey header repeated on every page; a None width takes what is left."""
    cell = cell_styles()[0]
    rest = (width or pdf.text_width()) - sum(w or 0 for w in widths)
    table = Table([[pdf.paragraph(title, cell) for title in header], *rows],
                  colWidths=[w if w is not None else rest for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]))
    return table


Field = str | tuple[str, str]  # a name, or (name, what is printed on its line, e.g. "°C" or boxes to tick)


def signature_lines(people: Sequence[tuple[str, Sequence[Field]]], width: float | None = None) -> Flowable:
    """One box per (title, fields), each field a line tall enough to write on, then a taller one to sign; the
    boxes share the width and stay on one page together (one table row, which never splits)."""
    total = width or pdf.text_width()
    box_width = (total - GAP * (len(people) - 1)) / len(people)
    small = pdf.styles().small
    title_style = ParagraphStyle("form-signature-title", parent=small, fontName=BOLD)
    hint_style = ParagraphStyle("form-signature-hint", parent=small, textColor=FOOTER_GREY, alignment=2)
    label_width = min(0.4 * box_width, 32 * mm)
    row: list[Flowable | str] = []
    widths: list[float] = []
    for index, (title, fields) in enumerate(people):
        named = [(field, "") if isinstance(field, str) else field for field in fields]
        named.append((_("Signature"), ""))
        box = Table([[pdf.paragraph(title, title_style), ""],
                     *[[pdf.paragraph(name, small), pdf.paragraph(hint, hint_style) if hint else ""]
                       for name, hint in named]],
                    colWidths=[label_width, box_width - label_width])
        box.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("BOX", (0, 0), (-1, -1), 0.5, GRID),
            ("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, GRID),
            ("VALIGN", (0, 1), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 1), (-1, -1), 14),
            ("TOPPADDING", (0, -1), (-1, -1), 30), ("BOTTOMPADDING", (0, 1), (-1, -1), 3),
            ("LINEBELOW", (1, 1), (1, -2), 0.4, GRID),  # the lines to write on; the box closes the last one
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ]))
        if index:
            row.append("")
            widths.append(GAP)
        row.append(box)
        widths.append(box_width)
    outer = Table([row], colWidths=widths, hAlign="LEFT")
    outer.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return outer
