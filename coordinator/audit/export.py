"""The study-wide export of the audit trail, as CSV (for programs) or PDF (for people), each one logged.

CSV: UTF-8 with a byte order mark, because Excel, which is what a site or a monitor opens a CSV with, reads a
file without it in the Windows code page and turns "Hervé" or "민준" into "HervÃ©"; Python (encoding
"utf-8-sig"), pandas and LibreOffice read the mark as what it is. Comma separated, quoted where needed (RFC 4180),
one row per audit row, oldest first, the header in English snake case so scripts do not depend on the language.
Written as it is read, in batches, so a million rows take no more memory than a few thousand.

PDF: built in memory by ReportLab, so it is refused above PDF_LIMIT rows with a message that points to the CSV
or a narrower filter (PDF_LIMIT rows are some 200 pages: more is not read on paper anyway).

Both are written next to the target and renamed over it at the end: an export that fails leaves no half file.
Values on the identity side are masked (coordinator.audit.trail): an export may leave the site.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from coordinator.audit import trail
from coordinator.audit.export_log import log_export
from coordinator.audit.history import AuditLine
from coordinator.audit.trail import AuditQuery
from coordinator.context import Context
from coordinator.documents import audit_trail as audit_trail_pdf
from coordinator.documents.pdf import replacing
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.values import checked_path

CSV_HEADER = ("id", "at_utc", "user", "action", "table", "record", "field", "old_value", "new_value", "reason",
              "study", "participant", "row_hash")
CSV_ENCODING = "utf-8-sig"
PDF_LIMIT = 5_000
KINDS = (".csv", ".pdf")


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int


def export_trail(ctx: Context, query: AuditQuery, out: Path | str) -> Exported:
    """Write the rows the query finds to `out` (.csv or .pdf), then log the export; returns where and how many."""
    out = checked_path(out, "out")
    kind = out.suffix.lower()
    if kind not in KINDS:
        raise InputError(_("The audit trail is exported as .csv or .pdf, not {name}.").format(name=out.name),
                         field="out")
    query = query.checked()
    ctx.require(Permission.REVIEW_AUDIT, query.study)
    ctx.require(Permission.READ, query.study)  # the export log needs it: checked before a file exists
    if kind == ".csv":
        with closing(trail.rows(ctx, query, masked=True)) as lines:
            written = write_csv(lines, out)
        what = _("audit trail CSV ({count} rows; {filters})")
    else:
        written = _write_pdf(ctx, query, out)
        what = _("audit trail PDF ({count} rows; {filters})")
    log_export(ctx, what.format(count=written, filters=describe(query)), out, study=query.study,
               subject=query.participant)
    return Exported(out, written)


def write_csv(lines: Iterable[AuditLine], out: Path) -> int:
    """Write the header and one line per row as they come; returns how many rows were written."""
    written = 0
    with replacing(out) as raw:
        text = io.TextIOWrapper(raw, encoding=CSV_ENCODING, newline="")
        try:
            writer = csv.writer(text)
            writer.writerow(CSV_HEADER)
            for line in lines:
                writer.writerow(_csv_row(line))
                written += 1
        finally:
            text.detach()  # flushes; `replacing` syncs, closes and renames the file itself
    return written


def describe(query: AuditQuery) -> str:
    """The filters in words, for the PDF's header and the export log."""
    parts = [
        (_("study {value}"), query.study), (_("participant {value}"), query.participant),
        (_("user {value}"), query.actor), (_("table {value}"), query.table),
        (_("from {value}"), query.since and query.since.isoformat()),
        (_("to {value}"), query.until and query.until.isoformat()),
    ]
    said = [text.format(value=value) for text, value in parts if value]
    return ", ".join(said) if said else _("none, every row")


def _write_pdf(ctx: Context, query: AuditQuery, out: Path) -> int:
    total = trail.count(ctx, query)
    if total > PDF_LIMIT:
        raise InputError(_("{count} rows are too many for a PDF (at most {limit}): export them as CSV, or narrow "
                           "the filters (a participant, a user, a table, a period).").format(
            count=f"{total:,}", limit=f"{PDF_LIMIT:,}"), field="out")
    lines = list(trail.rows(ctx, query, masked=True))
    study = _("All studies")
    if query.study:
        definition = catalogue.current(ctx, query.study).definition
        study = f"{definition.short_name} – {definition.title}"
    who = f"{ctx.user.full_name} ({ctx.actor})" if ctx.user.full_name else ctx.actor
    audit_trail_pdf.write_pdf(audit_trail_pdf.TrailDocument(study, describe(query), ctx.now(), who, lines), out)
    return len(lines)


def _csv_row(line: AuditLine) -> tuple[object, ...]:
    return (line.id, line.at_utc, line.actor, line.action, line.table, line.record, line.field, line.old, line.new,
            line.reason, line.study, line.participant, line.row_hash)
