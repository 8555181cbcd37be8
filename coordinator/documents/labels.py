"""Sample labels: one label per sample id on a sheet or a roll (`label_layouts`), each with the id in a QR code and
in a Code128, in bold, and what a person at the freezer needs to tell tubes apart: study, participant code, type
and timepoint, date of collection. Never a name or a birth date: the label leaves the site with the tube.

Everything is drawn straight on the canvas (no flowables), each barcode as one filled path: a sheet of 100 labels
takes a fraction of a second. Sizes are fitted per label so nothing leaves its label: the Code128's narrowest bar
shrinks from 0.25 mm down to `MIN_MODULE_MM` for a long id, the texts shrink to their smallest size and are then
shortened with "…"; an id whose Code128 would need narrower bars than that is refused before any file is written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import ascii_lowercase, ascii_uppercase

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from coordinator.audit.export_log import log_written_file
from coordinator.context import Context
from coordinator.documents import pdf
from coordinator.documents.fonts import BOLD, REGULAR, register_fonts
from coordinator.documents.label_layouts import DEFAULT_LAYOUT, LAYOUTS, LabelLayout
from coordinator.documents.qr import QrRuns, draw_qr, qr_runs
from coordinator.errors import InputError, NotFound
from coordinator.i18n import N_, _
from coordinator.samples.lineage import normalized_code
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from db.tables import Participant, Sample, Study

SAMPLE = Sample.__table__
P = Participant.__table__
S = Study.__table__

MAX_MODULE_MM = 0.25  # the Code128's narrowest bar on a short id: wider reads from further away
# The narrowest bar allowed: ~6 mil, 3.5 dots at 600 dpi. On the 45.7 mm label, ids up to 20 characters get 0.17 mm
# or more (2 dots at 300 dpi); ELIT-AML01-000123-01-02 (277 modules) gets 0.156 mm, and 0.175 mm on the roll.
MIN_MODULE_MM = 0.15
QR_LEVEL = "Q"  # 25 % of the QR code may be lost (frost, a smudge) and it still reads
SMALLEST_TEXT = 4.5  # points
IN_ONE_QUERY = 500  # ids per SQL query (SQLite's limit on parameters is far above)


@dataclass(frozen=True)
class LabelData:
    """What one label shows: codes only."""

    code: str
    study: str
    participant: str
    type_id: str
    timepoint: str | None
    collected_on: str  # YYYY-MM-DD

    @property
    def kind(self) -> str:
        return f"{self.type_id} · {self.timepoint}" if self.timepoint else self.type_id


def label_data(ctx: Context, codes: Sequence[str]) -> list[LabelData]:
    """The labels of these sample ids, in the order given (an id named twice gives two labels). Unknown ids are
    refused together (NotFound); a study the user may not read, too (NotPermitted)."""
    ctx.require(Permission.READ)
    wanted = [normalized_code(code) for code in codes]
    if not wanted or not all(wanted):
        raise InputError(_("Name the samples to label."), field="sample")
    unique = sorted(set(wanted))
    found: dict[str, LabelData] = {}
    statement = (select(SAMPLE.c.code, S.c.code.label("study"), P.c.code.label("participant"), SAMPLE.c.type_id,
                        SAMPLE.c.timepoint, SAMPLE.c.collected_at)
                 .join(S, S.c.id == SAMPLE.c.study_id).join(P, P.c.id == SAMPLE.c.participant_id))
    with environment_errors(), ctx.engine.connect() as connection:
        for start in range(0, len(unique), IN_ONE_QUERY):
            for row in connection.execute(statement.where(SAMPLE.c.code.in_(unique[start:start + IN_ONE_QUERY]))):
                found[row.code] = LabelData(row.code, row.study, row.participant, row.type_id, row.timepoint,
                                            row.collected_at[:10])
    unknown = [code for code in unique if code not in found]
    if unknown:
        raise NotFound(_("No sample has the id {codes}: no label printed.").format(codes=", ".join(unknown)),
                       field="sample")
    for study in sorted({label.study for label in found.values()}):
        ctx.require(Permission.READ, study)
    return [found[code] for code in wanted]


def layout_named(name: str) -> LabelLayout:
    layout = LAYOUTS.get(name)
    if layout is None:
        raise InputError(_("There is no label layout {name}. Layouts: {known}.").format(
            name=name, known=", ".join(LAYOUTS)), field="layout")
    return layout


def print_labels(ctx: Context, codes: list[str], path: Path, layout: str = DEFAULT_LAYOUT,
                 first_position: int = 1) -> Path:
    """Write the labels of `codes` to `path`, the first one at `first_position` of the first sheet (1 = top left,
    row by row: a sheet already partly used can go through the printer again), and log the export. Every refusal
    (unknown id or layout, a position off the sheet, an id too long for the label, no right to read a study) comes
    before any file is written."""
    pdf.pdf_path(path)
    stock = layout_named(layout)
    if not isinstance(first_position, int) or not 1 <= first_position <= stock.per_page:
        raise InputError(_("The first label goes at a position from 1 to {last} on this sheet ({layout}), not "
                           "{given}.").format(last=stock.per_page, layout=stock.name, given=first_position),
                         field="first_position")
    labels = label_data(ctx, codes)
    written = write_pdf(labels, path, stock, first_position)
    studies = sorted({label.study for label in labels})
    participants = {label.participant for label in labels}
    subject = participants.pop() if len(participants) == 1 else None
    for study in studies:
        log_written_file(ctx, _("sample labels PDF"), written, study=study, subject=subject)
    return written


def write_pdf(labels: Sequence[LabelData], out: Path, layout: LabelLayout, first_position: int = 1) -> Path:
    """Draw the labels (embedded fonts, no page furniture: only the labels print) and write the file atomically."""
    pdf.pdf_path(out)
    register_fonts()
    frame = _frame(layout)
    drawn = [_prepared(label, frame) for label in labels]  # refuses an id too long before anything is drawn
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.page_width * mm, layout.page_height * mm), pageCompression=1,
                    initialFontName=REGULAR)
    canvas.setTitle(_("Sample labels"))
    canvas.setAuthor("Study Coordinator")
    canvas.setSubject(layout.description)
    for index, label in enumerate(drawn):
        slot = first_position + index
        if index and (slot - 1) % layout.per_page == 0:
            canvas.showPage()
        left, top = layout.origin((slot - 1) % layout.per_page + 1)
        _draw(canvas, label, frame, left * mm, (layout.page_height - top - layout.label_height) * mm)
    canvas.showPage()
    canvas.save()
    with pdf.replacing(out, N_("The PDF could not be written to {path}: {reason}.")) as file:
        file.write(buffer.getvalue())
    return out


@dataclass(frozen=True)
class _Frame:
    """Where things go on every label of a layout, in points from the label's bottom left corner."""

    layout: LabelLayout
    inner_left: float
    inner_width: float
    bars_bottom: float
    bars_height: float
    id_baseline: float
    id_size: float  # the largest: a long id gets smaller
    qr_left: float
    qr_bottom: float
    qr_side: float
    text_left: float
    text_width: float
    text_baselines: tuple[float, ...]
    text_size: float


@cache
def _frame(layout: LabelLayout) -> _Frame:
    """Top: the QR code, with four short lines beside it; then the id in bold across the label; at the bottom,
    the Code128 across the label."""
    pad = layout.padding * mm
    width, height = layout.label_width * mm, layout.label_height * mm
    inner_width, inner_height = width - 2 * pad, height - 2 * pad
    bars_height = min(max(inner_height * 0.22, 3.5 * mm), 6 * mm)
    id_size = min(10.0, inner_height / mm * 0.45)
    cap = 0.73 * id_size  # DejaVu Sans Bold capitals and digits: ids have no descenders
    id_baseline = pad + bars_height + 0.7 * mm
    qr_top = height - pad
    qr_side = min(qr_top - (id_baseline + cap + 0.7 * mm), inner_width * 0.4)
    qr_bottom = qr_top - qr_side
    text_left = pad + qr_side + 1.4 * mm
    text_size = min(7.5, qr_side / 4 / 1.22)
    # four lines over the height of the QR code: the first one's capitals at its top, the last one's descenders
    # at its bottom
    first, last = qr_top - 0.76 * text_size, qr_bottom + 0.24 * text_size
    baselines = tuple(first - n * (first - last) / 3 for n in range(4))
    return _Frame(layout, pad, inner_width, pad, bars_height, id_baseline, id_size, pad, qr_bottom, qr_side,
                  text_left, width - pad - text_left, baselines, text_size)


@dataclass(frozen=True)
class _Prepared:
    """One label fitted to its frame: the texts at their sizes, the bars and the QR modules to fill."""

    lines: tuple[tuple[str, float, str], ...]  # (text, size, font) beside the QR code
    code: str
    code_size: float
    bars: tuple[tuple[float, float], ...]  # (left, width) in points from the bars' left end
    bars_left: float
    qr: QrRuns


def _prepared(label: LabelData, frame: _Frame) -> _Prepared:
    code_text, code_size = _fitted(label.code, BOLD, frame.id_size, frame.inner_width)
    if code_text != label.code:
        raise _too_long(label.code, frame.layout)
    bars, total = _code128(label.code, frame)
    lines = ((label.study, BOLD), (label.participant, REGULAR), (label.kind, REGULAR), (label.collected_on, REGULAR))
    return _Prepared(
        tuple((*_fitted(text, font, frame.text_size, frame.text_width), font) for text, font in lines),
        label.code, code_size, bars, frame.inner_left + (frame.inner_width - total) / 2, qr_runs(label.code, QR_LEVEL))


def _fitted(text: str, font: str, largest: float, width: float) -> tuple[str, float]:
    """The text at the largest size up to `largest` that fits `width`; below SMALLEST_TEXT, shortened with "…"."""
    natural = stringWidth(text, font, 1.0)
    if natural * largest <= width:
        return text, largest
    size = width / natural
    if size >= SMALLEST_TEXT:
        return text, size
    while text and stringWidth(text + "…", font, SMALLEST_TEXT) > width:
        text = text[:-1]
    return text + "…", SMALLEST_TEXT


def _too_long(code: str, layout: LabelLayout) -> InputError:
    message = _("The id {code} is too long for a readable Code128 on a {width:g} mm label ({layout}).").format(
        code=code, width=layout.label_width, layout=layout.name)
    wider = max(LAYOUTS.values(), key=lambda stock: stock.label_width)
    if wider.label_width > layout.label_width:
        message += " " + _("Print it on {wider} ({width:g} mm).").format(wider=wider.name, width=wider.label_width)
    return InputError(message, field="layout")


def _code128(code: str, frame: _Frame) -> tuple[tuple[tuple[float, float], ...], float]:
    """The bars of the code (left, width), with the narrowest bar as wide as fits the label, within limits."""
    symbol = Code128(code, barWidth=1, quiet=0)
    symbol.validate()
    symbol.encode()
    symbol.decompose()
    widths = [(ord(c) - ord("a") + 1, False) if c in ascii_lowercase else (ord(c) - ord("A") + 1, True)
              for c in symbol.decomposed if c in ascii_lowercase or c in ascii_uppercase]
    modules = sum(width for width, _bar in widths)
    module = min(MAX_MODULE_MM * mm, frame.inner_width / modules)
    if module < MIN_MODULE_MM * mm - 1e-9:
        raise _too_long(code, frame.layout)
    bars, left = [], 0.0
    for width, is_bar in widths:
        if is_bar:
            bars.append((left * module, width * module))
        left += width
    return tuple(bars), modules * module


def _draw(canvas: Canvas, label: _Prepared, frame: _Frame, x: float, y: float) -> None:
    """Draw one label with its bottom left corner at (x, y)."""
    canvas.setFillColorRGB(0, 0, 0)
    bars = canvas.beginPath()
    for left, width in label.bars:
        bars.rect(x + label.bars_left + left, y + frame.bars_bottom, width, frame.bars_height)
    canvas.drawPath(bars, stroke=0, fill=1)
    draw_qr(canvas, label.qr, x + frame.qr_left, y + frame.qr_bottom, frame.qr_side)
    canvas.setFont(BOLD, label.code_size)
    canvas.drawCentredString(x + frame.inner_left + frame.inner_width / 2, y + frame.id_baseline, label.code)
    for (text, size, font), baseline in zip(label.lines, frame.text_baselines, strict=True):
        canvas.setFont(font, size)
        canvas.drawString(x + frame.text_left, y + baseline, text)

