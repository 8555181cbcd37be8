"""Enrolling a participant: the date, and the arm as the study design gives it (by a recorded value, by the sealed
randomization list, the only arm, or a choice); the service checks eligibility and consent, and says why not."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from coordinator.assignment.enrollment import Enrolled, enroll
from coordinator.context import Context
from coordinator.eligibility.criteria import group_of
from coordinator.eligibility.service import Assessment
from coordinator.errors import InputError
from coordinator.studies.schema import Allocation
from ui.date_input import DateInput
from ui.formats import show_date
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, value_label


class EnrollDialog(QDialog):
    """Signals:
    enrolled(object): the participant was enrolled; carries the service's Enrolled (code, arm, date, stratum).
    """

    enrolled = Signal(object)

    def __init__(self, ctx: Context, assessment: Assessment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        subject = assessment.subject
        self._code = subject.code
        definition = subject.definition
        self.setWindowTitle(self.tr("Enroll {code}").format(code=subject.code))
        self.setMinimumWidth(640)
        general = message_label()
        self.messages = FieldMessages(general)
        self.arm_note = value_label()
        self.arm: QComboBox | None = None
        arm_field: QWidget = self.arm_note
        if definition.design.allocation is Allocation.randomized:
            strata = ", ".join(definition.items[name].label if name in definition.items else self.tr("site")
                               for name in (definition.randomization.strata if definition.randomization else []))
            self.arm_note.setText(self.tr(
                "Drawn from the sealed allocation list of {study} when you enroll{strata}. Nobody chooses it and "
                "nobody sees it before; the reveal is recorded in the audit trail.").format(
                study=subject.study, strata=self.tr(" (stratified by {strata})").format(strata=strata)
                if strata else ""))
        elif definition.assignment is not None:
            item = definition.items[definition.assignment.item]
            group = group_of(definition, subject.facts)
            arm = definition.arm(group) if group else None
            self.arm_note.setText(self.tr("{arm}: it follows from {item}.").format(
                arm=f"{arm.code} – {arm.label}", item=item.label) if arm else self.tr(
                "It follows from {item}, which is not recorded yet.").format(item=item.label))
        elif len(definition.arms) == 1:
            only = definition.arms[0]
            self.arm_note.setText(self.tr("{arm} (the study's only arm).").format(arm=f"{only.code} – {only.label}"))
        else:
            self.arm = QComboBox()
            for arm in definition.arms:
                self.arm.addItem(f"{arm.code} – {arm.label}", arm.code)
            self.arm.setCurrentIndex(-1)
            self.arm.setPlaceholderText(self.tr("choose the arm"))
            arm_field = self.arm
        self.on = DateInput("date", ctx.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("optional, e.g. eligible and consented"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Participant:"), QLabel(subject.code))
        form.addRow(buddy_label(self.tr("&Arm:"), arm_field), self.messages.beside("arm", arm_field))
        form.addRow(buddy_label(self.tr("&Date of enrollment:"), self.on), self.messages.beside("date", self.on))
        form.addRow(buddy_label(self.tr("&Reason:"), self.reason), self.messages.beside("reason", self.reason))
        buttons, self.enroll_button = accept_buttons(self, self.tr("&Enroll"))
        lay_out_form(self, form, general=general, buttons=buttons)

    def accept(self) -> None:
        """Enroll, or keep the dialog open with the refusal in words (eligibility, consent, arm, date)."""
        self.messages.clear()
        try:
            on = self.on.value()
            if on is None:
                raise InputError(self.tr("Enter the date of enrollment."), field="date")
            arm = self.arm.currentData() if self.arm is not None else None
            result = enroll(self._ctx, self._code, arm=arm, on=on, reason=self.reason.text())
        except InputError as error:
            self.messages.show(error)
            return
        super().accept()
        self.enrolled.emit(result)


def enrolled_text(result: Enrolled) -> str:
    """What the page says after enrolling; a randomized arm says where it came from."""
    arm = f"{result.arm} – {result.arm_label}"
    if result.stratum is not None:
        return _tr("{code} is enrolled (randomized) on {date}: arm {arm}, drawn from the sealed allocation list, "
                   "stratum {stratum}. The reveal is recorded in the audit trail.").format(
            code=result.code, date=show_date(result.on), arm=arm, stratum=result.stratum)
    return _tr("{code} is enrolled on {date} in arm {arm}.").format(code=result.code, date=show_date(result.on),
                                                                     arm=arm)


def _tr(text: str) -> str:
    return QCoreApplication.translate("EnrollDialog", text)
