"""The consent checklist PDF: kept at the site, so it shows names. One per participant, or blank per study."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from coordinator.audit.export_log import log_written_file
from coordinator.consent import service as consent
from coordinator.consent.rules import Role, rule_for
from coordinator.consent.status import document_in_force
from coordinator.context import Context
from coordinator.documents import pdf
from coordinator.documents.fonts import BOLD, REGULAR
from coordinator.documents.pdf import GRID, HEADER_FILL, MISSING_FILL, MISSING_RED
from coordinator.documents.signature_block import signature_block
from coordinator.i18n import N_, _
from coordinator.participants.queries import get_participant
from coordinator.security.permissions import Permission
from coordinator.signatures.records import CONSENT
from coordinator.signatures.service import SignatureView, signatures_of
from coordinator.studies import catalogue
from coordinator.studies.schema import StudyDefinition

BLANK = "_" * 14


@dataclass(frozen=True)
class SignerLine:
    role: str
    name: str  # empty on a blank checklist
    date: str
    obtained_by: str
    witness: str
    missing: bool = False


@dataclass(frozen=True)
class Checklist:
    """What the page shows, as plain data (built from the services, then drawn)."""

    study: str
    title: str
    document: str
    law: str
    participant: str
    status: str
    status_ok: bool
    signers: list[SignerLine]
    notes: list[str]
    electronic: tuple[SignatureView, ...] | None = None  # the consent record's e-signatures; None: blank


CHECK_ITEMS = (N_("Information sheet given"), N_("Time to consider the decision given"), N_("Questions answered"),
               N_("Copy of the signed form handed over"))


def participant_checklist(ctx: Context, code: str) -> Checklist:
    detail = get_participant(ctx, code)
    today = ctx.today()
    definition = catalogue.current(ctx, detail.row.study).definition  # the documents in force now
    result = consent.status(ctx, code)
    every = consent.signatures_of(ctx, code)
    episode = max((record.episode for record in every), default=1)
    records = [record for record in every if record.episode == episode]
    required, optional = consent.required_roles(ctx, code, today)
    latest = {record.role: record for record in records}
    shown = [*required, *(role for role in [*optional, Role.witness] if role in latest)]
    signers = [
        SignerLine(role.label, _name(latest[role].name, latest[role].relationship, latest[role].assent),
                   f"{latest[role].signed_on} {latest[role].signed_time or ''}".strip(), latest[role].obtained_by,
                   latest[role].witness or "")
        if role in latest else SignerLine(role.label, _("MISSING"), "", "", "", missing=True)
        for role in shown
    ]
    notes = [_("One-holder exception: {kind} ({detail})").format(kind=r.exception, detail=r.exception_detail)
             for r in records if r.exception]
    person = f"{detail.row.code} – {detail.full_name or '–'} – " + _("born {date}").format(date=detail.row.birth_date)
    return Checklist(definition.short_name, definition.title, _document_line(definition, today),
                     rule_for(definition.consent_jurisdiction).law, person, result.explanation,
                     result.is_current, signers, notes, tuple(signatures_of(ctx, code, CONSENT.name)))


def blank_checklist(ctx: Context, study: str) -> Checklist:
    ref = catalogue.current(ctx, study)
    ctx.require(Permission.READ, ref.code)  # printing is logged on the study, which needs it: refused before
    definition = ref.definition
    rule = rule_for(definition.consent_jurisdiction)
    roles = [role for role in Role if any(role in band.required or role in band.optional for band in rule.bands)]
    bands = [_("{ages}: {roles}").format(
        ages=_("from {low} years").format(low=band.from_age) if band.below is None
        else _("{low} to {high} years").format(low=band.from_age, high=band.below - 1),
        roles=", ".join(role.label for role in band.required)) for band in rule.bands]
    return Checklist(definition.short_name, definition.title, _document_line(definition, ctx.today()), rule.law,
                     _("Code: {blank}   Name: {blank}{blank}   Birth date: {blank}").format(blank=BLANK), "", True,
                     [SignerLine(role.label, "", "", "", "") for role in roles],
                     [_("Required signatures by age: {bands}").format(bands="; ".join(bands))])


def _name(name: str, relationship: str | None, assent: str | None) -> str:
    extra = ", ".join(part for part in (relationship, assent and _("assent {value}").format(value=assent)) if part)
    return f"{name} ({extra})" if extra else name


def _document_line(definition: StudyDefinition, on: date) -> str:
    document = document_in_force(definition.consent, on) or definition.consent.documents[0]
    return _("{name}, version {version} ({language}), effective {effective}").format(
        name=document.name, version=document.version, language=document.language, effective=document.effective)


def print_checklist(ctx: Context, out: Path, *, code: str | None = None, study: str | None = None) -> Path:
    """The participant's checklist (`code`), or a blank one for `study`, written to `out` and logged as an export
    (it shows names: the log says who printed it, and where it went). Reading the checklist checks the user's
    right to read the study, so a refusal comes before any file."""
    checklist = participant_checklist(ctx, code) if code else blank_checklist(ctx, study or "")
    written = write_pdf(checklist, out, ctx.today())
    subject = code.strip().upper() if code else None
    return log_written_file(ctx, _("consent checklist PDF") if subject else _("blank consent checklist PDF"),
                            written, study=checklist.study, subject=subject)


def write_pdf(checklist: Checklist, out: Path, printed_on: date) -> Path:
    """Draw the checklist on A4 with embedded fonts; returns the file written."""
    pdf.pdf_path(out)
    shared = pdf.styles()
    body, small, heading, section = shared.body, shared.small, shared.heading, shared.section
    status = ParagraphStyle("status", parent=body, textColor=colors.black if checklist.status_ok else MISSING_RED)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return pdf.paragraph(text, style)

    story: list[Flowable] = [
        p(_("Consent checklist"), heading),
        p(_("Study: {code} – {title}").format(
            code=checklist.study, title=checklist.title)),
        p(_("Document: {document}").format(document=checklist.document)),
        p(_("Rule: {law}").format(law=checklist.law), small),
        p(_("Participant: {participant}").format(participant=checklist.participant)),
        Spacer(1, 3),
        *([p(_("Consent status: {status}").format(status=checklist.status), status)] if checklist.status else []),
        *[p(note, small) for note in checklist.notes],
        p(_("Signatures"), section),
        _signature_table(checklist, p, small),
        p(_("Checklist"), section),
        _check_table(p),
        *([p(_("Electronic signatures"), section), signature_block(checklist.electronic)]
          if checklist.electronic is not None else []),
        Spacer(1, 14),
        p(_("Printed on {date}. Keep at the site: this page shows names.").format(date=printed_on), small),
    ]
    return pdf.write_pdf(out, story, title=_("Consent checklist {code}").format(code=checklist.study))


def _signature_table(checklist: Checklist, p, small: ParagraphStyle) -> Table:  # noqa: ANN001
    header = [p(text, small) for text in (_("Role"), _("Name"), _("Date and time"), _("Obtained by"),
                                          _("Witness"), _("Signature"))]
    missing = ParagraphStyle("missing", parent=small, textColor=MISSING_RED, fontName=BOLD)
    rows = [[p(line.role, small), p(f"✗ {line.name}", missing) if line.missing else p(line.name, small),
             p(line.date, small), p(line.obtained_by, small), p(line.witness, small), ""]
            for line in checklist.signers]
    style = [("FONTNAME", (0, 0), (-1, -1), REGULAR),
             ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 1), (-1, -1), 5),
             ("BOTTOMPADDING", (0, 1), (-1, -1), 9)]
    for index, line in enumerate(checklist.signers, start=1):
        if line.missing:
            style.append(("BACKGROUND", (0, index), (-1, index), MISSING_FILL))
    table = Table([header, *rows], colWidths=[36 * mm, 42 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _check_table(p) -> Table:  # noqa: ANN001
    rows = [[p("☐"), p(_(item)), p(_("Date: {blank}   Initials: ______").format(blank="__________"))]
            for item in CHECK_ITEMS]
    table = Table(rows, colWidths=[8 * mm, 82 * mm, 84 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return table
