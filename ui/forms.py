"""Pieces every form uses: labels tied to their field, read-only values, and messages shown right beside the
input at fault, so that a form says what is wrong where it is wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from coordinator.errors import InputError

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5300;"


def accept_buttons(dialog: QDialog, accept_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel, and the dialog's own accept button: the default one, so Enter in any field tries to accept. The box
    is made inside the dialog: a default set on a button outside any dialog is lost, and Cancel became the default."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, dialog)
    accept = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    accept.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, accept


def lay_out_form(dialog: QDialog, *parts: QWidget | QLayout, general: QLabel, buttons: QWidget) -> None:
    """A form dialog, top to bottom: its parts, the message about the form as a whole, room, then the buttons."""
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addWidget(general)
    layout.addStretch(1)
    layout.addWidget(buttons)


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A field's label; its mnemonic (the letter after &) puts the cursor in the field."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def value_label() -> QLabel:
    """A read-only value (a title, a date, a name): wraps, and can be selected to copy it."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading_label(scale: float) -> QLabel:
    """A value shown as the heading of what follows (a study's title, a participant's code)."""
    label = value_label()
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def message_label(style: str = ERROR_STYLE) -> QLabel:
    """A hidden, wrapping label for a message; shown when there is something to say."""
    label = value_label()
    label.setStyleSheet(style)
    label.hide()
    return label


def say(label: QLabel, text: str) -> None:
    """Show text in a message label, or hide the label when there is nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))


class FieldMessages:
    """The message labels of one form, by the field names InputError uses (birth_date, site, reason, ...).

    An error for a field the form does not show lands in the general label, so no message is ever lost.
    """

    def __init__(self, general: QLabel) -> None:
        self._general = general
        self._labels: dict[str, QLabel] = {}
        self._inputs: dict[str, QWidget] = {}

    def beside(self, field: str, widget: QWidget) -> QWidget:
        """Put widget and a hidden message label under it in one container, to add to the form's layout."""
        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = message_label()
        layout.addWidget(label)
        self._labels[field] = label
        self._inputs[field] = widget
        return container

    def label(self, field: str) -> QLabel:
        """The label where an error of this field is shown (the general one for unknown fields)."""
        return self._labels.get(field, self._general)

    def show(self, error: InputError, *, focus: bool = True) -> None:
        """Show the error beside its field (replacing any earlier message); `focus` puts the cursor there."""
        self.clear()
        say(self.label(error.field or ""), error.message)
        widget = self._inputs.get(error.field or "")
        if focus and widget is not None:
            widget.setFocus()

    def clear(self, field: str | None = None) -> None:
        """Forget the message of one field, or of all when no field is named."""
        labels = [self.label(field)] if field is not None else [*self._labels.values(), self._general]
        for label in labels:
            say(label, "")
