"""A record's electronic signatures, one line each: printed name, meaning, date and time, and, in red, when the
record changed after signing (21 CFR 11.50: shown wherever the signed record is shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from coordinator.signatures.service import SignatureView
from ui.formats import show_utc_stamp
from ui.forms import ERROR_STYLE, value_label

VALID_STYLE = "color: #1e6b2b;"


def sentence_start(text: str) -> str:
    """The text with a capital first letter and the rest untouched (str.capitalize lowers a participant code)."""
    return text[:1].upper() + text[1:]


class SignatureLines(QWidget):
    """Hidden while there is no signature. `show_record` names what each signature signs (several kinds at once)."""

    def __init__(self, parent: QWidget | None = None, *, show_record: bool = False) -> None:
        super().__init__(parent)
        self._show_record = show_record
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._labels: list[QLabel] = []
        self.lines: list[QLabel] = []  # the labels shown, one per signature
        self.hide()

    def show_signatures(self, signatures: list[SignatureView]) -> None:
        """One line per signature. The labels are kept and reused: a label deleted later would still be painted
        where it was until the event loop gets to it."""
        while len(self._labels) < len(signatures):
            label = value_label()
            self._layout.addWidget(label)
            self._labels.append(label)
        for label, view in zip(self._labels, signatures, strict=False):
            self._fill(label, view)
            label.show()
        for label in self._labels[len(signatures):]:
            label.hide()
        self.lines = self._labels[:len(signatures)]
        self.setVisible(bool(signatures))

    def texts(self) -> list[str]:
        return [label.text() for label in self.lines]

    def _fill(self, label: QLabel, view: SignatureView) -> None:
        text = self.tr("Signed by {name} — {meaning} — {at}").format(
            name=view.printed_name, meaning=view.meaning.label, at=show_utc_stamp(view.signed_at))
        if self._show_record:
            text = self.tr("{record}: {signed}").format(record=sentence_start(view.kind_label), signed=text)
        if view.valid:
            label.setText(f"✔ {text}")
            label.setStyleSheet(VALID_STYLE)
        else:
            label.setText(self.tr("✘ {signed} — no longer valid: the content changed after signing").format(
                signed=text))
            label.setStyleSheet(ERROR_STYLE)
        label.setToolTip(self.tr("{name} ({login}), {at}: “{meaning}”").format(
            name=view.printed_name, login=view.signer, at=view.time_with_zone, meaning=view.meaning.sentence))
