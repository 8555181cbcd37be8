"""Our own PDFs on a printer, through Qt's print dialog with its preview. Each page of the PDF is rendered by QtPdf
and drawn as an image on the printer's page, so what prints is exactly the PDF a user would save.

The steps, none of them long on the UI thread: the PDF is written to a temporary file in the database thread; the
preview draws its pages (at a screen's resolution) and shows; Print in the preview only says yes, and the pages
are then drawn at print resolution in the worker thread, with progress and Cancel (QPainter may paint on a QPrinter
outside the GUI thread). A document longer than PREVIEW_PAGES skips the preview, which draws every page before it
shows. The temporary file goes whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from coordinator.errors import EnvironmentProblem
from ui.paper import page_size
from ui.tasks import Progress, run_task

PREVIEW_DPI = 120  # sharp enough on a screen; the preview keeps every page in memory as an image
PRINT_DPI = 300  # text and the page QR codes print crisp; 600 dpi takes four times the memory and time per page
PREVIEW_PAGES = 40  # the preview draws all its pages (~30 ms each) before it shows: beyond that, no preview
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
    """One page as QtPdf renders it, on white paper (it renders onto transparency)."""
    points = document.pagePointSize(page)
    size = QSize(round(points.width() * dpi / POINTS_PER_INCH), round(points.height() * dpi / POINTS_PER_INCH))
    sheet = QImage(size, QImage.Format.Format_RGB888)
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


def paint_pdf(document: QPdfDocument, printer: QPrinter, dpi: int, progress: Progress | None = None) -> int:
    """Draw the document's pages on the printer, one sheet each, rendered at `dpi`; returns the sheets drawn.
    `progress` returning False aborts the print job, and removes what a printer to file had written (PrintStopped).
    """
    pages = printed_pages(document.pageCount(), printer)
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
            painter.drawImage(fitted(document.pagePointSize(page), sheet, printer.resolution()),
                              page_image(document, page, dpi))
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


def _in_preview(printer: QPrinter) -> bool:
    """The preview asks for its pages on the printer itself, swapping in an engine that records pictures."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


class PdfPrinting(QObject):
    """One document on its way to the printer: written, previewed, printed, its temporary file then removed.
    `on_done` gets what was printed in the user's words ("" when the user closed the preview or the print dialog
    without printing); `on_failure` any error, PrintStopped when the user cancelled the printing, or the writer's
    own error (a stopped batch)."""

    def __init__(self, parent: QWidget, title: str, paper: str, on_done: Callable[[str], None],
                 on_failure: Callable[[BaseException], None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._title = title
        self._on_done = on_done
        self._on_failure = on_failure
        self._folder = Path(tempfile.mkdtemp(prefix="coordinator-print-"))
        self.path = self._folder / "document.pdf"
        self.printer = new_printer(paper, title)
        self.document: QPdfDocument | None = None
        self.preview: QPrintPreviewDialog | None = None
        self._confirmed = False

    def start(self, write: Callable[..., Any], *, cancellable: bool = False) -> None:
        """write(path) writes the PDF (write(path, progress) when `cancellable`), in the database thread."""
        path = self.path
        work = (lambda progress: write(path, progress)) if cancellable else (lambda: write(path))
        run_task(self._parent, _tr("Preparing {title} for printing…").format(title=self._title), work,
                 self._written, self._failed, cancellable=cancellable)

    def _written(self, _path: object) -> None:
        self.document = QPdfDocument(self)
        if self.document.load(str(self.path)) != QPdfDocument.Error.None_:
            self._failed(EnvironmentProblem(_tr("The document for the printer could not be read back from {path}.")
                                            .format(path=self.path)))
            return
        if self.document.pageCount() <= PREVIEW_PAGES:
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
                                                                         pages=self.document.pageCount()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.print_pages)
        dialog.rejected.connect(lambda: self._end(""))
        dialog.open()

    def _paint_requested(self, printer: QPrinter) -> None:
        if _in_preview(printer):
            if self.document is not None:
                paint_pdf(self.document, printer, PREVIEW_DPI)
        else:  # Print in the preview: the pages are drawn in the worker thread once the preview has closed
            self._confirmed = True

    def _preview_closed(self, _result: int) -> None:
        self.preview = None
        if self._confirmed:
            self.print_pages()
        else:
            self._end("")

    def print_pages(self) -> None:
        """Draw the pages on the printer in the worker thread, with progress and Cancel."""
        self._drop_document()  # the worker opens the file for itself
        path, printer = self.path, self.printer

        def work(progress: Progress) -> int:
            document = QPdfDocument()
            try:
                if document.load(str(path)) != QPdfDocument.Error.None_:
                    raise EnvironmentProblem(_tr("The document for the printer could not be read back from "
                                                 "{path}.").format(path=path))
                return paint_pdf(document, printer, min(printer.resolution(), PRINT_DPI), progress)
            finally:
                document.close()

        run_task(self._parent, _tr("Printing {title}…").format(title=self._title), work, self._printed,
                 self._failed, cancellable=True)

    def _printed(self, sheets: int) -> None:
        target = self.printer.outputFileName()
        if target:
            self._end(_tr("Printed to {file}: %n page(s).", "", sheets).format(file=target))
        else:
            self._end(_tr("Sent to {printer}: %n page(s).", "", sheets).format(
                printer=self.printer.printerName() or _tr("the printer")))

    def _failed(self, error: BaseException) -> None:
        self._clean_up()
        self._on_failure(error)

    def _end(self, said: str) -> None:
        self._clean_up()
        self._on_done(said)

    def _drop_document(self) -> None:
        if self.document is not None:
            self.document.close()
            self.document.deleteLater()
            self.document = None

    def _clean_up(self) -> None:
        self._drop_document()
        shutil.rmtree(self._folder, ignore_errors=True)
        self.deleteLater()


def print_pdf(parent: QWidget, title: str, paper: str, write: Callable[..., Any], on_done: Callable[[str], None],
              on_failure: Callable[[BaseException], None], *, cancellable: bool = False) -> PdfPrinting:
    """Write a document with write(path[, progress]) and take it to the printer, with the preview."""
    printing = PdfPrinting(parent, title, paper, on_done, on_failure)
    printing.start(write, cancellable=cancellable)
    return printing
