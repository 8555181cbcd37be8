"""QR codes drawn straight on the canvas as one path of dark runs: exact module sizes, no seams, and about ten
times faster than drawing ReportLab's widget. Shared by sample labels and the page codes of printed CRFs."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class QrRuns:
    runs: tuple[tuple[int, int, int], ...]  # (row, first column, length) of dark modules
    modules: int  # modules per side


def qr_runs(text: str, level: str) -> QrRuns:
    """The dark runs of `text` as a QR code at error correction `level` (L, M, Q or H)."""
    widget = QrCodeWidget(text, barLevel=level)
    widget.qr.make()
    runs = []
    for row_number, row in enumerate(widget.qr.modules):
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                runs.append((row_number, start, column - start))
            else:
                column += 1
    return QrRuns(tuple(runs), widget.qr.getModuleCount())


def draw_qr(canvas: Canvas, code: QrRuns, left: float, bottom: float, side: float) -> None:
    """Draw the code in black as a square of `side` points with its bottom left corner at (left, bottom)."""
    module = side / code.modules
    top = bottom + side
    path = canvas.beginPath()
    for row, column, length in code.runs:
        path.rect(left + column * module, top - (row + 1) * module, length * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
