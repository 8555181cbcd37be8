"""Our own PDFs on a printer, through Qt's print dialog with its preview. Each page of the PDF is rendered by QtPdf
and drawn as an image on the printer's page, so what prints is exactly the PDF a user would save.

The steps, none of them long on the UI thread: the PDF is written to a temporary file in the database thread, and
its pages rendered there at a screen's resolution; the preview only draws those pictures (a few ms for 40 pages)
and shows; Print in the preview only says yes, and the pages are then drawn at print resolution in the worker
thread, with progress and Cancel (QPainter may paint on a QPrinter outside the GUI thread). A document longer than
PREVIEW_PAGES skips the preview, whose pictures are all kept in memory.

The temporary file goes whatever happens: at the end, when the dialog that asked for it is deleted (and again once
the work running for it has ended, since writing recreates the folder), and when the program exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget
from shiboken6 import isValid

from coordinator.errors import EnvironmentProblem
from ui.paper import page_size
from ui.tasks import Progress, run_task

PREVIEW_DPI = 120  # sharp enough on a screen; the preview keeps every page in memory as an image (~5.6 MB on A4)
PRINT_DPI = 300  # text and the page QR codes print crisp; 600 dpi takes four times the memory and time per page
PREVIEW_PAGES = 40  # rendered in the worker (~7 ms each) and kept in memory (~220 MB): beyond that, no preview
POINTS_PER_INCH = 72


class PrintStopped(Exception):
    """The user pressed Cancel while the pages were going to the printer; the print job was aborted."""


def _tr(text: str, disambiguation: str | None = None, count: int = -1) -> str:
    return QCoreApplication.translate("pdf_printing", text, disambiguation, count)


def new_printer(paper: str, title: str) -> QPrinter:
    """The printer the dialogs start from: the system's default, on the chosen paper, drawn on edge to edge (the
    PDF has its own margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(page_size(paper), QPageLayout.Orientation.Portrait, QMarginsF()))
    return printer


def printed_pages(count: int, printer: QPrinter) -> list[int]:
    """The pages (from 0) to draw, in order: the range and page order chosen in the print dialog, and each copy
    when the printer cannot make copies itself."""
    ranges = printer.pageRanges()
    chosen = [page for page in range(count)
              if printer.printRange() != QPrinter.PrintRange.PageRange or ranges.contains(page + 1)]
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        chosen.reverse()
    return chosen * (1 if printer.supportsMultipleCopies() else max(1, printer.copyCount()))


def page_image(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """One page as QtPdf renders it, on white paper (it renders onto transparency). RGB32, the format a painter
    keeps as it is: the preview records a page in no time, where RGB888 costs a conversion (~4 ms a page)."""
    points = document.pagePointSize(page)
    size = QSize(round(points.width() * dpi / POINTS_PER_INCH), round(points.height() * dpi / POINTS_PER_INCH))
    sheet = QImage(size, QImage.Format.Format_RGB32)
    sheet.fill(Qt.GlobalColor.white)
    painter = QPainter(sheet)
    painter.drawImage(0, 0, document.render(page, size))
    painter.end()
    return sheet


def fitted(points: QSizeF, sheet: QRect, resolution: int) -> QRectF:
    """Where a page goes on the sheet: at its true size, centred, shrunk only when the paper is smaller."""
    width, height = (points.width() * resolution / POINTS_PER_INCH, points.height() * resolution / POINTS_PER_INCH)
    scale = min(1.0, sheet.width() / width, sheet.height() / height)
    width, height = width * scale, height * scale
    return QRectF(sheet.x() + (sheet.width() - width) / 2, sheet.y() + (sheet.height() - height) / 2, width, height)


def paint_pages(sizes: Sequence[QSizeF], image: Callable[[int], QImage], printer: QPrinter,
                progress: Progress | None = None) -> int:
    """Draw pages of these sizes (points) on the printer, one sheet each, image(page) giving each page's picture;
    returns the sheets drawn. `progress` returning False aborts the print job, and removes what a printer to file
    had written (PrintStopped)."""
    pages = printed_pages(len(sizes), printer)
    painter = QPainter()
    if not painter.begin(printer):
        raise EnvironmentProblem(_tr("The printer could not be opened. Check that it is connected, or choose "
                                     "another in the print dialog."))
    stopped = False
    try:
        sheet = printer.pageLayout().fullRectPixels(printer.resolution())
        for done, page in enumerate(pages, start=1):
            if done > 1:
                printer.newPage()
            painter.drawImage(fitted(sizes[page], sheet, printer.resolution()), image(page))
            if progress is not None and not progress(done, len(pages)):
                printer.abort()  # before the painter ends, which would send what was drawn so far
                stopped = True
                break
    finally:
        if painter.isActive():
            painter.end()
    if stopped:
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            Path(printer.outputFileName()).unlink(missing_ok=True)
        raise PrintStopped
    return len(pages)


def paint_pdf(document: QPdfDocument, printer: QPrinter, dpi: int, progress: Progress | None = None) -> int:
    """Draw the document's pages on the printer, each rendered at `dpi` as it is drawn (see paint_pages)."""
    sizes = [document.pagePointSize(page) for page in range(document.pageCount())]
    return paint_pages(sizes, lambda page: page_image(document, page, dpi), printer, progress)


def _opened(path: Path) -> QPdfDocument:
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_:
        document.close()
        raise EnvironmentProblem(_tr("The document for the printer could not be read back from {path}.")
                                 .format(path=path))
    return document


@dataclass(frozen=True)
class Prepared:
    """A document written for the printer: its pages' sizes in points, and their pictures for the preview (none
    past PREVIEW_PAGES)."""

    sizes: list[QSizeF]
    images: list[QImage]


def prepared(path: Path) -> Prepared:
    """In the worker thread, once the PDF is written: what the preview needs, so that it only draws pictures."""
    document = _opened(path)
    try:
        sizes = [document.pagePointSize(page) for page in range(document.pageCount())]
        images = [page_image(document, page, PREVIEW_DPI) for page in range(len(sizes))] \
            if len(sizes) <= PREVIEW_PAGES else []
        return Prepared(sizes, images)
    finally:
        document.close()


def _in_preview(printer: QPrinter) -> bool:
    """The preview asks for its pages on the printer itself, swapping in an engine that records pictures."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


_folders: set[Path] = set()  # temporary folders not removed yet: whatever is left goes when the program exits


class Scratch:
    """The temporary folder of one document on its way to the printer (a consent checklist holds names: it must
    never stay behind). A plain Python object, so that it can still be removed once the Qt objects around it are
    deleted; removing it twice is harmless."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="coordinator-print-"))
        _folders.add(self.folder)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        _folders.discard(self.folder)


@atexit.register
def _remove_left_folders() -> None:
    for folder in list(_folders):
        shutil.rmtree(folder, ignore_errors=True)
    _folders.clear()


_active: set[PdfPrinting] = set()  # each printing's Python object, alive until it ends


class PdfPrinting:
    """One document on its way to the printer: written, previewed, printed, its temporary file then removed.
    `on_done` gets what was printed in the user's words ("" when the user closed the preview or the print dialog
    without printing); `on_failure` any error, PrintStopped when the user cancelled the printing, or the writer's
    own error (a stopped batch). Neither is called once `parent` has been deleted.

    Not a QObject: it outlives a parent deleted under it long enough to remove its temporary folder."""

    def __init__(self, parent: QWidget, title: str, paper: str, on_done: Callable[[str], None],
                 on_failure: Callable[[BaseException], None]) -> None:
        self._parent = parent
        self._title = title
        self._on_done = on_done
        self._on_failure = on_failure
        self._scratch = Scratch()
        parent.destroyed.connect(self._scratch.remove)
        self.path = self._scratch.folder / "document.pdf"
        self.printer = new_printer(paper, title)
        self.prepared: Prepared | None = None
        self.preview: QPrintPreviewDialog | None = None
        self._confirmed = False
        _active.add(self)

    def start(self, write: Callable[..., Any], *, cancellable: bool = False) -> None:
        """write(path) writes the PDF (write(path, progress) when `cancellable`), in the database thread."""
        path = self.path

        def work(*progress: Progress) -> Prepared:
            write(path, *progress)
            return prepared(path)

        run_task(self._parent, _tr("Preparing {title} for printing…").format(title=self._title), work,
                 self._written, self._failed, cancellable=cancellable, at_once=True, on_orphaned=self._orphaned)

    def _written(self, pages: Prepared) -> None:
        self.prepared = pages
        if pages.images:
            self.preview = QPrintPreviewDialog(self.printer, self._parent)
            self.preview.setWindowTitle(_tr("Print preview – {title}").format(title=self._title))
            self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.preview.paintRequested.connect(self._paint_requested)
            self.preview.finished.connect(self._preview_closed)
            self.preview.resize(900, 1000)
            self.preview.open()
            return
        dialog = QPrintDialog(self.printer, self._parent)
        dialog.setWindowTitle(_tr("Print {title} ({pages} pages)").format(title=self._title,
                                                                         pages=len(pages.sizes)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._print_dialog_closed)
        QDialog.open(dialog)  # PySide6 gives QPrintDialog only its open(receiver, member)

    def _paint_requested(self, printer: QPrinter) -> None:
        if _in_preview(printer):  # the pictures rendered in the worker: drawing them takes a few ms
            if self.prepared is not None:
                paint_pages(self.prepared.sizes, self.prepared.images.__getitem__, printer)
        else:  # Print in the preview: the pages are drawn in the worker thread once the preview has closed
            self._confirmed = True

    def _preview_closed(self, _result: int) -> None:
        self.preview = None
        if self._confirmed:
            self.print_pages()
        else:
            self._end("")

    def _print_dialog_closed(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.print_pages()
        else:
            self._end("")

    def print_pages(self) -> None:
        """Draw the pages on the printer in the worker thread, with progress and Cancel."""
        self.prepared = None  # the preview's pictures: the worker renders at print resolution
        if not isValid(self._parent):  # the preview went with the dialog the program closed
            self._clean_up()
            return
        path, printer = self.path, self.printer

        def work(progress: Progress) -> int:
            document = _opened(path)
            try:
                return paint_pdf(document, printer, min(printer.resolution(), PRINT_DPI), progress)
            finally:
                document.close()

        run_task(self._parent, _tr("Printing {title}…").format(title=self._title), work, self._printed,
                 self._failed, cancellable=True, on_orphaned=self._orphaned)

    def _printed(self, sheets: int) -> None:
        target = self.printer.outputFileName()
        if target:
            self._end(QCoreApplication.translate("pdf_printing", "Printed to {file}: %n page(s).", "", sheets).format(
                file=target))
        else:
            self._end(QCoreApplication.translate("pdf_printing", "Sent to {printer}: %n page(s).", "", sheets).format(
                printer=self.printer.printerName() or _tr("the printer")))

    def _failed(self, error: BaseException) -> None:
        self._clean_up()
        if isValid(self._parent):
            self._on_failure(error)

    def _end(self, said: str) -> None:
        self._clean_up()
        if isValid(self._parent):
            self._on_done(said)

    def _orphaned(self) -> None:
        """The dialog was deleted while the work ran (which may have recreated the folder)."""
        self._clean_up()

    def _clean_up(self) -> None:
        self.prepared = None
        self._scratch.remove()
        _active.discard(self)


def print_pdf(parent: QWidget, title: str, paper: str, write: Callable[..., Any], on_done: Callable[[str], None],
              on_failure: Callable[[BaseException], None], *, cancellable: bool = False) -> PdfPrinting:
    """Write a document with write(path[, progress]) and take it to the printer, with the preview."""
    printing = PdfPrinting(parent, title, paper, on_done, on_failure)
    printing.start(write, cancellable=cancellable)
    return printing
