"""The certificate of destruction of samples, after a withdrawal of consent that asked for it.

Printed before the destruction is confirmed, it lists what is to be destroyed and where each tube is, to take to
the freezer and sign; printed after, the same samples are listed as destroyed, with the date. Samples shipped
elsewhere are listed with their destination and manifest, so the site tells those labs. Participant code only:
the page goes to the freezer room, and the code is enough to find the tubes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from coordinator.audit.export_log import log_written_file
from coordinator.context import Context
from coordinator.documents import forms, pdf
from coordinator.i18n import N_, _
from coordinator.participants.queries import get_participant
from coordinator.samples.custody import Event
from coordinator.samples.queries import EventRow, SampleRow
from coordinator.samples.withdrawal import destruction_list
from coordinator.studies import catalogue


@dataclass(frozen=True)
class Line:
    """One sample on the certificate; `when`, `where`, `by` and `what` depend on the table it is in."""

    code: str
    type_id: str
    collected: str
    remaining: str
    where: str = ""  # its position; shipped: the destination
    when: str = ""  # destroyed, shipped, used: the date and time
    by: str = ""
    what: str = ""  # shipped: the manifest number; used or destroyed before: the reason


@dataclass(frozen=True)
class Certificate:
    number: str
    study: str
    study_title: str
    participant: str
    withdrawn_on: date
    to_destroy: list[Line]  # still at the site
    destroyed: list[Line]  # destroyed under this certificate
    elsewhere: list[Line]  # shipped: the destination must be told
    before: list[Line]  # used up or destroyed before, for another reason


def certificate(ctx: Context, participant: str) -> Certificate:
    """The certificate as it stands now; refused (RuleViolation) when consent was not withdrawn with "destroy
    samples", and (NotPermitted) for a study the user may not read."""
    listed = destruction_list(ctx, participant)
    study = listed.study or get_participant(ctx, listed.participant).row.study
    title = catalogue.current(ctx, study).definition.title

    def last(row: SampleRow, *events: Event) -> EventRow | None:
        """The sample's latest custody event (read with the list), when it is of one of these kinds."""
        found = listed.last_event(row.code)
        return found if found is not None and found.event in events else None

    def line(row: SampleRow, **more: str) -> Line:
        return Line(row.code, row.type_id, row.collected_at[:10], row.remaining_text, **more)

    destroyed, before = [], []
    for row in listed.destroyed:
        event = last(row, Event.destroyed, Event.used)
        if event and event.event is Event.destroyed and listed.certificate_number in (event.reason or ""):
            destroyed.append(line(row, where=event.location or "–", when=event.at, by=event.by))
        else:
            before.append(line(row, where=row.status.label, when=event.at if event else "",
                               what=(event and event.reason) or ""))
    elsewhere = []
    for row in listed.elsewhere:
        shipped = last(row, Event.shipped)
        elsewhere.append(line(row, where=(shipped and shipped.destination) or "–", when=shipped.at if shipped else "",
                              what=(shipped and shipped.manifest) or "–"))
    return Certificate(listed.certificate_number, study, title, listed.participant, listed.withdrawn_on,
                       [line(row, where=row.location or _("not stored")) for row in listed.to_destroy],
                       destroyed, elsewhere, before)


def print_destruction_certificate(ctx: Context, participant: str, path: Path) -> Path:
    """Write the participant's certificate to `path` and log the export; refusals come before any file."""
    pdf.pdf_path(path)
    made = certificate(ctx, participant)
    written = write_pdf(made, path, ctx.now(), ctx.actor)
    return log_written_file(ctx, _("certificate of destruction of samples PDF {number}").format(number=made.number),
                            written, study=made.study, subject=made.participant)


def write_pdf(made: Certificate, out: Path, printed_at: datetime, printed_by: str) -> Path:
    pdf.pdf_path(out)
    shared = pdf.styles()
    small, section = shared.small, shared.section
    stamp = printed_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if made.to_destroy:
        state = _("To be destroyed: {count} sample(s) at the site, listed below with their positions.").format(
            count=len(made.to_destroy))
    elif made.destroyed:
        days = sorted({line.when[:10] for line in made.destroyed})
        state = _("Destroyed: {count} sample(s), on {dates}.").format(count=len(made.destroyed),
                                                                     dates=", ".join(days))
    else:
        state = _("No sample of this participant is left at the site.")
    facts = [
        (_("Study"), f"{made.study} – {made.study_title}"),
        (_("Participant"), made.participant),
        (_("Withdrawal"), _("Consent withdrawn on {date}; the withdrawal asked for the participant's samples to be "
                            "destroyed.").format(date=made.withdrawn_on.isoformat())),
        (_("Status"), state),
    ]
    story: list[Flowable] = [
        pdf.paragraph(_("Certificate of destruction of samples"), shared.heading),
        pdf.paragraph(_("Certificate number {number}").format(number=made.number),
                      ParagraphStyle("certificate-number", parent=shared.heading, fontSize=12, leading=15)),
        Spacer(1, 2 * mm),
        forms.facts_table(facts),
    ]
    if made.to_destroy or not made.destroyed:
        story += [pdf.paragraph(_("Samples to be destroyed at the site ({count})").format(
            count=len(made.to_destroy)), section)]
        story += [_table(made.to_destroy, TO_DESTROY) if made.to_destroy
                  else pdf.paragraph(_("None."), small)]
    if made.destroyed:
        story += [pdf.paragraph(_("Samples destroyed ({count})").format(count=len(made.destroyed)), section),
                  _table(made.destroyed, DESTROYED)]
    story += [pdf.paragraph(_("Samples shipped elsewhere: notify the destination ({count})").format(
        count=len(made.elsewhere)), section)]
    if made.elsewhere:
        story += [pdf.paragraph(_("These samples are no longer at the site. Ask each destination to destroy them "
                                  "and to confirm it in writing; keep the confirmation with this certificate."),
                                small), Spacer(1, 1.5 * mm), _table(made.elsewhere, ELSEWHERE)]
    else:
        story += [pdf.paragraph(_("None."), small)]
    if made.before:
        story += [pdf.paragraph(_("Used up or destroyed for another reason ({count})").format(
            count=len(made.before)), section), _table(made.before, BEFORE)]
    story += [
        pdf.paragraph(_("Signatures"), section),
        pdf.paragraph(_("We confirm that the samples listed for destruction at the site were destroyed according to "
                        "the site's procedure for biological waste, on the date written below."), small),
        Spacer(1, 2 * mm),
        forms.signature_lines([(title, [_("Name"), _("Date")])
                         for title in (_("Destroyed by"), _("Witness"), _("Investigator"))]),
        Spacer(1, 3 * mm),
        pdf.paragraph(" ".join([_("Participant code only: this certificate shows no name."), _confirmation(made)]),
                      small),
    ]
    footer = _("{study} – certificate of destruction {number} – printed {at} by {by}").format(
        study=made.study, number=made.number, at=stamp, by=printed_by)
    return pdf.write_pdf(out, story, title=_("Certificate of destruction {number}").format(number=made.number),
                         footer=footer)


def _confirmation(made: Certificate) -> str:
    if made.to_destroy:
        return _("Once the samples are destroyed, confirm it in the program too: they are then marked destroyed, "
                 "and the change is audited.")
    if made.destroyed:
        return _("The destruction was confirmed in the program, and is audited.")
    return ""


# The tables: (header, the Line field shown, width in mm; None takes what is left)
TO_DESTROY = ((N_("Sample id"), "code", 42), (N_("Type"), "type_id", 16), (N_("Collected"), "collected", 22),
              (N_("Volume remaining"), "remaining", 22), (N_("Position"), "where", None),
              (N_("Destroyed"), "tick", 18))
DESTROYED = ((N_("Sample id"), "code", 42), (N_("Type"), "type_id", 16), (N_("Collected"), "collected", 22),
             (N_("Volume"), "remaining", 16), (N_("Was at"), "where", None), (N_("Destroyed"), "when", 27),
             (N_("Recorded by"), "by", 22))
ELSEWHERE = ((N_("Sample id"), "code", 42), (N_("Type"), "type_id", 16), (N_("Collected"), "collected", 22),
             (N_("Destination"), "where", None), (N_("Manifest"), "what", 30), (N_("Shipped"), "when", 27))
BEFORE = ((N_("Sample id"), "code", 42), (N_("Type"), "type_id", 16), (N_("Status"), "where", 20),
          (N_("When"), "when", 27), (N_("Reason"), "what", None))


def _table(lines: list[Line], columns: tuple[tuple[str, str, float | None], ...]) -> Table:
    cell, strong, _number = forms.cell_styles()
    rows = [[pdf.paragraph("☐" if field == "tick" else getattr(line, field), strong if field == "code" else cell)
             for _title, field, _width in columns] for line in lines]
    return forms.grid_table([_(title) for title, _field, _width in columns], rows,
                            [width * mm if width else None for _title, _field, width in columns])
