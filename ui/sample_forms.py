"""Pieces the sample dialogs share: when something happened (date and time), an amount with its unit, the table of
samples, the form of one custody step, the panel saying what was just made, and writing a PDF in the background."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QSettings, QStandardPaths, Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import CoordinatorError, InputError
from coordinator.samples.custody import Status
from coordinator.samples.quantities import UNITS, Quantity, parse_quantity
from coordinator.samples.queries import SampleDetail, SampleRow
from coordinator.samples.service import local_now
from ui import messages
from ui.date_input import DateInput
from ui.formats import show_date, time_format
from ui.forms import (
    ERROR_STYLE,
    FieldMessages,
    accept_buttons,
    buddy_label,
    heading_label,
    lay_out_form,
    message_label,
    say,
    value_label,
)
from ui.screening_log_dialog import FOLDER_KEY, SUCCESS_STYLE
from ui.tables import Index, NamedColumnsModel
from ui.tasks import run_task

_TIME = re.compile(r"^\s*(\d{1,2})[:h.](\d{2})\s*$")
_HAS_UNIT = re.compile(r"[^\d\s.,+-]")
GONE = frozenset({Status.shipped, Status.used, Status.destroyed})  # no longer at the site: shown greyed
DONE_STYLE = "QFrame#done { border: 1px solid #8fc29a; border-radius: 4px; background: #eef7f0; }"


def _tr(text: str) -> str:
    return QCoreApplication.translate("sample_forms", text)


def show_moment(text: str | None) -> str:
    """A sample's time as stored (local "YYYY-MM-DD HH:MM") in the user's locale."""
    if not text:
        return ""
    moment = datetime.fromisoformat(text)
    return f"{show_date(moment.date())} {QLocale().toString(QTime(moment.hour, moment.minute), time_format())}"


class MomentInput(QWidget):
    """A date and a time of day, typed: events are often recorded after the fact, from the lab sheet."""

    def __init__(self, field: str, value: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._field = field
        self.date = DateInput(field, value.date())
        self.time = QLineEdit(f"{value:%H:%M}")
        self.time.setPlaceholderText("HH:MM")
        self.time.setMaxLength(5)
        self.time.setFixedWidth(self.time.fontMetrics().horizontalAdvance("HH:MM") + 24)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date)
        layout.addWidget(self.time)
        layout.addStretch(1)
        self.setFocusProxy(self.date)

    def value(self) -> datetime:
        """The moment typed; InputError (naming this field) for a missing or unreadable date or time."""
        day = self.date.value()
        if day is None:
            raise InputError(self.tr("Enter the date."), field=self._field)
        found = _TIME.match(self.time.text())
        try:
            if not found:
                raise ValueError(self.time.text())
            hour = time(int(found.group(1)), int(found.group(2)))
        except ValueError:
            raise InputError(self.tr("“{text}” is not a time of day: write it as HH:MM, e.g. 09:30.").format(
                text=self.time.text().strip()), field=self._field) from None
        return datetime.combine(day, hour)


class VolumeInput(QWidget):
    """An amount and its unit (the sample type's, by default). An amount typed with its own unit is kept as typed."""

    def __init__(self, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("e.g. 5"))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit.addItems(list(UNITS))
        self.unit.setCurrentText(unit)
        self.unit.setMinimumContentsLength(4)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.amount, 1)
        layout.addWidget(self.unit)
        self.setFocusProxy(self.amount)

    def text(self) -> str:
        """What the services read: "5 mL"; "5" alone when the unit was cleared (the service says it needs one);
        nothing when no amount is typed."""
        typed = self.amount.text().strip()
        if not typed or _HAS_UNIT.search(typed):
            return typed
        return f"{typed} {self.unit.currentText().strip()}".strip()

    def quantity(self) -> Quantity | None:
        """The amount as a number, for what is shown live (remainders, doses); None while it is not one."""
        try:
            return parse_quantity(self.text(), "volume", "")
        except InputError:
            return None


SAMPLE_COLUMNS = ("code", "type", "timepoint", "collected", "volume", "remaining", "status", "location")


class SampleRowsModel(NamedColumnsModel):
    """A short list of samples (a participant's, a sample's children, a shipment): each made sample is indented
    under the one it was made from."""

    def __init__(self, columns: tuple[str, ...] = SAMPLE_COLUMNS, parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self.titles = {"code": self.tr("Sample"), "type": self.tr("Type"), "timepoint": self.tr("Timepoint"),
                       "collected": self.tr("Collected"), "volume": self.tr("Volume"),
                       "remaining": self.tr("Left"), "status": self.tr("Status"), "location": self.tr("Location"),
                       "participant": self.tr("Participant")}
        self.rows: list[SampleRow] = []
        self._top = 0

    def set_rows(self, rows: list[SampleRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._top = min((row.level for row in rows), default=0)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self.rows)

    def sample(self, index: Index) -> SampleRow:
        return self.rows[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and row.status in GONE:
            return QBrush(QColor("#777777"))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = self.columns[index.column()]
        depth = row.level - self._top
        values = {
            "code": ("    " * (depth - 1) + "└ " if depth else "") + row.code, "type": row.type_id,
            "timepoint": row.timepoint or "–", "collected": show_moment(row.collected_at), "volume": row.volume_text,
            "remaining": row.remaining_text, "status": row.status.label, "location": row.location or "–",
            "participant": row.participant,
        }
        if role == Qt.ItemDataRole.ToolTipRole and column == "code":
            return row.code
        return values[column]


def beside(messages: FieldMessages, field: str, widget: QWidget) -> QWidget:
    """The input with its message label under it (FieldMessages.beside); the message goes once the user types in the
    input again, so that it never speaks of a value no longer there."""
    container = messages.beside(field, widget)
    edits = [widget] if isinstance(widget, QLineEdit) else []
    for edit in [*edits, *widget.findChildren(QLineEdit)]:
        edit.textEdited.connect(lambda _text: messages.clear(field))
    return container


class StepDialog(QDialog):
    """One step in a sample's custody: a small form, the time it happened, and one service call. A refusal shows
    beside the field it names and the dialog stays open; nothing is saved.

    Signals:
        recorded(object): the service's result, after the step was recorded.
    """

    recorded = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setMinimumWidth(640)  # messages stay on one line: a wrapped label is clipped in a form row
        self.general = message_label()
        self.messages = FieldMessages(self.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.at = MomentInput("at", local_now(ctx))
        self.buttons, self.accept_button = accept_buttons(self, "")
        lay_out_form(self, self.form, general=self.general, buttons=self.buttons)

    def name(self, title: str, accept_text: str) -> None:
        """The window's title and the accept button's text (subclasses translate them once Qt is set up)."""
        self.setWindowTitle(title)
        self.accept_button.setText(accept_text)

    def add_row(self, text: str, field: str, widget: QWidget) -> QWidget:
        """A labelled input with its message below it; returns the row's field (to hide the row)."""
        container = beside(self.messages, field, widget)
        self.form.addRow(buddy_label(text, widget), container)
        return container

    def add_sample(self, text: str, detail: SampleDetail) -> None:
        """The sample the step is about, as the user checks it against the tube in hand."""
        row = detail.row
        shown = QLabel(self.tr("{code} · {type} · {left} left · {location}").format(
            code=row.code, type=detail.type_label, left=row.remaining_text,
            location=row.location or self.tr("not in storage")))
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(text, shown)

    def apply(self) -> object:
        """Call the service with what was typed; subclasses say which."""
        raise NotImplementedError

    def accept(self) -> None:
        self.messages.clear()
        try:
            result = self.apply()
        except InputError as error:
            self.messages.show(error)
            return
        super().accept()
        self.recorded.emit(result)


class DonePanel(QFrame):
    """What a dialog just made (a sample id, a manifest number), large, with what to do next with it."""

    def __init__(self, action_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("done")
        self.setStyleSheet(DONE_STYLE)
        self.title = value_label()
        self.value = heading_label(1.5)
        self.note = value_label()
        self.action = QPushButton(action_text)
        self.outcome = message_label(SUCCESS_STYLE)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.value)
        text.addWidget(self.note)
        text.addWidget(self.outcome)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_done(self, title: str, value: str, note: str = "") -> None:
        self.title.setText(title)
        self.value.setText(value)
        say(self.note, note)
        self.show()
        self.action.setFocus()


def finish_form(buttons: QDialogButtonBox, accept_button: QPushButton, fields: list[QWidget]) -> None:
    """After a form's one-time action: its inputs read only, its accept button gone, Cancel now says Close."""
    for field in fields:
        field.setEnabled(False)
    accept_button.hide()
    close = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    close.setText(_tr("&Close"))
    close.setDefault(True)


def documents_folder() -> Path:
    """Where the last document was saved (the user's Documents folder the first time)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(str(QSettings().value(FOLDER_KEY, documents)))


def ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    """The file to write, chosen by the user in the folder used last; None when cancelled."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(documents_folder() / name), _tr("PDF (*.pdf)"))
    if not chosen:
        return None
    QSettings().setValue(FOLDER_KEY, str(Path(chosen).parent))
    return Path(chosen)


def write_pdf(parent: QWidget, label: str, work: Callable[[], Path], outcome: QLabel, button: QPushButton,
              written: Callable[[Path], None] | None = None) -> None:
    """Write a document in the database thread; then say where it went, or why not, in `outcome`."""
    say(outcome, "")
    button.setEnabled(False)

    def succeeded(path: Path) -> None:
        button.setEnabled(True)
        outcome.setStyleSheet(SUCCESS_STYLE)
        say(outcome, _tr("Written: {path}").format(path=path))
        if written is not None:
            written(path)

    def failed(error: BaseException) -> None:
        button.setEnabled(True)
        if isinstance(error, CoordinatorError):
            outcome.setStyleSheet(ERROR_STYLE)
            say(outcome, error.message)
        else:
            messages.report(error, parent)

    run_task(parent, label, work, succeeded, failed)
