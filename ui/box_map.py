"""A freezer box as the bench sees it: rows A, B, … down, columns 1, 2, … across, each position with its tube.

The whole box is painted in one paintEvent over a plain widget: 81 positions are 81 rectangles and a few texts, not
81 child widgets to create, lay out and style, so showing a box costs a few milliseconds (bench: issue 5 asks
under 100 ms). What each position shows is computed once per box (`Cell`), so tests and tooltips read the same
texts the painter draws.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from coordinator.samples.custody import Status
from coordinator.samples.positions import position_label
from coordinator.samples.storage import BoxMap, Occupant

HEADER_PADDING = 8
CELL_PADDING = 6
LONGEST_TAIL = "000000-00"  # what a cell shows of an aliquot's id; a wider box gives it more room


class CellKind(str, Enum):
    free = "free"
    sample = "sample"  # a sample the user may read
    hidden = "hidden"  # a sample of a study the user may not read: the position is taken, nothing more


@dataclass(frozen=True)
class Cell:
    """One position as shown: its label (A1), the texts in it, its tooltip, and the sample's id when readable."""

    position: int
    label: str
    kind: CellKind
    code: str | None
    text: str  # the id's tail, "occupied" for a hidden sample, "" when free
    details: tuple[str, ...]  # the smaller lines under it: the study (when the box mixes studies), the type
    tooltip: str
    status: Status | None


# (fill, text) by what is in the position; the free ones stay light so that the taken ones stand out
FREE_FILL, FREE_TEXT = QColor("#fafafa"), QColor("#b0b0b0")
HIDDEN_FILL, HIDDEN_TEXT = QColor("#d4d4d4"), QColor("#555555")
STATUS_FILL = {
    Status.stored: QColor("#cde8d4"), Status.retrieved: QColor("#fbe3b5"), Status.collected: QColor("#fbe3b5"),
    Status.received: QColor("#fbe3b5"), Status.processed: QColor("#fbe3b5"), Status.shipped: QColor("#f2cfc9"),
    Status.used: QColor("#f2cfc9"), Status.destroyed: QColor("#f2cfc9"),
}
SAMPLE_TEXT = QColor("#1f2a24")
GRID = QColor("#9a9a9a")
HIGHLIGHT = QColor("#d35400")
CURRENT = QColor("#1a5fb4")


def code_tail(code: str, study: str | None) -> str:
    """The part of an id that differs between tubes of one study: MILA-000012-03 shows 000012-03."""
    prefix = f"{study}-" if study else ""
    return code[len(prefix):] if prefix and code.startswith(prefix) else code


class BoxMapWidget(QWidget):
    """Signals:
    chosen(int): a position was clicked (or chosen with the arrows and Space); carries its number (1 = A1).
    activated(int): a position was double-clicked (or Enter pressed on it); its number.
    opened(str): that position holds a sample the user may read: its id (the owner opens it).
    """

    chosen = Signal(int)
    activated = Signal(int)
    opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box: BoxMap | None = None
        self._cells: list[Cell] = []
        self._highlighted: int | None = None
        self._current: int | None = None
        self._small = QFont(self.font())
        self._small.setPointSizeF(self.font().pointSizeF() * 0.85)
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)

    # --- what is shown -------------------------------------------------------------------------------------------

    @property
    def box(self) -> BoxMap | None:
        return self._box

    def show_box(self, box: BoxMap | None) -> None:
        """Show another box (or none), or the same box again after a change: the highlight stays on the same box."""
        same = box is not None and self._box is not None and box.path == self._box.path
        self._box = box
        studies = {occupant.study for occupant in box.occupants.values() if occupant.study} if box else set()
        mixed = len(studies) > 1  # the tail alone would be ambiguous (MILA-000001, REL-ALL-000001): say the study
        self._cells = [self._cell(box, number, mixed) for number in range(1, box.rows * box.columns + 1)] if box else []
        if not same:
            self._highlighted = None
            self._current = None
        self.setAccessibleName(box.path if box else "")
        self.updateGeometry()
        self.update()

    def highlight(self, position: int | None) -> None:
        """Outline one position (the sample found, the one being stored), and make it the current one."""
        self._highlighted = position if self._inside(position) else None
        self._current = self._highlighted
        self.update()

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @property
    def current(self) -> int | None:
        return self._current

    def cell(self, position: int) -> Cell:
        """What position `position` (1 = A1) shows; IndexError outside the box."""
        if not self._inside(position):
            raise IndexError(position)
        return self._cells[position - 1]

    def cells(self) -> list[Cell]:
        return list(self._cells)

    def _inside(self, position: int | None) -> bool:
        return position is not None and 1 <= position <= len(self._cells)

    def _cell(self, box: BoxMap, number: int, mixed: bool) -> Cell:
        label = position_label(number, box.columns)
        occupant: Occupant | None = box.occupants.get(number)
        if occupant is None:
            return Cell(number, label, CellKind.free, None, "", (), self.tr("{position} – free").format(
                position=label), None)
        if occupant.code is None:
            return Cell(number, label, CellKind.hidden, None, self.tr("occupied"), (), self.tr(
                "{position} – occupied by a sample of a study you may not read").format(position=label),
                occupant.status)
        tooltip = "\n".join([
            f"{occupant.code} · {label}",
            self.tr("Participant: {code}").format(code=occupant.participant),
            self.tr("Type: {type}").format(type=occupant.type_id),
            self.tr("Status: {status}").format(status=occupant.status.label),
        ])
        details = (occupant.study or "", occupant.type_id or "") if mixed else (occupant.type_id or "",)
        return Cell(number, label, CellKind.sample, occupant.code, code_tail(occupant.code, occupant.study), details,
                    tooltip, occupant.status)

    # --- geometry ------------------------------------------------------------------------------------------------

    def _header_size(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("W") + 2 * HEADER_PADDING, metrics.height() + HEADER_PADDING)

    def _minimum_cell(self) -> QSize:
        width = QFontMetrics(self._bold).horizontalAdvance(LONGEST_TAIL) + CELL_PADDING
        height = self.fontMetrics().height() + 2 * QFontMetrics(self._small).height() + CELL_PADDING
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        rows, columns = (self._box.rows, self._box.columns) if self._box else (9, 9)
        header, cell = self._header_size(), self._minimum_cell()
        return QSize(header.width() + columns * cell.width() + 1, header.height() + rows * cell.height() + 1)

    def sizeHint(self) -> QSize:  # noqa: N802
        smallest = self.minimumSizeHint()
        return QSize(smallest.width() + smallest.width() // 6, smallest.height() + smallest.height() // 6)

    def _grid(self) -> tuple[int, int, float, float]:
        """Left and top of the first cell, and the cell's width and height, for the widget's current size."""
        assert self._box is not None
        header = self._header_size()
        width = (self.width() - header.width() - 1) / self._box.columns
        height = (self.height() - header.height() - 1) / self._box.rows
        return header.width(), header.height(), width, height

    def cell_rect(self, position: int) -> QRect:
        """Where position `position` is drawn (for clicks in tests, and for the painter)."""
        assert self._box is not None
        left, top, width, height = self._grid()
        row, column = divmod(position - 1, self._box.columns)
        x, y = round(left + column * width), round(top + row * height)
        return QRect(x, y, round(left + (column + 1) * width) - x, round(top + (row + 1) * height) - y)

    def position_at(self, point: QPoint) -> int | None:
        if self._box is None:
            return None
        left, top, width, height = self._grid()
        column, row = int((point.x() - left) // width), int((point.y() - top) // height)
        if point.x() < left or point.y() < top or not (0 <= row < self._box.rows and 0 <= column < self._box.columns):
            return None
        return row * self._box.columns + column + 1

    # --- painting ------------------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if self._box is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Choose a box to see its positions."))
            return
        self._paint_headers(painter)
        regular, small = self.fontMetrics(), QFontMetrics(self._small)
        bold = QFontMetrics(self._bold)
        grid = QPen(GRID)
        grid.setWidth(1)
        for cell in self._cells:
            rect = self.cell_rect(cell.position)
            if not rect.intersects(event.rect()):
                continue
            painter.fillRect(rect, self._fill(cell))
            painter.setPen(grid)
            painter.drawRect(rect)  # shared borders: the next cell's fill leaves them one pixel wide
            inner = rect.adjusted(CELL_PADDING // 2, CELL_PADDING // 2, -CELL_PADDING // 2, -CELL_PADDING // 2)
            if cell.kind is CellKind.free:
                painter.setPen(FREE_TEXT)
                painter.setFont(self._small)
                painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, cell.label)
                continue
            metrics = bold if cell.kind is CellKind.sample else regular
            shown = [line for line in cell.details if line]
            fits = max(0, (inner.height() - metrics.height()) // small.height())
            shown = shown[-fits:] if fits else []  # a short cell keeps the type, the last line
            top = inner.top() + max(0, (inner.height() - metrics.height() - len(shown) * small.height()) // 2)
            painter.setPen(HIDDEN_TEXT if cell.kind is CellKind.hidden else SAMPLE_TEXT)
            painter.setFont(self._bold if cell.kind is CellKind.sample else self.font())
            painter.drawText(QRect(inner.left(), top, inner.width(), metrics.height()),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip,
                             metrics.elidedText(cell.text, Qt.TextElideMode.ElideLeft, inner.width()))
            painter.setFont(self._small)
            for number, line in enumerate(shown):
                painter.drawText(QRect(inner.left(), top + metrics.height() + number * small.height(), inner.width(),
                                       small.height()), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip,
                                 small.elidedText(line, Qt.TextElideMode.ElideRight, inner.width()))
        painter.setFont(self.font())
        self._outline(painter, self._current, CURRENT, 2, Qt.PenStyle.DotLine if self.hasFocus() else None)
        self._outline(painter, self._highlighted, HIGHLIGHT, 3, Qt.PenStyle.SolidLine)

    def _fill(self, cell: Cell) -> QColor:
        if cell.kind is CellKind.free:
            return FREE_FILL
        if cell.kind is CellKind.hidden:
            return HIDDEN_FILL
        return STATUS_FILL.get(cell.status or Status.stored, STATUS_FILL[Status.stored])

    def _paint_headers(self, painter: QPainter) -> None:
        assert self._box is not None
        left, top, width, height = self._grid()
        painter.setPen(self.palette().windowText().color())
        painter.setFont(self._bold)
        for column in range(self._box.columns):
            x = round(left + column * width)
            painter.drawText(QRect(x, 0, round(width), top), Qt.AlignmentFlag.AlignCenter, str(column + 1))
        for row in range(self._box.rows):
            y = round(top + row * height)
            painter.drawText(QRect(0, y, left, round(height)), Qt.AlignmentFlag.AlignCenter,
                             string.ascii_uppercase[row])

    def _outline(self, painter: QPainter, position: int | None, color: QColor, width: int,
                 style: Qt.PenStyle | None) -> None:
        if style is None or not self._inside(position):
            return
        assert position is not None
        pen = QPen(color)
        pen.setWidth(width)
        pen.setStyle(style)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = (width + 1) // 2
        painter.drawRect(self.cell_rect(position).adjusted(half, half, -half, -half))

    # --- the user ------------------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            position = self.position_at(event.pos())
            if position is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.cell(position).tooltip, self, self.cell_rect(position))
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        position = self.position_at(event.position().toPoint())
        if event.button() != Qt.MouseButton.LeftButton or position is None:
            super().mousePressEvent(event)
            return
        self._choose(position)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        position = self.position_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and position is not None:
            self._open(position)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self._box is None:
            super().keyPressEvent(event)
            return
        columns = self._box.columns
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -columns, Qt.Key.Key_Down: columns}
        key = Qt.Key(event.key())
        if key in steps:
            current = self._current or 1
            wanted = current + steps[key]
            side_step = key in (Qt.Key.Key_Left, Qt.Key.Key_Right)
            if self._inside(wanted) and (not side_step or (wanted - 1) // columns == (current - 1) // columns):
                self._current = wanted
                self.update()
            elif self._current is None:
                self._current = 1
                self.update()
            return
        if key == Qt.Key.Key_Space and self._current is not None:
            self._choose(self._current)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._current is not None:
            self._open(self._current)
            return
        super().keyPressEvent(event)

    def _choose(self, position: int) -> None:
        self._current = position
        self.update()
        self.chosen.emit(position)

    def _open(self, position: int) -> None:
        """Double-click or Enter: the position is activated, and a readable sample in it opened."""
        self._current = position
        self.update()
        self.activated.emit(position)
        code = self.cell(position).code
        if code is not None:
            self.opened.emit(code)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.update()
