"""Blank CRFs of a study, for the ward without a computer: every form with boxes for dates (DD/MMM/YYYY) and times,
boxes to tick for coded options, lines to write on, and the criteria and items of the study file already printed.
The header has boxes for the site and participant code; each page's QR code names the study, form and page."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from coordinator.audit.export_log import log_written_file
from coordinator.context import Context
from coordinator.crf.casebook import crf_of, listed_rows
from coordinator.documents import pdf
from coordinator.documents.casebook import COVER, Printing, paper_signature
from coordinator.documents.crf_fields import SectionPrinter
from coordinator.documents.crf_pages import PageInfo, PageMark, build_crf, text_width
from coordinator.documents.forms import facts_table, grid_table
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.studies.schema import StudyDefinition

INSTRUCTIONS = (
    "Write in black ink, in capitals. Dates as DD/MMM/YYYY (e.g. 05/MAR/2026), times on 24 hours.",
    "Tick one box: ☒. Leave nothing empty: write ND (not done) or NA (not applicable).",
    "To correct, strike through once so the old entry stays readable, write the new one beside it, and initial and "
    "date the change. Never erase or cover.",
    "Write the participant code in the header of every page; never a name.",
)


def blank_story(study: str, definition: StudyDefinition, printing: Printing) -> list[Flowable]:
    crf = crf_of(study, definition)
    width = text_width(printing.pagesize)
    printer = SectionPrinter(definition, width, filled=False)
    cover = PageInfo(1, study, "", "", COVER, _("Cover"), crf.version)
    rows = [[pdf.paragraph(text, pdf.styles().small)
             for text in (form.id, form.title, crf.version_of(form), _("yes") if form.signature else "—")]
            for form in crf.forms]
    story: list[Flowable] = [
        PageMark(cover), pdf.paragraph(_("Case report forms"), pdf.styles().heading), Spacer(1, 2 * mm),
        facts_table([(_("Study"), f"{study} — {definition.title}"), (_("Registry"), definition.registry_label),
                     (_("CRF version"), crf.version)], width),
        Spacer(1, 4 * mm), pdf.paragraph(_("How to fill in"), pdf.styles().section),
        *[pdf.paragraph(f"• {_(line)}", pdf.styles().body) for line in INSTRUCTIONS],
        Spacer(1, 4 * mm), pdf.paragraph(_("Forms"), pdf.styles().section),
        grid_table([_("Form"), _("Title"), _("Version"), _("Signed")], rows, [20 * mm, None, 20 * mm, 20 * mm],
                   width)]
    for form in crf.forms:
        story += [PageBreak(), PageMark(PageInfo(1, study, "", "", form.id, form.title, crf.version_of(form)))]
        lead = [pdf.paragraph(form.title, pdf.styles().heading)]
        for section in form.sections:
            listed = listed_rows(definition, section.record) if section.kind.listed else []
            story += printer.section(section, listed, lead)
            lead = []
        if form.signature:
            story.append(KeepTogether([pdf.paragraph(_("Investigator signature"), pdf.styles().section),
                                       paper_signature(width)]))
    return story


def print_blank_crf(ctx: Context, study: str, out: Path, paper: str = "a4") -> Path:
    """The study's blank forms as one PDF, written whole or not at all, and logged as an export."""
    pdf.pdf_path(out)
    code = (study or "").strip().upper()
    ref = catalogue.current(ctx, code)
    ctx.require(Permission.READ, ref.code)
    printing = Printing.now(ctx, paper)
    story = blank_story(ref.code, ref.definition, printing)
    with pdf.replacing(out, pdf.PDF_FAILURE) as target:
        build_crf(target, story, title=_("Blank case report forms {study}").format(study=ref.code),
                  subject=_("Blank case report forms of study {study} for paper use").format(study=ref.code),
                  keywords=[ref.code, "CRF", "CDASH", "blank"], pagesize=printing.pagesize, printed=printing.footer)
    return log_written_file(ctx, _("blank CRF PDF"), out, study=ref.code)
