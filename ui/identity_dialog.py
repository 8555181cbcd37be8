"""Correcting what was typed wrong in a participant's identity; the reason is required and audited."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.participants import status
from coordinator.participants.queries import ParticipantDetail
from ui.date_input import DateInput
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label


def sex_label(sex: str) -> str:
    """Sex as a word; the letter (F or M, as CDASH codes it) is what is stored."""
    labels = {"F": QCoreApplication.translate("identity", "Female"),
              "M": QCoreApplication.translate("identity", "Male")}
    return labels.get(sex, sex)


class IdentityDialog(QDialog):
    """Only the fields that really change are sent; the audit keeps old value, new value and reason."""

    def __init__(self, ctx: Context, detail: ParticipantDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._detail = detail
        self.setWindowTitle(self.tr("Correct the identity of {code}").format(code=detail.row.code))
        self.setMinimumWidth(520)
        general = message_label()
        self.messages = FieldMessages(general)
        self.first_name = QLineEdit(detail.first_name or "")
        self.last_name = QLineEdit(detail.last_name or "")
        self.birth_date = DateInput("birth_date", detail.row.birth_date)
        self.sex = QComboBox()
        for value in ("F", "M"):
            self.sex.addItem(sex_label(value), value)
        self.sex.setCurrentIndex(self.sex.findData(detail.sex))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("required, e.g. typing error, checked against the ID card"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field, widget in (
            (self.tr("F&irst name:"), "first_name", self.first_name),
            (self.tr("&Last name:"), "last_name", self.last_name),
            (self.tr("&Birth date:"), "birth_date", self.birth_date),
            (self.tr("Se&x:"), "sex", self.sex),
            (self.tr("&Reason:"), "reason", self.reason),
        ):
            form.addRow(buddy_label(text, widget), self.messages.beside(field, widget))
        buttons, self.save_button = accept_buttons(self, self.tr("&Save correction"))
        lay_out_form(self, form, general=general, buttons=buttons)

    def _changes(self) -> dict[str, str | None]:
        detail = self._detail
        birth = self.birth_date.value()
        if birth is None:
            raise InputError(self.tr("Enter the birth date."), field="birth_date")
        typed = {"first_name": self.first_name.text().strip() or None,
                 "last_name": self.last_name.text().strip() or None,
                 "birth_date": birth.isoformat(), "sex": self.sex.currentData()}
        saved = {"first_name": detail.first_name, "last_name": detail.last_name,
                 "birth_date": detail.row.birth_date.isoformat(), "sex": detail.sex}
        return {name: value for name, value in typed.items() if value != saved[name]}

    def accept(self) -> None:
        try:
            changes = self._changes()
            if not changes:
                raise InputError(self.tr("Nothing was changed."))
            status.correct_identity(self._ctx, self._detail.row.code, changes, self.reason.text())
        except InputError as error:
            self.messages.show(error)
            return
        super().accept()
