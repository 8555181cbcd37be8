"""Recording consent signatures: one line per signer the rule asks for, for this participant on this date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from coordinator.consent import service as consent
from coordinator.consent.rules import L1122_2_CONDITIONS, OneHolderException, Role, condition_label
from coordinator.context import Context
from coordinator.errors import InputError
from ui.date_input import DateInput
from ui.forms import FieldMessages, accept_buttons, buddy_label, message_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConsentDialog", text)


RELATED = frozenset({Role.holder1, Role.holder2, Role.guardian})  # signers whose relationship to the child matters


class SignerFields:
    """The inputs of one signer: name, and the relationship or the assent given/refused where they apply."""

    def __init__(self, role: Role, required: bool, messages: FieldMessages, form: QFormLayout) -> None:
        self.role = role
        self.name = QLineEdit()
        self.name.setObjectName(f"name_{role.value}")
        self.relationship = QLineEdit() if role in RELATED else None
        self.assent = QComboBox() if role is Role.assent else None
        title = role.label[0].upper() + role.label[1:]
        label = buddy_label((_tr("{role}:") if required else _tr("{role} (optional):")).format(role=title), self.name)
        field = messages.beside(role.value, self.name)
        self.field = field
        if self.relationship is not None:
            self.relationship.setPlaceholderText(_tr("relationship, e.g. mother"))
            field.layout().addWidget(self.relationship)
        if self.assent is not None:
            self.assent.addItem(_tr("assent given"), "given")
            self.assent.addItem(_tr("assent refused"), "refused")
            field.layout().addWidget(self.assent)
        form.addRow(label, field)

    def filled(self) -> bool:
        return bool(self.name.text().strip())


class ExemptionFields:
    """The French one-holder exceptions, offered with the first holder: each an explicit choice with its reason."""

    def __init__(self, allowed: tuple[OneHolderException, ...], field: QWidget) -> None:
        self.kind = QComboBox()
        self.kind.addItem(_tr("both holders sign"), None)
        for exception in allowed:
            self.kind.addItem(_tr("one holder only: {reason}").format(reason=exception.label), exception.value)
        self.document = QLineEdit()
        self.document.setPlaceholderText(_tr("document showing sole parental authority (e.g. a judgment)"))
        self.conditions = {condition: QCheckBox(condition_label(condition)) for condition in L1122_2_CONDITIONS}
        layout = field.layout()
        layout.addWidget(self.kind)
        layout.addWidget(self.document)
        for box in self.conditions.values():
            layout.addWidget(box)
        self.kind.currentIndexChanged.connect(self._show_details)
        self._show_details()

    def _show_details(self) -> None:
        chosen = self.kind.currentData()
        self.document.setVisible(chosen == OneHolderException.sole_holder.value)
        for box in self.conditions.values():
            box.setVisible(chosen == OneHolderException.l1122_2.value)

    def choice(self) -> dict[str, object]:
        """The SignatureInput fields of the exception chosen (none when both holders sign)."""
        chosen = self.kind.currentData()
        if chosen is None:
            return {}
        return {"exception": chosen, "exception_document": self.document.text(),
                "conditions": tuple(name for name, box in self.conditions.items() if box.isChecked())}


class ConsentDialog(QDialog):
    """Asks only for the signers the rule needs for this participant at the date of signature; each signature
    is recorded through the consent service, and a refusal is shown beside the signer it concerns."""

    def __init__(self, ctx: Context, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._code = code
        self.setWindowTitle(self.tr("Record consent for {code}").format(code=code))
        self.setMinimumWidth(780)  # long refusals stay on one line: wrapped labels are clipped in a form row
        general = message_label()
        self.messages = FieldMessages(general)
        self.on = DateInput("date", ctx.today())
        self.time = QLineEdit()
        self.time.setPlaceholderText("HH:MM")
        self.time.setMaxLength(5)
        self.obtained_by = QLineEdit(ctx.actor)
        self.witness = QLineEdit()
        self.witness.setPlaceholderText(self.tr("optional"))
        when = QFormLayout()
        when.addRow(buddy_label(self.tr("&Date of signature:"), self.on), self.messages.beside("date", self.on))
        when.addRow(buddy_label(self.tr("&Time:"), self.time), self.messages.beside("time", self.time))
        when.addRow(buddy_label(self.tr("&Obtained by:"), self.obtained_by), self.obtained_by)
        when.addRow(buddy_label(self.tr("&Witness:"), self.witness), self.witness)
        self.signers_box = QGroupBox(self.tr("Signers"))
        self.signers: list[SignerFields] = []
        self._roles: tuple[list[Role], list[Role]] | None = None
        self.exemption: ExemptionFields | None = None
        buttons, self.record_button = accept_buttons(self, self.tr("&Record signatures"))
        layout = QVBoxLayout(self)
        layout.addLayout(when)
        layout.addWidget(self.signers_box)
        layout.addWidget(general)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.on.editingFinished.connect(self._show_signers)
        self._show_signers()

    def _date(self) -> date:
        return self.on.value() or self._ctx.today()

    def _show_signers(self) -> None:
        """One line per role the rule asks for at the date typed (a birthday can change who signs)."""
        try:
            required, optional = consent.required_roles(self._ctx, self._code, self._date())
        except InputError as error:
            self.messages.show(error)
            return
        if (required, optional) == self._roles:
            return  # the same signers: keep what was typed
        self._roles = (required, optional)
        if self.signers_box.layout() is not None:
            QWidget().setLayout(self.signers_box.layout())  # the usual Qt idiom to drop a layout and its rows
        form = QFormLayout(self.signers_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.signers = [SignerFields(role, role in required, self.messages, form) for role in required]
        self.signers += [SignerFields(role, False, self.messages, form) for role in optional]
        allowed = consent.one_holder_exceptions(self._ctx, self._code, self._date())
        first = self.signer(Role.holder1)
        self.exemption = ExemptionFields(allowed, first.field) if allowed and first else None

    def signer(self, role: Role) -> SignerFields | None:
        return next((fields for fields in self.signers if fields.role is role), None)

    def accept(self) -> None:
        """Record each filled signer in turn; stop at the first refusal and show it beside that signer."""
        self.messages.clear()
        try:
            on = self.on.value()
            if on is None:
                raise InputError(self.tr("Enter the date of signature."), field="date")
        except InputError as error:
            self.messages.show(error)
            return
        filled = [fields for fields in self.signers if fields.filled() and fields.name.isEnabled()]
        if not filled:
            self.messages.show(InputError(self.tr("Enter the name of at least one signer."),
                                          field=self.signers[0].role.value if self.signers else None))
            return
        for fields in filled:
            try:
                consent.sign(self._ctx, self._code, consent.SignatureInput(
                    fields.role.value, fields.name.text(), on, self.time.text(),
                    fields.relationship.text() if fields.relationship else None,
                    assent=fields.assent.currentData() if fields.assent else None,
                    obtained_by=self.obtained_by.text(), witness=self.witness.text(),
                    **(self.exemption.choice() if self.exemption and fields.role is Role.holder1 else {})))
            except InputError as error:
                self.messages.show(InputError(error.message, field=_where(error, fields.role)))
                return
            fields.name.setEnabled(False)  # recorded: its own record, kept even if a later signer is refused
        super().accept()


def _where(error: InputError, role: Role) -> str:
    """Errors about the date or time stay there; anything else concerns the signer being recorded."""
    return error.field if error.field in ("date", "time") else role.value
