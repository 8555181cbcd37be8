"""The studies on the left: each with its arms, and enrolled/target per arm and per study."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from coordinator.studies.catalogue import StudySummary

CODE_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_MARGIN = 10  # what the style keeps around an item's text, with some room to spare
PADDING = 3

Index = QModelIndex | QPersistentModelIndex


class _StudyDelegate(QStyledItemDelegate):
    """Study titles are long: a study shows its code in bold with the title wrapped below it, and arm
    labels wrap too, instead of being cut off at the column's edge."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        if index.column() == 0:
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        if index.column() != 0:
            return hint
        wrapped = QStyleOptionViewItem(option)
        self.initStyleOption(wrapped, index)
        depth = 2 if index.parent().isValid() else 1
        width = max(40, self._tree.columnWidth(0) - depth * self._tree.indentation() - TEXT_MARGIN)
        lines = self._lines(wrapped, index)
        height = sum(QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap,
                                                     text).height() for font, text in lines)
        return QSize(hint.width(), max(hint.height(), height + 2 * PADDING))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if index.column() != 0 or index.parent().isValid():
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        lines = self._lines(item, index)
        item.text = ""
        style = item.widget.style() if item.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(item.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        area = item.rect.adjusted(TEXT_MARGIN // 2, PADDING, -TEXT_MARGIN // 2, -PADDING)
        for font, text in lines:
            painter.setFont(font)
            used = painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, text)
            area.setTop(used.bottom() + 1)
        painter.restore()

    def _lines(self, option: QStyleOptionViewItem, index: Index) -> list[tuple[QFont, str]]:
        """A study: its code in bold, then its title; an arm: its one line of text."""
        title = index.data(TITLE_ROLE)
        if index.parent().isValid() or title is None:
            return [(option.font, option.text)]
        bold = QFont(option.font)
        bold.setBold(True)
        return [(bold, index.data(CODE_ROLE)), (option.font, title)]


class StudyList(QTreeWidget):
    """A short list (one row per study of the site), so a tree widget rather than a lazy model.

    Signals:
        study_selected(str): the short name of the study the user selected.
    """

    study_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Study and arms"), self.tr("Enrolled / target")])
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setItemDelegate(_StudyDelegate(self))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_sizes: self.scheduleDelayedItemsLayout())  # re-wrap the titles
        self.currentItemChanged.connect(self._on_current)

    def show_summaries(self, summaries: list[StudySummary], select: str | None) -> None:
        """Show the studies, expanded, and select `select` (or the first study)."""
        with QSignalBlocker(self):
            self.clear()
            for summary in summaries:
                item = QTreeWidgetItem([f"{summary.code} – {summary.title}", _count(summary.enrolled, summary.target)])
                item.setData(0, CODE_ROLE, summary.code)
                item.setData(0, TITLE_ROLE, summary.title)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                for arm in summary.arms:
                    child = QTreeWidgetItem([f"{arm.code} – {arm.label}", _count(arm.enrolled, arm.target)])
                    child.setData(0, CODE_ROLE, summary.code)
                    child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                    child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                    item.addChild(child)
                self.addTopLevelItem(item)
            self.expandAll()
            chosen = next((self.topLevelItem(i) for i in range(self.topLevelItemCount())
                           if self.topLevelItem(i).data(0, CODE_ROLE) == select), self.topLevelItem(0))
            if chosen is not None:
                self.setCurrentItem(chosen)
        if chosen is not None:
            self.study_selected.emit(chosen.data(0, CODE_ROLE))

    def _on_current(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None:
            self.study_selected.emit(current.data(0, CODE_ROLE))


def _count(enrolled: int, target: int | None) -> str:
    return f"{enrolled} / {target}" if target else f"{enrolled} / –"
