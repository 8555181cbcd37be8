"""Driving the window as a user does: click a study, read the table, find the dialog that opened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from ui.main_window import MainWindow
from ui.participant_table_model import COLUMNS


def select_study(qtbot, window: MainWindow, code: str) -> None:
    tree = window.studies
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0).startswith(f"{code} –"))
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    assert window.participants.header.title.text().startswith(f"{code} –")


def column(window: MainWindow, name: str) -> list[str]:
    """What the table shows in a column, top to bottom."""
    model = window.participants.table.model()
    return [model.index(row, COLUMNS.index(name)).data() for row in range(model.rowCount())]


def visible(kind: type[QWidget]) -> list[QWidget]:
    return [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, kind) and widget.isVisible()]


def wait_for(qtbot, kind: type[QWidget]) -> QWidget:
    """The one visible window of this kind, once it has opened, made active as the user's click would."""
    qtbot.waitUntil(lambda: len(visible(kind)) == 1)
    found = visible(kind)[0]
    found.activateWindow()
    qtbot.waitUntil(found.isActiveWindow)
    return found


def type_into(qtbot, field: QWidget, text: str) -> None:
    """Click into a field, then type (QTest types ASCII only: accented names come through the services)."""
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, text)


def open_participant(qtbot, window: MainWindow, code: str) -> QWidget:
    """Click the participant's row and press Enter, as a keyboard user does; returns the page that opens."""
    from ui.participant_page import ParticipantPage

    table = window.participants.table
    row = column(window, "code").index(code)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.model().index(row, 0)).center())
    qtbot.keyClick(table, Qt.Key.Key_Return)
    return wait_for(qtbot, ParticipantPage)


def history(page: QWidget) -> list[dict[str, str]]:
    """The history table as shown, newest first: one dict per line, by column title."""
    model = page.history.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{title: model.index(row, c).data() for c, title in enumerate(titles)} for row in range(model.rowCount())]


def menu_action(window: MainWindow, menu: str, action: str):
    """An action of the menu bar, found by the texts the user reads (mnemonics ignored)."""
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu:
            for item in top.menu().actions():
                if item.text().replace("&", "") == action:
                    return item
    raise LookupError(f"{menu} > {action}")


def choose(qtbot, combo, text: str) -> None:
    """Tab into a combo box, type the first word of an entry, then press Down until it is the one, as a keyboard
    user does (a space would open the list as a popup, which the offscreen platform cannot show)."""
    assert combo.findText(text) >= 0, f"{text!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(combo, text.split(" ")[0])
    for _step in range(combo.count()):
        if combo.currentText() == text:
            break
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def retype(qtbot, field: QWidget, text: str) -> None:
    """Select what a field holds and type over it."""
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keySequence(field, QKeySequence(QKeySequence.StandardKey.SelectAll))
    qtbot.keyClicks(field, text)


def click_row(qtbot, table, row: int) -> None:
    """Click the first cell of a table's row (scrolled into view first)."""
    index = table.model().index(row, 0)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def open_eligibility(qtbot, page: QWidget) -> QWidget:
    """Click Eligibility… on a participant page; returns the eligibility page that opens."""
    from ui.eligibility_page import EligibilityPage

    qtbot.mouseClick(page.eligibility_button, Qt.MouseButton.LeftButton)
    return wait_for(qtbot, EligibilityPage)


def click_button(qtbot, box: QWidget, text: str) -> None:
    """Click a dialog's button by the text the user reads."""
    from PySide6.QtWidgets import QAbstractButton

    button = next(b for b in box.findChildren(QAbstractButton) if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
