"""What every printed document shares: the styles and grid, page numbers, and a write that never leaves a
half-written file behind (built in memory, written next to the target, then renamed over it)."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from coordinator.documents.fonts import BOLD, REGULAR, markup, register_fonts
from coordinator.errors import EnvironmentProblem, InputError
from coordinator.i18n import N_, _

GRID = colors.HexColor("#9e9e9e")
HEADER_FILL = colors.HexColor("#eeeeee")
MISSING_RED = colors.HexColor("#b3261e")
MISSING_FILL = colors.HexColor("#fbe9e7")
FOOTER_GREY = colors.HexColor("#616161")
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 18 * mm, 16 * mm, 16 * mm
FRAME_PADDING = 6  # points, ReportLab's default inside the page frame


PAPERS = {"a4": A4, "letter": LETTER}  # what sites print on: A4, and US Letter in North America


def paper_size(name: str) -> tuple[float, float]:
    """A4 or Letter by name, in any case; anything else is refused naming both."""
    size = PAPERS.get((name or "").strip().lower())
    if size is None:
        raise InputError(_("Paper must be A4 or Letter, not {name}.").format(name=name), field="paper")
    return size


def text_width(pagesize: tuple[float, float] = A4) -> float:
    """The width a table may take without sticking out of the text column."""
    return pagesize[0] - 2 * (MARGIN_SIDE + FRAME_PADDING)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    heading: ParagraphStyle
    section: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        heading=ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=15, leading=19, spaceAfter=4),
        section=ParagraphStyle("section", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10,
                               spaceAfter=4),
    )


def paragraph(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """Plain text as a paragraph: escaped, with the fallback font where DejaVu lacks a character."""
    return Paragraph(markup(text), style or styles().body)


def pdf_path(out: Path) -> Path:
    if out.suffix.lower() != ".pdf":
        raise InputError(_("The output file must end in .pdf: {path}").format(path=out), field="out")
    return out


def write_pdf(out: Path, story: Sequence[Flowable], *, title: str, pagesize: tuple[float, float] = A4,
              footer: str | None = None) -> Path:
    """Lay out the story with embedded fonts and write it to `out`; with a footer, each page also says
    "page X of Y". An unwritable place is an EnvironmentProblem, and the previous file (if any) is kept."""
    pdf_path(out)
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=MARGIN_SIDE, rightMargin=MARGIN_SIDE, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=title, author="Study Coordinator", initialFontName=REGULAR,
    ).build(list(story), canvasmaker=_numbered(footer) if footer else Canvas)
    _replace(out, buffer.getvalue())
    return out


PDF_FAILURE = N_("The PDF could not be written to {path}: {reason}.")


def _replace(out: Path, content: bytes) -> None:
    with replacing(out, PDF_FAILURE) as file:
        file.write(content)


@contextlib.contextmanager
def replacing(out: Path,
              failure: str = N_("The file could not be written to {path}: {reason}.")) -> Iterator[IO[bytes]]:
    """A file to write `out` through, also in pieces (a large export): written next to it, then renamed over it
    only when the block ends without error. An OSError becomes an EnvironmentProblem saying `failure`."""
    partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("xb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, out)
    except BaseException as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise EnvironmentProblem(_(failure).format(path=out, reason=error.strerror or error)) from error
        raise


def _numbered(footer: str) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each one can say how many there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(REGULAR, 7.5)
            self.setFillColor(FOOTER_GREY)
            self.drawString(MARGIN_SIDE + FRAME_PADDING, MARGIN_BOTTOM / 2, footer)
            self.drawRightString(width - MARGIN_SIDE - FRAME_PADDING, MARGIN_BOTTOM / 2,
                                 _("page {number} of {total}").format(number=number, total=total))
            self.restoreState()

    return NumberedCanvas
