"""Moving a participant through the lifecycle (enroll, screen failure, withdraw, complete, lost to follow-up)."""

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
from coordinator.studies.schema import Allocation
from ui.date_input import DateInput
from ui.formats import show_date
from ui.forms import WARNING_STYLE, FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, say


class StatusDialog(QDialog):
    """Offers the moves the lifecycle allows from the current status; the service checks the rest
    (dates, arm, study design) and any refusal is shown beside the field it concerns."""

    def __init__(self, ctx: Context, detail: ParticipantDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._detail = detail
        row = detail.row
        self._randomized = detail.definition.design.allocation is Allocation.randomized
        self.setWindowTitle(self.tr("Change the status of {code}").format(code=row.code))
        self.setMinimumWidth(560)
        general = message_label()
        self.messages = FieldMessages(general)
        current = QLabel(self.tr("{status} since {date}").format(
            status=row.status.label, date=show_date(detail.status_date)))
        self.target = QComboBox()
        for move in sorted(ALLOWED.get(row.status, ()), key=list(Status).index):
            self.target.addItem(move.label, move.value)  # Qt would turn the enum into a plain str
        self.arm = QComboBox()
        for arm in detail.definition.arms:
            self.arm.addItem(f"{arm.code} – {arm.label}", arm.code)
        self.allocation_note = message_label(WARNING_STYLE)
        self.on = DateInput("date", ctx.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("optional, e.g. eligibility confirmed"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Current status:"), current)
        form.addRow(buddy_label(self.tr("&New status:"), self.target), self.messages.beside("status", self.target))
        arm_field = self.messages.beside("arm", self.arm)
        arm_field.layout().addWidget(self.allocation_note)
        self.arm_label = buddy_label(self.tr("&Arm:"), self.arm)
        form.addRow(self.arm_label, arm_field)
        form.addRow(buddy_label(self.tr("&Date:"), self.on), self.messages.beside("date", self.on))
        form.addRow(buddy_label(self.tr("&Reason:"), self.reason), self.messages.beside("reason", self.reason))

        buttons, self.apply_button = accept_buttons(self, self.tr("&Change status"))
        lay_out_form(self, form, general=general, buttons=buttons)
        self.target.currentIndexChanged.connect(self._on_target)
        self._on_target()

    def _target(self) -> Status | None:
        """The chosen move; None when the status is final and nothing can be chosen."""
        value = self.target.currentData()
        return Status(value) if value else None

    def _on_target(self) -> None:
        """An arm is chosen only when enrolling, and never for a randomized study: say why instead."""
        self.messages.clear()
        enrolling = self._target() is Status.enrolled
        self.arm.setVisible(enrolling and not self._randomized)
        self.arm_label.setVisible(enrolling)
        say(self.allocation_note, self.tr(
            "{study} is randomized: the arm comes from its sealed allocation list, not from a choice here, "
            "so enrolment cannot be recorded in this window.").format(study=self._detail.row.study)
            if enrolling and self._randomized else "")
        self.apply_button.setEnabled(not (enrolling and self._randomized))

    def accept(self) -> None:
        """Apply the move, or keep the dialog open with the refusal beside the field it concerns."""
        target = self._target()
        if target is None:
            return
        try:
            on = self.on.value()
            if on is None:
                raise InputError(self.tr("Enter the date of the change."), field="date")
            arm = self.arm.currentData() if target is Status.enrolled else None
            status.change_status(self._ctx, self._detail.row.code, Move(target, on, arm), self.reason.text())
        except InputError as error:
            self.messages.show(error)
            return
        super().accept()
