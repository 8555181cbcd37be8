"""The frame of every printed CRF page: a header (study, site, participant code, form, form version), a footer
(who printed it and when, "page X of Y") and a QR code that names the study, participant, form and page, so that
a page coming back on paper is matched to its casebook.

Pages are held until their casebook ends, because "of Y" is only known then; a batch of casebooks in one PDF
numbers each casebook from 1 and holds one casebook at a time, not the whole batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from coordinator.about import PROGRAM, program_version
from coordinator.documents.fonts import BOLD, REGULAR, draw_text, ellipsized, register_fonts, run_width
from coordinator.documents.pdf import FOOTER_GREY, FRAME_PADDING, GRID
from coordinator.documents.qr import draw_qr, qr_runs
from coordinator.i18n import _

SIDE, TOP, BOTTOM = 16 * mm, 25 * mm, 27 * mm  # the margins; the header and footer live inside TOP and BOTTOM
QR_SIDE = 14 * mm
QR_LEVEL = "M"  # a printed page in a binder: clean, and the code stays small
QR_PREFIX = "SCCRF"


@dataclass(frozen=True)
class PageInfo:
    """What a page belongs to; `book` changes with each casebook of a batch, and restarts the page count."""

    book: int
    study: str
    site: str  # empty on a blank form: a box to write in
    code: str  # the participant; empty on a blank form
    form_id: str
    form_title: str
    form_version: str


def page_code(info: PageInfo, number: int, total: int) -> str:
    """What the page's QR code says: SCCRF|study|participant|form|form version|page/pages."""
    return "|".join((QR_PREFIX, info.study, info.code, info.form_id, info.form_version, f"{number}/{total}"))


class PageMark(Flowable):
    """Takes no room: the page it lands on, and those after it, belong to `info`. `reached` is called when it is
    drawn (a batch counts its casebooks by it, and may stop there)."""

    def __init__(self, info: PageInfo, reached: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.info = info
        self.reached = reached

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.page_info = self.info  # type: ignore[attr-defined]
        if self.reached is not None:
            self.reached()


def crf_canvas(printed: str) -> type[Canvas]:
    """A canvas class that frames every page of CRFs; `printed` ends the footer (when, by whom)."""
    register_fonts()

    class CrfCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.page_info: PageInfo | None = None
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            if self._held and self._held[0]["page_info"].book != self.page_info.book:
                current = dict(self.__dict__)
                self._release()
                self.__dict__.update(current)
                self._held = []
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            self._release()
            super().save()

        def _release(self) -> None:
            """Frame and write the pages held: one whole casebook."""
            held, self._held = self._held, []
            for number, state in enumerate(held, start=1):
                self.__dict__.update(state)
                self._frame(self.page_info, number, len(held))
                Canvas.showPage(self)
            self._held = []

        def _frame(self, info: PageInfo, number: int, total: int) -> None:
            width, height = self._pagesize
            right = width - SIDE
            self.saveState()
            self.setFillColorRGB(0, 0, 0)
            top = height - 11 * mm
            label = _("Participant")  # measured first, drawn in reading order (text extraction follows it)
            code_width = run_width(info.code, BOLD, 10) if info.code else 42 * mm
            participant = code_width + 2 * mm + run_width(label, REGULAR, 8.5)
            left = SIDE + draw_text(self, SIDE, top, info.study, BOLD, 10) + 3 * mm
            if info.site:  # a long site name stops short of the participant
                site = _("Site {site}").format(site=info.site)
                draw_text(self, left, top, ellipsized(site, REGULAR, 8.5, right - participant - 5 * mm - left),
                          REGULAR, 8.5)
            else:
                left += draw_text(self, left, top, _("Site"), REGULAR, 8.5) + 2 * mm
                self._box(left, top, 30 * mm)
            if info.code:
                draw_text(self, right, top, info.code, BOLD, 10, right=True)
            else:
                self._box(right - code_width, top, code_width)
            draw_text(self, right - code_width - 2 * mm, top, label, REGULAR, 8.5, right=True)
            second = top - 5.5 * mm
            version = _("Form version {version}").format(version=info.form_version)
            room = right - run_width(version, REGULAR, 8) - 5 * mm - SIDE
            draw_text(self, SIDE, second, ellipsized(f"{info.form_id} · {info.form_title}", BOLD, 9, room), BOLD, 9)
            draw_text(self, right, second, version, REGULAR, 8, right=True)
            self.setStrokeColor(GRID)
            self.setLineWidth(0.6)
            self.line(SIDE, second - 2.5 * mm, right, second - 2.5 * mm)
            self.line(SIDE, BOTTOM - 4 * mm, right, BOTTOM - 4 * mm)
            self.setFillColor(FOOTER_GREY)
            bottom = 12 * mm
            draw_text(self, SIDE, bottom, f"{info.study} · {printed}", REGULAR, 7.5)
            qr_left = right - QR_SIDE
            draw_text(self, qr_left - 3 * mm, bottom, _("page {number} of {total}").format(number=number, total=total),
                      REGULAR, 7.5, right=True)
            self.setFillColorRGB(0, 0, 0)
            draw_qr(self, qr_runs(page_code(info, number, total), QR_LEVEL), qr_left, 7 * mm, QR_SIDE)
            self.restoreState()

        def _box(self, left: float, baseline: float, width: float) -> None:
            """A box to write in, its bottom just under the baseline of the text beside it."""
            self.setStrokeColor(GRID)
            self.setLineWidth(0.6)
            self.rect(left, baseline - 1.8 * mm, width, 6 * mm, stroke=1, fill=0)

    return CrfCanvas


def build_crf(target: IO[bytes], story: list[Flowable], *, title: str, subject: str, keywords: list[str],
              pagesize: tuple[float, float], printed: str) -> None:
    """Lay out CRF pages into `target`, fonts embedded, with the document's title, subject and generator."""
    SimpleDocTemplate(
        target, pagesize=pagesize, leftMargin=SIDE, rightMargin=SIDE, topMargin=TOP, bottomMargin=BOTTOM,
        title=title, subject=subject, author=PROGRAM, creator=f"{PROGRAM} {program_version()}",
        keywords=keywords, initialFontName=REGULAR,
    ).build(story, canvasmaker=crf_canvas(printed))


def text_width(pagesize: tuple[float, float]) -> float:
    return pagesize[0] - 2 * (SIDE + FRAME_PADDING)
