"""Signing a record electronically: what is signed, in words; the meaning, chosen (never preselected); the
password again; and the statement the signer makes by signing (21 CFR 11.50, 11.100(c), 11.200(a))."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QWidget

from coordinator.context import Context
from coordinator.errors import CoordinatorError, InputError, NotPermitted, RuleViolation
from coordinator.signatures import service as signatures
from coordinator.signatures.meanings import MEANINGS, statement
from coordinator.signatures.service import SignatureView
from ui import messages
from ui.forms import FieldMessages, accept_buttons, buddy_label, heading_label, lay_out_form, message_label, value_label
from ui.tasks import run_task


def why_not_sign(ctx: Context, kind: str, code: str) -> str:
    """Why the signed-in user cannot sign this record now, in the service's words; empty when they can. A window
    greys its Sign… button with it as the tooltip."""
    try:
        signatures.check_signable(ctx, kind, code)
    except (NotPermitted, RuleViolation) as refused:
        return refused.message
    return ""


class SignatureDialog(QDialog):
    """Stays open on a refusal (wrong password, no meaning, a record not ready), with the reason in it.

    Signals:
        signed(object): the SignatureView just recorded, before the dialog closes.
    """

    signed = Signal(object)

    def __init__(self, ctx: Context, kind: str, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._kind = signatures.kind_named(kind)
        self._code = code.upper()
        what = self._kind.describe(self._code)
        self.setWindowTitle(self.tr("Sign {what}").format(what=what))
        self.setMinimumWidth(560)
        self.what = heading_label(1.15)
        self.what.setText(self.tr("You are signing {what}.").format(what=what))
        self.signer = value_label()
        self.signer.setText(self.tr("Signer: {name} ({login})").format(name=ctx.user.full_name, login=ctx.actor))
        general = message_label()
        self.messages = FieldMessages(general)

        self.meaning = QComboBox()
        self.meaning.setPlaceholderText(self.tr("Choose what your signature means"))
        for meaning in MEANINGS:
            self.meaning.addItem(meaning.label.capitalize(), meaning.value)
        self.meaning.setCurrentIndex(-1)  # no default: the signer states the meaning
        self.meaning_sentence = value_label()
        self.meaning_sentence.hide()
        self.meaning.currentIndexChanged.connect(self._on_meaning)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.textEdited.connect(lambda _text: self.messages.clear("password"))
        meaning_field = self.messages.beside("meaning", self.meaning)
        meaning_field.layout().addWidget(self.meaning_sentence)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&Meaning:"), self.meaning), meaning_field)
        form.addRow(buddy_label(self.tr("&Password:"), self.password), self.messages.beside("password", self.password))

        self.statement = value_label()
        self.statement.setText(statement(ctx.user.full_name))
        self.statement.setStyleSheet("QLabel { background: #eef1f5; border: 1px solid #8895a7; border-radius: 3px; "
                                     "padding: 8px; }")
        buttons, self.sign_button = accept_buttons(self, self.tr("&Sign"))
        lay_out_form(self, self.what, self.signer, form, self.statement, general=general, buttons=buttons)
        self.password.setFocus()

    def _on_meaning(self, index: int) -> None:
        self.messages.clear("meaning")
        chosen = MEANINGS[index] if index >= 0 else None
        self.meaning_sentence.setText(f"“{chosen.sentence}”" if chosen else "")
        self.meaning_sentence.setVisible(chosen is not None)

    def accept(self) -> None:
        """Sign in the database thread (the password check takes a tenth of a second on purpose)."""
        self.messages.clear()
        ctx, kind, code = self._ctx, self._kind.name, self._code
        meaning, password = self.meaning.currentData(), self.password.text()
        self.sign_button.setEnabled(False)
        run_task(self, self.tr("Signing…"), lambda: signatures.sign(ctx, kind, code, meaning, password),
                 self._signed, self._refused)

    def _signed(self, view: SignatureView) -> None:
        self.signed.emit(view)
        super().accept()

    def _refused(self, error: BaseException) -> None:
        self.sign_button.setEnabled(True)
        self.sign_button.setDefault(True)  # Enter signs again once the password is retyped
        if isinstance(error, NotPermitted):  # a wrong password, a locked account: said beside the password
            self.password.clear()
            self.messages.show(InputError(error.message, field="password"))
        elif isinstance(error, InputError):
            self.messages.show(error)
        elif isinstance(error, CoordinatorError):
            self.messages.show(InputError(error.message))
        else:
            messages.report(error, self)
            return
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Taller when a refusal needs more lines than the room left, so no message is cut off."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)
