"""The casebook PDF of a participant: a cover, then each form of the study's CRF on its own pages, filled from
the database, with the signatures of the forms that carry one. Pseudonymised: the participant code, never a name.
Also the pieces a batch of casebooks (`casebooks`) and the blank forms (`blank_crf`) share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer
from sqlalchemy import select

from coordinator.audit.export_log import log_written_file
from coordinator.context import Context
from coordinator.crf.casebook import Casebook, FilledForm, read_casebook
from coordinator.crf.vocabulary import SIGNATURES
from coordinator.documents import pdf
from coordinator.documents.crf_fields import SectionPrinter, cdash_date
from coordinator.documents.crf_pages import PageInfo, PageMark, build_crf, text_width
from coordinator.documents.forms import facts_table, grid_table, signature_lines
from coordinator.documents.signature_block import signature_parts
from coordinator.i18n import _
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import permitted_participant_id
from coordinator.signatures.meanings import Meaning
from coordinator.signatures.records import CASEBOOK
from coordinator.signatures.service import with_zone
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from coordinator.studies.crf_schema import CrfForm
from db.tables import Participant, Study

COVER = "COVER"
P = Participant.__table__
S = Study.__table__


@dataclass(frozen=True)
class Printing:
    """Who prints, when, on what paper: the same for every casebook of a batch."""

    by: str  # full name and login
    at: datetime  # local, with its zone
    pagesize: tuple[float, float]

    @classmethod
    def now(cls, ctx: Context, paper: str) -> Printing:
        return cls(f"{ctx.user.full_name} ({ctx.user.login})", ctx.now().astimezone(), pdf.paper_size(paper))

    @property
    def footer(self) -> str:
        return _("printed {date} {time} by {who}").format(
            date=cdash_date(self.at.date().isoformat()), time=with_zone(self.at)[11:], who=self.by)


def casebook_story(book: Casebook, number: int, printing: Printing,
                   reached: Callable[[], None] | None = None) -> list[Flowable]:
    """The pages of one casebook; `number` tells it apart from the others of a batch (its pages count from 1)."""
    width = text_width(printing.pagesize)
    printer = SectionPrinter(book.definition, width, filled=True)
    cover = PageInfo(number, book.study, book.site, book.code, COVER, _("Cover"), book.crf_version)
    story: list[Flowable] = [PageMark(cover, reached), *_cover(book, printing, width)]
    for filled in book.forms:
        story += [PageBreak(), PageMark(_info(book, number, filled.form, filled.version))]
        lead = [pdf.paragraph(filled.form.title, pdf.styles().heading)]
        for section in filled.sections:
            story += printer.section(section.section, section.rows, lead)
            lead = []
        story += _signatures(filled, width)
    return story


def _info(book: Casebook, number: int, form: CrfForm, version: str) -> PageInfo:
    return PageInfo(number, book.study, book.site, book.code, form.id, form.title, version)


def _cover(book: Casebook, printing: Printing, width: float) -> list[Flowable]:
    status = Status(book.status).label
    facts = [(_("Study"), f"{book.study} — {book.study_title}"), (_("Registry"), book.registry),
             (_("Site"), book.site), (_("Participant"), book.code), (_("Arm"), book.arm or _("not assigned")),
             (_("Status"), status), (_("CRF version"), book.crf_version),
             (_("Printed"), f"{with_zone(printing.at)}, {printing.by}")]
    rows = [[pdf.paragraph(text, pdf.styles().small)
             for text in (form.form.id, form.form.title, form.version, _signature_kind(form))] for form in book.forms]
    return [pdf.paragraph(_("Casebook"), pdf.styles().heading), Spacer(1, 2 * mm),
            facts_table(facts, width), Spacer(1, 5 * mm),
            pdf.paragraph(_("Forms"), pdf.styles().section),
            grid_table([_("Form"), _("Title"), _("Version"), _("Signed")], rows,
                       [20 * mm, None, 20 * mm, 40 * mm], width),
            Spacer(1, 5 * mm),
            pdf.paragraph(_("This casebook carries the participant code only: names and contact details stay at "
                            "the site, apart from study data. Each page's QR code names the study, participant, "
                            "form and page."), pdf.styles().small)]


def _signature_kind(filled: FilledForm) -> str:
    signature = filled.form.signature
    if signature is None:
        return "—"
    if filled.signatures is None:
        return _("on paper")
    valid = [view for view in filled.signatures if view.valid]
    return _("{count} valid e-signature(s)").format(count=len(valid)) if valid else _("not signed yet")


def _signatures(filled: FilledForm, width: float) -> list[Flowable]:
    """The electronic signatures of the form's record; while none holds, a box for the investigator to sign."""
    if filled.form.signature is None:
        return []
    parts: list[Flowable] = [pdf.paragraph(_("Investigator signature"), pdf.styles().section)]
    if filled.form.signature == CASEBOOK.name:
        parts.append(pdf.paragraph(_("Signing the casebook covers the participant's data in every form: consent, "
                                     "values, eligibility, allocation, risk group and the samples as collected or "
                                     "made (not where they are kept)."), pdf.styles().small))
    if filled.form.signature in SIGNATURES:
        parts += signature_parts(filled.signatures or [], width)
        if any(view.valid for view in filled.signatures or []):
            return [KeepTogether(parts)]
        parts.append(Spacer(1, 3 * mm))
    return [KeepTogether([*parts, paper_signature(width)])]


def paper_signature(width: float) -> Flowable:
    """Name, date and meaning, written by hand (21 CFR 11.50 asks the same of an electronic one)."""
    meanings = "   ".join(f"☐ {meaning.label}" for meaning in Meaning)
    return signature_lines([(_("Investigator"), [_("Printed name"), (_("Date"), "DD/MMM/YYYY"),
                                                  (_("Meaning"), meanings)])], width)


def print_casebook(ctx: Context, code: str, out: Path, paper: str = "a4") -> Path:
    """One participant's casebook as a PDF, written whole or not at all, and logged as an export."""
    pdf.pdf_path(out)
    printing = Printing.now(ctx, paper)
    with environment_errors(), ctx.engine.connect() as connection:
        pid = permitted_participant_id(ctx, connection, code)
        study_id, study = connection.execute(select(P.c.study_id, S.c.code).join(S, S.c.id == P.c.study_id)
                                             .where(P.c.id == pid)).one()
        definition = catalogue.current_definitions(connection, {study_id})[study_id]
        book = read_casebook(ctx, connection, pid, study, definition)
    with pdf.replacing(out, pdf.PDF_FAILURE) as target:
        build_crf(target, casebook_story(book, 1, printing), title=_("Casebook {code}").format(code=book.code),
                  subject=_("Case report forms of {code}, study {study}").format(code=book.code, study=book.study),
                  keywords=[book.study, book.code, "CRF", "CDASH"], pagesize=printing.pagesize,
                  printed=printing.footer)
    return log_written_file(ctx, _("casebook PDF"), out, study=book.study, subject=book.code)
