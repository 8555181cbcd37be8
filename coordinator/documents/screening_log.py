"""The screening log PDF: CONSORT-style counts, screen failures by reason, and one line per participant.

Pseudonymous (codes, never names), so it can be sent to the sponsor or shown to a monitor. Landscape, because
the participant table has many columns; its header repeats on every page and each page says "page X of Y".
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from coordinator.audit.export_log import log_written_file
from coordinator.context import Context
from coordinator.documents import pdf
from coordinator.documents.fonts import BOLD, REGULAR
from coordinator.documents.pdf import GRID, HEADER_FILL, MISSING_RED
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.screening_log import LogEntry, ScreeningLog, screening_log
from coordinator.i18n import N_, _

PAGE = landscape(A4)
WIDTH = pdf.text_width(PAGE)
SUBTLE = colors.HexColor("#616161")
FAILURE_FILL = colors.HexColor("#fdf3f2")


def print_log(ctx: Context, study: str, out: Path) -> Path:
    """Read the study's log as it is now, write it to `out` and log the export (what the command line and the
    window both call). Reading the log checks the user's right to read the study: a refusal comes before any file."""
    log = screening_log(ctx, study)
    written = write_pdf(log, out, ctx.now(), ctx.actor)
    return log_written_file(ctx, _("screening log PDF"), written, study=log.study)


def write_pdf(log: ScreeningLog, out: Path, printed_at: datetime, printed_by: str) -> Path:
    """Draw the log with embedded fonts; returns the file written (nothing is left behind on error)."""
    pdf.pdf_path(out)
    shared = pdf.styles()
    stamp = printed_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    story: list[Flowable] = [
        pdf.paragraph(_("Screening log"), shared.heading),
        pdf.paragraph(_("Study: {code} – {title}").format(code=log.study, title=log.title)),
        pdf.paragraph(_("Registry: {ids}").format(ids=log.registry), shared.small),
        pdf.paragraph(_("Criteria as in study file version {version}. Printed {at} by {by}. Participant codes "
                        "only: this log shows no names.").format(version=log.version, at=stamp, by=printed_by),
                      shared.small),
        pdf.paragraph(_("Screening and enrollment"), shared.section),
        _counts_table(log),
        pdf.paragraph(_("Screen failures by reason"), shared.section),
        *_reasons(log),
        pdf.paragraph(_("Participants ({count})").format(count=len(log.entries)), shared.section),
        _participants_table(log.entries) if log.entries else pdf.paragraph(
            _("No participant is registered in {study}.").format(study=log.study)),
    ]
    footer = _("{study} – screening log – printed {at} by {by}").format(study=log.study, at=stamp, by=printed_by)
    return pdf.write_pdf(out, story, title=_("Screening log {code}").format(code=log.study), pagesize=PAGE,
                         footer=footer)


def _style(name: str, parent: ParagraphStyle, **changes: object) -> ParagraphStyle:
    return ParagraphStyle(name, parent=parent, **changes)


def _counts_table(log: ScreeningLog) -> Table:
    """The enrollment part of a CONSORT diagram as a table: who left screening, and how, then who was enrolled."""
    small = pdf.styles().small
    label = _style("count-label", small)
    indented = _style("count-indented", small, leftIndent=5 * mm)
    strong = _style("count-strong", small, fontName=BOLD)
    number = _style("count-number", small, alignment=2)
    number_strong = _style("count-number-strong", strong, alignment=2)
    counts = log.counts

    def line(text: str, value: object, style: ParagraphStyle = label, bold: bool = False) -> list[Paragraph]:
        return [pdf.paragraph(text, style), pdf.paragraph(str(value), number_strong if bold else number)]

    rows = [
        line(_("Screened (registered)"), counts.screened, strong, bold=True),
        line(_("Screen failures (not eligible)"), counts.screen_failures, indented),
        line(_("Withdrawn before enrollment"), counts.withdrawn_before_enrollment, indented),
        line(_("Still in screening"), counts.in_screening, indented),
        line(_("Confirmed eligible by an investigator"), counts.eligible, strong, bold=True),
        line(_("Enrolled"), counts.enrolled, strong, bold=True),
        *[line(_("{code} – {label}").format(code=arm.code, label=arm.label),
               f"{arm.enrolled} / {arm.target}" if arm.target else arm.enrolled, indented)
          for arm in log.arms if len(log.arms) > 1],
    ]
    separators = [0, 4, 5]  # a line above each box of the diagram
    table = Table(rows, colWidths=[78 * mm, 22 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("BOX", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        *[("LINEABOVE", (0, row), (-1, row), 0.5, GRID) for row in separators[1:]],
        *[("BACKGROUND", (0, row), (-1, row), HEADER_FILL) for row in separators],
    ]))
    return table


def _reasons(log: ScreeningLog) -> list[Flowable]:
    shared = pdf.styles()
    small = shared.small
    note = _style("note", small, textColor=SUBTLE)
    notes: list[Flowable] = []
    if log.failures_without_criteria:
        notes.append(pdf.paragraph(_("{count} screen failure(s) recorded by a status change, without an "
                                     "eligibility confirmation naming the criteria.").format(
            count=log.failures_without_criteria), note))
    if not log.reasons:
        return [pdf.paragraph(_("No screen failure with criteria recorded."), small), *notes]
    number = _style("reason-number", small, alignment=2)
    header = [pdf.paragraph(text, small) for text in (_("Criterion"), _("Category"), _("Criterion text"))]
    header.append(pdf.paragraph(_("Participants"), number))
    rows = [[pdf.paragraph(reason.criterion, small),
             pdf.paragraph(_(CATEGORIES[reason.category]) if reason.category else "–", small),
             pdf.paragraph(reason.text, small), pdf.paragraph(str(reason.count), number)] for reason in log.reasons]
    table = Table([header, *rows], colWidths=[22 * mm, 24 * mm, WIDTH - 70 * mm, 24 * mm], repeatRows=1)
    table.setStyle(_grid())
    if sum(reason.count for reason in log.reasons) > log.counts.screen_failures - log.failures_without_criteria:
        notes.insert(0, pdf.paragraph(_("A participant may fail more than one criterion: the counts add up to "
                                        "more than the screen failures."), note))
    return [table, *[KeepTogether([Spacer(1, 3), item]) for item in notes]]


COLUMNS = (  # header, width in mm; the criteria take what is left of the text width
    (N_("Code"), 34), (N_("Site"), 10), (N_("Registered"), 21), (N_("Status"), 24), (N_("Eligibility"), 22),
    (N_("Confirmed (UTC)"), 31), (N_("Confirmed by"), 28), (N_("Criteria not met"), None), (N_("Enrolled"), 21),
    (N_("Arm"), 24),
)
CATEGORIES = {"inclusion": N_("Inclusion"), "exclusion": N_("Exclusion")}


def _participants_table(entries: list[LogEntry]) -> Table:
    small = pdf.styles().small
    cell = _style("cell", small, fontSize=8, leading=10)
    failed = _style("cell-failed", cell, textColor=MISSING_RED)
    header = [pdf.paragraph(_(title), small) for title, _width in COLUMNS]
    rows = []
    style = _grid()
    for index, entry in enumerate(entries, start=1):
        not_eligible = entry.decision is Decision.not_eligible
        rows.append([
            pdf.paragraph(entry.code, cell), pdf.paragraph(f"{entry.site:02d}", cell),
            pdf.paragraph(entry.registered_on.isoformat(), cell), pdf.paragraph(entry.status.label, cell),
            pdf.paragraph(entry.decision.label if entry.decision else "–", failed if not_eligible else cell),
            pdf.paragraph(entry.confirmed_at[:16].replace("T", " ") if entry.confirmed_at else "–", cell),
            pdf.paragraph(entry.confirmed_by or "–", cell),
            pdf.paragraph(", ".join(entry.criteria_not_met) or "–", failed if not_eligible else cell),
            pdf.paragraph(entry.enrolled_on.isoformat() if entry.enrolled_on else "–", cell),
            pdf.paragraph(entry.arm or "–", cell),
        ])
        if not_eligible:
            style.add("BACKGROUND", (0, index), (-1, index), FAILURE_FILL)
    rest = WIDTH - sum(width or 0 for _title, width in COLUMNS) * mm
    table = Table([header, *rows], colWidths=[width * mm if width else rest for _title, width in COLUMNS],
                  repeatRows=1)
    table.setStyle(style)
    return table


def _grid() -> TableStyle:
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ])
