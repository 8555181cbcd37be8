"""Registering a participant in the selected study: each refusal is shown beside the field at fault."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.participants import register
from coordinator.participants.register import ContactInput, Registration
from coordinator.studies import catalogue
from ui.date_input import DateInput
from ui.forms import WARNING_STYLE, FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, say

ADULT_AGE = 18
HOLDER_ROLES = ("holder1", "holder2")


class _HolderRow:
    """Name, relationship and phone of one holder of parental authority."""

    def __init__(self) -> None:
        self.name = QLineEdit()
        self.relationship = QLineEdit()
        self.phone = QLineEdit()

    def contact(self, role: str) -> ContactInput | None:
        """The contact typed, or None when the row is left empty (holders are optional)."""
        texts = (self.name.text(), self.relationship.text(), self.phone.text())
        if not any(text.strip() for text in texts):
            return None
        return ContactInput(role, texts[0], texts[1] or None, texts[2] or None)


class RegistrationDialog(QDialog):
    """Signals:
    registered(object): the participants.register.Registered result (new code and warnings).
    """

    registered = Signal(object)

    def __init__(self, ctx: Context, study_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._study = catalogue.current(ctx, study_code)
        self._touched: set[str] = set()
        definition = self._study.definition
        self.setWindowTitle(self.tr("Register a participant in {study}").format(study=self._study.code))
        self.setMinimumWidth(620)
        general = message_label()
        self.messages = FieldMessages(general)

        study = QLabel(f"{self._study.code} – {definition.title}")
        study.setWordWrap(True)
        self.site = QComboBox()
        for site in definition.sites:
            self.site.addItem(f"{site.number} – {site.name}", site.number)
        self.birth_date = DateInput("birth_date")
        self.age_warning = message_label(WARNING_STYLE)
        self.female = QRadioButton(self.tr("&Female (F)"))
        self.male = QRadioButton(self.tr("&Male (M)"))
        self.sex = QButtonGroup(self)
        sex_choice = QWidget()
        sex_layout = QHBoxLayout(sex_choice)
        sex_layout.setContentsMargins(0, 0, 0, 0)
        for value, button in (("F", self.female), ("M", self.male)):
            self.sex.addButton(button)
            button.setProperty("sex", value)
            sex_layout.addWidget(button)
        sex_layout.addStretch(1)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.registered_on = DateInput("registered_on", ctx.today())

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Study:"), study)
        form.addRow(buddy_label(self.tr("Si&te:"), self.site), self.messages.beside("site", self.site))
        birth = self.messages.beside("birth_date", self.birth_date)
        birth.layout().addWidget(self.age_warning)
        form.addRow(buddy_label(self.tr("&Birth date:"), self.birth_date), birth)
        form.addRow(self.tr("Sex:"), self.messages.beside("sex", sex_choice))
        form.addRow(buddy_label(self.tr("F&irst name:"), self.first_name), self.first_name)
        form.addRow(buddy_label(self.tr("&Last name:"), self.last_name), self.last_name)
        form.addRow(buddy_label(self.tr("Re&gistration date:"), self.registered_on),
                    self.messages.beside("registered_on", self.registered_on))

        self.holders = [_HolderRow(), _HolderRow()]
        holders_box = self._holders_box()
        holders_box.setVisible(definition.age.minimum is None or definition.age.minimum < ADULT_AGE)

        buttons, self.register_button = accept_buttons(self, self.tr("&Register"))
        lay_out_form(self, form, holders_box, general=general, buttons=buttons)

        for field, date_input in (("birth_date", self.birth_date), ("registered_on", self.registered_on)):
            date_input.editingFinished.connect(lambda field=field: self._check_as_typed(field))
        self.sex.buttonClicked.connect(lambda _button: self.messages.clear("sex"))
        self.site.currentIndexChanged.connect(lambda _index: self._check_as_typed("site"))

    def _holders_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Holders of parental authority (optional)"))
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, title in enumerate((self.tr("Name"), self.tr("Relationship"), self.tr("Phone")), start=1):
            grid.addWidget(QLabel(title), 0, column)
        for row, (title, holder) in enumerate(zip((self.tr("Holder &1:"), self.tr("Holder &2:")), self.holders,
                                                  strict=True), start=1):
            grid.addWidget(buddy_label(title, holder.name), row, 0)
            holder.relationship.setPlaceholderText(self.tr("e.g. mother"))
            for column, field in enumerate((holder.name, holder.relationship, holder.phone), start=1):
                grid.addWidget(field, row, column)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 2)
        rows.setFocusProxy(self.holders[0].name)
        QVBoxLayout(box).addWidget(self.messages.beside("contacts", rows))
        return box

    def _registration(self, *, complete: bool) -> Registration:
        """What was typed; a missing birth date (and, with `complete`, sex) is refused here in the user's words."""
        birth = self.birth_date.value()
        if birth is None:
            raise InputError(self.tr("Enter the birth date."), field="birth_date")
        checked = self.sex.checkedButton()
        if checked is None and complete:
            raise InputError(self.tr("Choose the sex."), field="sex")
        contacts = tuple(contact for role, holder in zip(HOLDER_ROLES, self.holders, strict=True)
                         if (contact := holder.contact(role)) is not None)
        return Registration(
            self._study.code, self.site.currentData(), birth, checked.property("sex") if checked else "",
            self.first_name.text(), self.last_name.text(), self.registered_on.value(), contacts)

    def _check_as_typed(self, field: str) -> None:
        """After leaving a field: check everything, but speak only of fields the user has already filled."""
        self._touched.add(field)
        self.messages.clear(field)
        say(self.age_warning, "")
        try:
            registration = self._registration(complete=False)
            register.check(self._ctx, registration)
        except InputError as error:
            if error.field in self._touched:
                self.messages.show(error, focus=False)
            if error.field in ("site", "birth_date", "registered_on"):
                return
        else:
            self.messages.clear()
        birth, registered_on = self.birth_date.value(), self.registered_on.value() or self._ctx.today()
        if birth is not None:
            say(self.age_warning, "\n".join(register.age_warnings(self._study, birth, registered_on)))

    def accept(self) -> None:
        """Register, or keep the dialog open with the message beside the field at fault; nothing is saved."""
        try:
            result = register.register(self._ctx, self._registration(complete=True))
        except InputError as error:
            self.messages.show(error)
            return
        self.registered.emit(result)
        super().accept()
