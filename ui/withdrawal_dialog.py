"""Recording a withdrawal of consent: when, by whom, and what it stops."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QVBoxLayout, QWidget

from coordinator.consent import service as consent
from coordinator.consent.rules import Role
from coordinator.consent.status import Scope
from coordinator.context import Context
from coordinator.errors import InputError
from ui.date_input import DateInput
from ui.forms import FieldMessages, accept_buttons, buddy_label, message_label

WHO = (Role.participant, Role.holder1, Role.holder2, Role.guardian)  # anyone who signed for the participant


class WithdrawalDialog(QDialog):
    def __init__(self, ctx: Context, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._code = code
        self.setWindowTitle(self.tr("Withdraw the consent of {code}").format(code=code))
        self.setMinimumWidth(560)
        general = message_label()
        self.messages = FieldMessages(general)
        self.on = DateInput("date", ctx.today())
        self.by = QComboBox()
        for role in WHO:
            self.by.addItem(role.label, role.value)
        self.scopes = {scope: QCheckBox(scope.label) for scope in Scope}
        scope_field = QWidget()
        scope_layout = QVBoxLayout(scope_field)
        scope_layout.setContentsMargins(0, 0, 0, 0)
        for box in self.scopes.values():
            scope_layout.addWidget(box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&Date:"), self.on), self.messages.beside("date", self.on))
        form.addRow(buddy_label(self.tr("&Withdrawn by:"), self.by), self.messages.beside("role", self.by))
        form.addRow(self.tr("It stops:"), self.messages.beside("scope", scope_field))
        buttons, self.withdraw_button = accept_buttons(self, self.tr("&Record withdrawal"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            on = self.on.value()
            if on is None:
                raise InputError(self.tr("Enter the date of the withdrawal."), field="date")
            consent.withdraw(self._ctx, self._code, on, self.by.currentData(),
                             [scope.value for scope, box in self.scopes.items() if box.isChecked()])
        except InputError as error:
            self.messages.show(error)
            return
        super().accept()
