"""The form that records one source value: it follows the item (number with unit, choice, yes/no, date)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.eligibility.criteria import CriterionResult
from coordinator.eligibility.entry import ValueInput
from coordinator.eligibility.rules import NONE, Observation
from coordinator.eligibility.service import Assessment, RecordedValue
from coordinator.eligibility.units import known_units
from coordinator.errors import InputError
from coordinator.studies.rule_schema import BUILT_IN_REFERENCES, ItemKind, rule_items
from ui.criteria_model import show_observation
from ui.date_input import DateInput
from ui.formats import show_date
from ui.forms import (
    FieldMessages,
    buddy_label,
    message_label,
    value_label,
)


class ValueEntry(QGroupBox):
    """The form for one source value: the input follows the item (a number with its units, a choice, yes/no, a
    date), the reason appears when the value is already recorded, and refusals show beside the field at fault."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Record a value"))
        self._values: dict[str, RecordedValue] = {}
        self._assessment: Assessment | None = None
        self.general = message_label()
        self.messages = FieldMessages(self.general)
        self.target = QComboBox()
        self.target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target.setMinimumContentsLength(24)
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("a number, e.g. 0.8"))
        self.choice = QComboBox()
        self.choice.setPlaceholderText(self.tr("choose"))
        self.yes_no = QComboBox()
        self.yes_no.addItem(self.tr("Yes"), "yes")
        self.yes_no.addItem(self.tr("No"), "no")
        self.yes_no.setPlaceholderText(self.tr("choose yes or no"))
        self.date_value = DateInput("value")
        self.never = QCheckBox(self.tr("never (none)"))
        date_box = QWidget()
        date_layout = QHBoxLayout(date_box)
        date_layout.setContentsMargins(0, 0, 0, 0)
        date_layout.addWidget(self.date_value)
        date_layout.addWidget(self.never)
        date_layout.addStretch(1)
        self.never.toggled.connect(lambda on: self.date_value.setEnabled(not on))
        self.value = QWidget()  # holds the one input the item takes; the others are hidden
        value_layout = QVBoxLayout(self.value)
        value_layout.setContentsMargins(0, 0, 0, 0)
        self._inputs = {ItemKind.number: self.number, ItemKind.choice: self.choice, ItemKind.yes_no: self.yes_no,
                        ItemKind.date: date_box}
        for widget in self._inputs.values():
            value_layout.addWidget(widget)
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.uln = QLineEdit()
        self.uln.setPlaceholderText(self.tr("the laboratory's limit, in the value's unit"))
        self.measured_on = DateInput("date")
        self.source = QLineEdit()
        self.source.setPlaceholderText(self.tr("e.g. laboratory report, medical record"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("required to change a recorded value"))
        self.recorded = value_label()
        self.hint = value_label()
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.record_button = QPushButton(self.tr("&Record value"))
        self.record_button.setDefault(True)  # Enter in any field of the form records the value

        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(buddy_label(self.tr("Value &for:"), self.target), self.messages.beside("criterion", self.target))
        self._value_field = self.messages.beside("value", self.value)
        left.addRow(buddy_label(self.tr("&Value:"), self.value), self._value_field)
        self._unit_field = self.messages.beside("unit", self.unit)
        left.addRow(buddy_label(self.tr("&Unit:"), self.unit), self._unit_field)
        self._uln_field = self.messages.beside("uln", self.uln)
        left.addRow(buddy_label(self.tr("Upper limit of &normal:"), self.uln), self._uln_field)
        right = QFormLayout()
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._date_field = self.messages.beside("date", self.measured_on)
        right.addRow(buddy_label(self.tr("&Date measured:"), self.measured_on), self._date_field)
        right.addRow(buddy_label(self.tr("S&ource:"), self.source), self.messages.beside("source", self.source))
        self._reason_field = self.messages.beside("reason", self.reason)
        right.addRow(buddy_label(self.tr("Reason for c&hange:"), self.reason), self._reason_field)
        self._left, self._right = left, right
        forms = QHBoxLayout()
        forms.addLayout(left, 1)
        forms.addSpacing(16)
        forms.addLayout(right, 1)
        bottom = QHBoxLayout()
        notes = QVBoxLayout()
        notes.addWidget(self.recorded)
        notes.addWidget(self.hint)
        notes.addWidget(self.general)
        bottom.addLayout(notes, 1)
        bottom.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(forms)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self.target.currentIndexChanged.connect(self._on_target)

    def set_assessment(self, assessment: Assessment) -> None:
        """The targets the study offers (items, then criteria answered yes or no); the chosen one is kept."""
        self._assessment = assessment
        self._values = {value.key: value for value in assessment.values}
        kept = self.target.currentData()
        texts = {result.criterion.id: result.criterion.text for result in assessment.results}
        self.target.blockSignals(True)
        self.target.clear()
        for value in assessment.values:
            if value.item is not None:
                self.target.addItem(f"{value.item.label} ({value.key})", value.key)
            else:
                self.target.addItem(self.tr("{id} (yes/no): {text}").format(id=value.key, text=texts.get(
                    value.key, "")), value.key)
            self.target.setItemData(self.target.count() - 1, self.target.itemText(self.target.count() - 1),
                                    Qt.ItemDataRole.ToolTipRole)
        self.target.setCurrentIndex(max(0, self.target.findData(kept)) if kept else 0)
        self.target.blockSignals(False)
        self._on_target()

    def show_target(self, key: str) -> None:
        index = self.target.findData(key)
        if index >= 0:
            if index == self.target.currentIndex():
                self._on_target()
            else:
                self.target.setCurrentIndex(index)

    def show_criterion(self, result: CriterionResult) -> None:
        """Fill the form for what a criterion reads: the value still missing first, or the group deciding it."""
        criterion = result.criterion
        definition = self._assessment.subject.definition if self._assessment else None
        if criterion.rule is None:
            self.show_target(criterion.id)
            return
        names = [name for name in rule_items(criterion.rule) if name not in BUILT_IN_REFERENCES]
        assignment = definition.assignment if definition else None
        if criterion.groups and assignment is not None and self._observation(assignment.item) is None:
            names.insert(0, assignment.item)
        if not names:
            self.hint.setText(self.tr("{id} is computed from the birth date and the consent: there is nothing to "
                                      "record for it.").format(id=criterion.id))
            return
        wanted = next((name for name in names if self._observation(name) is None), names[0])
        self.show_target(wanted)
        if len(names) > 1:
            labels = [self._values[name].item.label for name in names if name in self._values and
                      self._values[name].item is not None]
            self.hint.setText(self.tr("{id} reads {items}: choose each in “Value for”.").format(
                id=criterion.id, items=", ".join(labels)))

    def _observation(self, key: str) -> Observation | None:
        recorded = self._values.get(key)
        return recorded.observation if recorded else None

    def current(self) -> RecordedValue | None:
        return self._values.get(self.target.currentData())

    def _on_target(self) -> None:
        """Show the inputs this item takes, filled with what is recorded (a correction starts from it)."""
        self.messages.clear()
        recorded = self.current()
        if recorded is None:
            return
        item, observation = recorded.item, recorded.observation
        kind = item.kind if item is not None else ItemKind.yes_no
        for shown, widget in self._inputs.items():
            widget.setVisible(shown is kind)
        self.value.setFocusProxy(self.date_value if kind is ItemKind.date else self._inputs[kind])
        value = observation.value if observation else ""
        self.number.setText(value if kind is ItemKind.number else "")
        self.choice.clear()
        if item is not None and kind is ItemKind.choice:
            for code, label in item.choices.items():
                self.choice.addItem(label if label.upper() == code else f"{label} ({code})", code)
        self.choice.setCurrentIndex(self.choice.findData(value) if kind is ItemKind.choice else -1)
        self.yes_no.setCurrentIndex(self.yes_no.findData(value) if kind is ItemKind.yes_no else -1)
        self.never.setVisible(bool(item is not None and item.none_allowed))
        self.never.setChecked(kind is ItemKind.date and value == NONE)
        self.date_value.setText(show_date(_iso_date(value)) if kind is ItemKind.date and value != NONE else "")
        self.unit.clear()
        if item is not None and kind is ItemKind.number:
            self.unit.addItems(known_units(item))
            self.unit.setCurrentText((observation.unit if observation else None) or item.unit or "")
        self.uln.setText(f"{observation.uln:g}" if observation and observation.uln is not None else "")
        self.measured_on.set_value(observation.measured_on if observation else None)
        self.source.setText(observation.source or "" if observation else "")
        self.reason.clear()
        self._left.setRowVisible(self._unit_field, kind is ItemKind.number)
        self._left.setRowVisible(self._uln_field, bool(item is not None and item.uln))
        self._right.setRowVisible(self._date_field, kind is not ItemKind.date)
        self._right.setRowVisible(self._reason_field, observation is not None)
        self.recorded.setText(self.tr("Recorded: {value}{source}").format(
            value=show_observation(item, observation),
            source=self.tr(" · source: {source}").format(source=observation.source) if observation.source else "")
            if observation else self.tr("Not recorded yet."))
        self.hint.setText(self._readers(recorded.key))

    def _readers(self, key: str) -> str:
        if self._assessment is None:
            return ""
        readers = [r.criterion.id for r in self._assessment.results
                   if r.criterion.id == key or (r.criterion.rule is not None and key in rule_items(r.criterion.rule))]
        assignment = self._assessment.subject.definition.assignment
        if assignment is not None and key == assignment.item:
            return self.tr("Decides the arm, and which criteria apply.")
        return self.tr("Read by {criteria}.").format(criteria=", ".join(readers)) if readers else ""

    def entered(self) -> tuple[ValueInput, str]:
        """The value as typed, and the reason for a change; InputError (naming the field) for an unreadable date."""
        recorded = self.current()
        if recorded is None:
            raise InputError(self.tr("Choose what the value is for."), field="criterion")
        item = recorded.item
        kind = item.kind if item is not None else ItemKind.yes_no
        if kind is ItemKind.number:
            value = self.number.text()
        elif kind is ItemKind.choice:
            value = self.choice.currentData() or ""
        elif kind is ItemKind.yes_no:
            value = self.yes_no.currentData() or ""
        elif self.never.isChecked():
            value = NONE
        else:
            when = self.date_value.value()
            value = when.isoformat() if when else ""
        measured = self.measured_on.value() if kind is not ItemKind.date else None
        return ValueInput(
            recorded.key, value, unit=self.unit.currentText() if kind is ItemKind.number else None,
            measured_on=measured, source=self.source.text(),
            uln=self.uln.text() if item is not None and item.uln else None), self.reason.text()


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
