"""The shipping manifest: the paper that travels in the box with the samples, and comes back signed.

Pseudonymous (sample and participant codes, never names): it leaves the site. The manifest number is also printed
as a Code128 so the receiving lab can scan it; each page says "page X of Y".
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from coordinator.audit.export_log import log_written_file
from coordinator.context import Context
from coordinator.documents import forms, pdf
from coordinator.documents.fonts import REGULAR
from coordinator.documents.pdf import GRID
from coordinator.i18n import N_, _
from coordinator.samples.queries import timepoint_label
from coordinator.samples.shipments import ShipmentDetail, shipment
from coordinator.studies import catalogue
from coordinator.studies.schema import StudyDefinition

WIDTH = pdf.text_width()
GAP = "\u00a0\u00a0 "  # between two boxes to tick: a paragraph folds plain spaces into one
COLUMNS = (  # header, width in mm; the participant takes what is left
    (N_("No."), 8), (N_("Sample id"), 40), (N_("Participant"), None), (N_("Type"), 14), (N_("Timepoint"), 17),
    (N_("Collected"), 19), (N_("Volume"), 16), (N_("Taken from"), 25),
)


def print_manifest(ctx: Context, number: str, path: Path) -> Path:
    """Read the shipment, write its manifest to `path` and log the export. Reading checks the right to read the
    study (and that the number exists) before any file is written."""
    pdf.pdf_path(path)
    detail = shipment(ctx, number)
    definition = catalogue.current(ctx, detail.study).definition
    written = write_pdf(detail, definition, path, ctx.now(), ctx.actor)
    return log_written_file(ctx, _("shipping manifest PDF {number}").format(number=detail.number), written,
                            study=detail.study)


def write_pdf(detail: ShipmentDetail, definition: StudyDefinition, out: Path, printed_at: datetime,
              printed_by: str) -> Path:
    pdf.pdf_path(out)
    shared = pdf.styles()
    small = shared.small
    stamp = printed_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    shipped_by = (f"{detail.shipped_by_name} ({detail.shipped_by})" if detail.shipped_by_name
                  else detail.shipped_by)
    facts = [
        (_("Study"), f"{detail.study} – {definition.title}"),
        (_("From"), detail.sender or "–"),
        (_("To"), detail.destination),
        (_("Shipped"), _("{at} by {by}").format(at=detail.shipped_at, by=shipped_by)),
        (_("Samples"), str(detail.count)),
        *([(_("Note"), detail.note)] if detail.note else []),
    ]
    story: list[Flowable] = [
        _title(detail),
        Spacer(1, 3 * mm),
        forms.facts_table(facts),
        pdf.paragraph(_("Samples ({count})").format(count=detail.count), shared.section),
        _samples_table(detail) if detail.samples else pdf.paragraph(_("No sample in this shipment."), small),
        Spacer(1, 2 * mm),
        *[pdf.paragraph(line, small) for line in _legend(detail, definition)],
        pdf.paragraph(_("Participant codes only: this manifest shows no names. Check each tube against its line "
                        "on arrival, note any difference, sign and send a copy back to the sender."), small),
        pdf.paragraph(_("Signatures"), shared.section),
        forms.signature_lines([
            (_("Shipped by"), [_("Name"), _("Date and time"),
                               (_("Coolant"), _("☐ dry ice{gap}☐ LN2{gap}☐ +4 °C").format(gap=GAP)),
                               (_("Dispatch temperature"), "°C")]),
            (_("Received by"), [_("Name"), _("Date and time"), (_("Arrival temperature"), "°C"),
                                (_("Condition"), _("☐ intact ☐ thawed ☐ damaged"))]),
        ]),
    ]
    footer = _("{study} – shipping manifest {number} – printed {at} by {by}").format(
        study=detail.study, number=detail.number, at=stamp, by=printed_by)
    return pdf.write_pdf(out, story, title=_("Shipping manifest {number}").format(number=detail.number),
                         footer=footer)


def _title(detail: ShipmentDetail) -> Table:
    """The title and the number on the left, the number as a Code128 on the right."""
    shared = pdf.styles()
    number_style = ParagraphStyle("manifest-number", parent=shared.heading, fontSize=13, leading=16)
    bars = Code128(detail.number, barWidth=0.3 * mm, barHeight=11 * mm, quiet=0, humanReadable=0)
    left = [pdf.paragraph(_("Shipping manifest"), shared.heading),
            pdf.paragraph(_("Manifest number {number}").format(number=detail.number), number_style)]
    table = Table([[left, bars]], colWidths=[WIDTH - bars.width - 2 * mm, bars.width + 2 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, GRID), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


def _samples_table(detail: ShipmentDetail) -> Table:
    cell, strong, number = forms.cell_styles()
    rows = [[pdf.paragraph(str(index), number), pdf.paragraph(sample.code, strong),
             pdf.paragraph(sample.participant, cell), pdf.paragraph(sample.type_id, cell),
             pdf.paragraph(sample.timepoint or "–", cell), pdf.paragraph(sample.collected_at, cell),
             pdf.paragraph(sample.volume_text, number), pdf.paragraph(sample.from_location or "–", cell)]
            for index, sample in enumerate(detail.samples, start=1)]
    return forms.grid_table([_(title) for title, _width in COLUMNS], rows,
                            [width * mm if width else None for _title, width in COLUMNS])


def _legend(detail: ShipmentDetail, definition: StudyDefinition) -> list[str]:
    """What the type and timepoint ids of the table stand for, as the study file names them."""
    kinds = {kind.id: kind for kind in definition.samples.types} if definition.samples else {}
    used = sorted({sample.type_id for sample in detail.samples})
    types = [f"{type_id} = {kinds[type_id].label}" if type_id in kinds else type_id for type_id in used]
    points = {sample.timepoint for sample in detail.samples if sample.timepoint}
    named = sorted(f"{point} = {label}" for point in points
                   if (label := timepoint_label(definition, point)) is not None)
    lines = [_("Types: {types}.").format(types="; ".join(types))] if types else []
    if named:
        lines.append(_("Timepoints: {timepoints}.").format(timepoints="; ".join(named)))
    return lines
