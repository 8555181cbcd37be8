"""The scan field: a barcode scanner types the sample id and Enter, and the sample opens.

A scanner is a keyboard that types fast and presses Enter, so the field must answer on Enter in one indexed
lookup, and say an unknown id right beside it, never in a message box (the next scan's Enter would dismiss the
box unread). The text stays selected afterwards, so the next scan replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from coordinator.context import Context
from coordinator.errors import CoordinatorError
from coordinator.samples import queries
from coordinator.samples.queries import SampleDetail
from ui.forms import ERROR_STYLE

LONGEST_ID = "ELIT-AML01-000000-00"
_open_samples: dict[str, QDialog] = {}  # the sample windows open now, by id: a second scan raises the first


def open_sample(ctx: Context, code: str, parent: QWidget | None,
                changed: Callable[[str], None] | None = None) -> QDialog:
    """Open a sample's window (not modal: the next scan must reach the scan field), or raise it when it is open.

    `changed(code)` is called when something is recorded on the sample there (the caller refreshes its lists)."""
    shown = _open_samples.get(code)
    if shown is not None and shown.isVisible():
        shown.raise_()
        shown.activateWindow()
        return shown
    from ui.sample_dialog import SampleDialog  # the participant-level sample window

    dialog = SampleDialog(ctx, code, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if changed is not None:
        dialog.changed.connect(changed)
    _open_samples[code] = dialog
    dialog.destroyed.connect(lambda _object=None, code=code: _open_samples.pop(code, None))
    dialog.show()
    return dialog


class ScanField(QWidget):
    """The field and, beside it, what went wrong with the last scan.

    With `opens` (the default) a found sample opens in its window; without, the owner decides (the storage window
    shows where the sample is). `detail` holds the last sample found.

    Signals:
        found(str): Enter on an id of a sample the user may read; carries the id as stored.
    """

    found = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None, *, opens: bool = True) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._opens = opens
        self._changed: Callable[[str], None] | None = None
        self.detail: SampleDetail | None = None
        self.field = QLineEdit()
        self.field.setPlaceholderText(self.tr("Scan or type a sample id"))
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName(self.tr("Sample id"))
        self.field.setFixedWidth(self.field.fontMetrics().horizontalAdvance(LONGEST_ID + "MMMMM"))
        self.field.returnPressed.connect(self.look_up)
        self.field.textEdited.connect(lambda _text: self.say(""))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.message.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.field)
        layout.addWidget(self.message)
        layout.addStretch(1)  # the field stays at the start however wide the room given
        self.setFocusProxy(self.field)

    def set_context(self, ctx: Context) -> None:
        """Another database (after a restore)."""
        self._ctx = ctx

    def on_change(self, changed: Callable[[str], None] | None) -> None:
        """Called with the id when something is recorded in a sample window this field opened."""
        self._changed = changed

    def focus(self) -> None:
        """The shortcut's target: the cursor in the field, what it holds selected for the next scan."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def say(self, text: str) -> None:
        """A message beside the field (an unknown id, a sample of another study); empty hides it."""
        self.message.setText(text)
        self.message.setToolTip(text)
        self.message.setVisible(bool(text))

    def look_up(self) -> SampleDetail | None:
        """Enter: find the sample by the id typed or scanned; open it, or say why not beside the field."""
        text = self.field.text().strip()
        self.field.selectAll()
        if not text:
            self.say("")
            return None
        try:
            detail = queries.find(self._ctx, text)
        except CoordinatorError as error:  # unknown id, another study's sample, the database out of reach
            self.detail = None
            self.say(error.message)
            return None
        self.say("")
        self.detail = detail
        code = detail.row.code
        self.found.emit(code)
        if self._opens:
            open_sample(self._ctx, code, self.window(), self._changed)
        return detail
