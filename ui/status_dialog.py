"""Moving a participant through the lifecycle (screen failure, withdraw, complete, lost to follow-up).

Enrolling is not offered here: it has its own action on the eligibility page, which checks eligibility and consent
and takes the arm from the study design (a recorded value, the sealed randomization list, the only arm).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.participants import status
from coordinator.participants.lifecycle import ALLOWED, Move, Status
from coordinator.participants.queries import ParticipantDetail
from ui.date_input import DateInput
from ui.formats import show_date
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label

NOT_HERE = frozenset({Status.enrolled})  # moves with a window of their own


class StatusDialog(QDialog):
    """Offers the moves the lifecycle allows from the current status; the service checks the rest (dates)
    and any refusal is shown beside the field it concerns."""

    def __init__(self, ctx: Context, detail: ParticipantDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._detail = detail
        row = detail.row
        self.setWindowTitle(self.tr("Change the status of {code}").format(code=row.code))
        self.setMinimumWidth(560)
        general = message_label()
        self.messages = FieldMessages(general)
        current = QLabel(self.tr("{status} since {date}").format(
            status=row.status.label, date=show_date(detail.status_date)))
        self.target = QComboBox()
        for move in sorted(ALLOWED.get(row.status, frozenset()) - NOT_HERE, key=list(Status).index):
            self.target.addItem(move.label, move.value)  # Qt would turn the enum into a plain str
        self.on = DateInput("date", ctx.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("optional, e.g. consent withdrawn by the parents"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Current status:"), current)
        form.addRow(buddy_label(self.tr("&New status:"), self.target), self.messages.beside("status", self.target))
        form.addRow(buddy_label(self.tr("&Date:"), self.on), self.messages.beside("date", self.on))
        form.addRow(buddy_label(self.tr("&Reason:"), self.reason), self.messages.beside("reason", self.reason))
        note = QLabel(self.tr("To enroll, use Eligibility… on the participant page."))
        note.setWordWrap(True)
        note.setVisible(row.status is Status.screening)

        buttons, self.apply_button = accept_buttons(self, self.tr("&Change status"))
        lay_out_form(self, form, note, general=general, buttons=buttons)
        self.target.currentIndexChanged.connect(lambda _index: self.messages.clear())

    def _target(self) -> Status | None:
        """The chosen move; None when the status is final and nothing can be chosen."""
        value = self.target.currentData()
        return Status(value) if value else None

    def accept(self) -> None:
        """Apply the move, or keep the dialog open with the refusal beside the field it concerns."""
        target = self._target()
        if target is None:
            return
        try:
            on = self.on.value()
            if on is None:
                raise InputError(self.tr("Enter the date of the change."), field="date")
            status.change_status(self._ctx, self._detail.row.code, Move(target, on), self.reason.text())
        except InputError as error:
            self.messages.show(error)
            return
        super().accept()
