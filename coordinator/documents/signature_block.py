"""The electronic signatures of a printed record (21 CFR 11.50): printed name, date and time with the time zone,
meaning, and whether each still holds, checked when the page is printed. Shared by every document that prints a
signed record (consent checklist, and the casebook of issue 6)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from coordinator.documents import pdf
from coordinator.documents.fonts import BOLD, REGULAR
from coordinator.documents.pdf import GRID, HEADER_FILL, MISSING_FILL, MISSING_RED
from coordinator.i18n import _
from coordinator.signatures.service import SignatureView

VALID_GREEN = colors.HexColor("#1e6b2b")


def signature_block(signatures: Sequence[SignatureView], width: float | None = None, *,
                    show_record: bool = False) -> Flowable:
    """A table of signatures, kept on one page; `show_record` adds which record each one signs (a casebook that
    prints several kinds). With no signature, one line saying so."""
    return KeepTogether(signature_parts(signatures, width, show_record=show_record))


def signature_parts(signatures: Sequence[SignatureView], width: float | None = None, *,
                    show_record: bool = False) -> list[Flowable]:
    """What `signature_block` keeps together, for a caller that keeps it together with more (KeepTogether does not
    nest)."""
    small = pdf.styles().small
    if not signatures:
        return [pdf.paragraph(_("No electronic signature."), small)]
    valid = ParagraphStyle("signature-valid", parent=small, fontName=BOLD, textColor=VALID_GREEN)
    invalid = ParagraphStyle("signature-invalid", parent=small, fontName=BOLD, textColor=MISSING_RED)
    titles = [_("Signed by"), _("Date and time"), _("Meaning"), _("Validity")]
    shares = [0.31, 0.24, 0.16, 0.29]
    if show_record:
        titles.insert(0, _("Record"))
        shares = [0.16, 0.26, 0.2, 0.13, 0.25]
    rows = []
    for view in signatures:
        cells = [pdf.paragraph(f"{view.printed_name} ({view.signer})", small),
                 pdf.paragraph(view.time_with_zone, small), pdf.paragraph(view.meaning.label, small),
                 pdf.paragraph(_("VALID"), valid) if view.valid
                 else pdf.paragraph(_("NOT VALID — content changed after signing"), invalid)]
        rows.append([pdf.paragraph(view.kind_label, small), *cells] if show_record else cells)
    total = width or pdf.text_width()
    style = [("FONTNAME", (0, 0), (-1, -1), REGULAR), ("GRID", (0, 0), (-1, -1), 0.5, GRID),
             ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    style += [("BACKGROUND", (0, row), (-1, row), MISSING_FILL)
              for row, view in enumerate(signatures, start=1) if not view.valid]
    table = Table([[pdf.paragraph(title, small) for title in titles], *rows],
                  colWidths=[share * total for share in shares], repeatRows=1, spaceBefore=1 * mm)
    table.setStyle(TableStyle(style))
    note = pdf.paragraph(_("Validity checked when this page was printed: a signature is not valid once the record "
                           "it signs has changed."), small)
    return [table, Spacer(1, 2), note]
