"""The audit trail as a PDF: what a monitor or an inspector reads on paper, one line per audit row, oldest first.

Landscape A4 for the many columns; the table header repeats on every page and each page says "page X of Y".
Codes only: the rows arrive masked (coordinator.audit.trail), so no name or birth date is printed. The row
digests are left to the CSV, where a program can check them; the page shows what happened, not hex.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from coordinator.audit.history import AuditLine
from coordinator.documents import pdf
from coordinator.documents.fonts import REGULAR
from coordinator.documents.pdf import GRID, HEADER_FILL
from coordinator.i18n import N_, _

PAGE = landscape(A4)
WIDTH = pdf.text_width(PAGE)
ROWS_PER_TABLE = 200  # ReportLab splits a long table page by page, copying the rest each time: chunks stay quick
LONGEST_VALUE = 200  # characters of a value printed; a study file's JSON runs to pages, the CSV has it whole
ACTIONS = {"insert": N_("created"), "update": N_("changed"), "event": N_("event")}
COLUMNS = (  # header, width in mm (a time, a participant code on one line); old and new share what is left
    (N_("No."), 10), (N_("When (UTC)"), 29), (N_("User"), 17), (N_("Action"), 15), (N_("Record"), 31),
    (N_("Field"), 25), (N_("Old value"), None), (N_("New value"), None), (N_("Reason"), 30),
    (N_("Participant / study"), 28),
)


@dataclass(frozen=True)
class TrailDocument:
    """What the pages show besides the rows: the study, the filters, who generated it and when."""

    study: str  # "MILA – Study of ..." or "All studies"
    filters: str  # the filters in words, or that there are none
    generated_at: datetime
    generated_by: str
    lines: Sequence[AuditLine]


def write_pdf(document: TrailDocument, out: Path) -> Path:
    """Draw the rows with embedded fonts; returns the file written (the previous one is kept on error)."""
    pdf.pdf_path(out)
    shared = pdf.styles()
    stamp = document.generated_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    story: list[Flowable] = [
        pdf.paragraph(_("Audit trail"), shared.heading),
        pdf.paragraph(_("Study: {study}").format(study=document.study)),
        pdf.paragraph(_("Filters: {filters}").format(filters=document.filters), shared.small),
        pdf.paragraph(_("Generated {at} by {by}. {count} row(s), oldest first. Participant codes only: the values "
                        "of identity, contact and consent signer rows are masked.").format(
            at=stamp, by=document.generated_by, count=f"{len(document.lines):,}"), shared.small),
        pdf.paragraph(_("Rows"), shared.section),
        *(_tables(document.lines) if document.lines else [pdf.paragraph(_("No audit row matches these filters."))]),
    ]
    footer = _("Audit trail – {study} – generated {at} by {by}").format(
        study=document.study.split(" – ")[0], at=stamp, by=document.generated_by)
    return pdf.write_pdf(out, story, title=_("Audit trail"), pagesize=PAGE, footer=footer)


def _tables(lines: Sequence[AuditLine]) -> list[Flowable]:
    """The rows as tables of ROWS_PER_TABLE, each with the header row that repeats on the pages it spans."""
    small = pdf.styles().small
    cell = ParagraphStyle("trail-cell", parent=small, fontSize=7, leading=8.6, splitLongWords=True)
    header = [pdf.paragraph(_(title), ParagraphStyle("trail-header", parent=cell, fontSize=7.5))
              for title, _width in COLUMNS]
    rest = (WIDTH - sum(width or 0 for _title, width in COLUMNS) * mm) / 2
    widths = [width * mm if width else rest for _title, width in COLUMNS]
    style = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])
    tables: list[Flowable] = []
    for start in range(0, len(lines), ROWS_PER_TABLE):
        rows = [[pdf.paragraph(text, cell) for text in _cells(line)] for line in lines[start:start + ROWS_PER_TABLE]]
        table = Table([header, *rows], colWidths=widths, repeatRows=1)
        table.setStyle(style)
        tables.append(table)
    return tables


def _cells(line: AuditLine) -> tuple[str, ...]:
    return (
        str(line.id), line.at_utc[:19].replace("T", " "), line.actor, _(ACTIONS.get(line.action, line.action)),
        f"{line.table} {line.record}", line.field or "", _shortened(line.old), _shortened(line.new),
        _shortened(line.reason), line.participant or line.study or "–",
    )


def _shortened(value: str | None) -> str:
    if value is None:
        return ""
    if len(value) <= LONGEST_VALUE:
        return value
    return _("{start}… ({count} characters in all: the CSV export holds the whole value)").format(
        start=value[:LONGEST_VALUE], count=f"{len(value):,}")
