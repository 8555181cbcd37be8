"""A participant's screening: the criteria as a checklist with the values they read and their verdicts, a form to
record a source value, the investigator's confirmation, and enrollment.

A window of its own, opened from the participant page ("Eligibility…"), rather than a tab of that page: the
checklist needs the full width for the protocol's wording and the reasons, and the entry form sits under it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.assignment import risk
from coordinator.assignment.enrollment import Enrolled
from coordinator.context import Context
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.criteria import ENROLLMENT, CriterionResult, Decision
from coordinator.eligibility.entry import ValueInput
from coordinator.eligibility.rules import NONE, Observation
from coordinator.eligibility.service import Assessment, RecordedValue
from coordinator.eligibility.units import known_units
from coordinator.errors import InputError
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import ParticipantDetail, get_participant
from coordinator.studies.rule_schema import BUILT_IN_REFERENCES, ItemKind, rule_items
from ui.criteria_model import COLUMNS, CriteriaModel, decision_text, show_observation, stage_title
from ui.date_input import DateInput
from ui.enroll_dialog import EnrollDialog, enrolled_text
from ui.formats import show_date, show_utc_stamp
from ui.forms import (
    ERROR_STYLE,
    WARNING_STYLE,
    FieldMessages,
    buddy_label,
    heading_label,
    message_label,
    say,
    value_label,
)

SUCCESS_STYLE = "color: #1e6b2b;"
BANNER_COLOURS = {  # border, background: the verdict is always written out too
    Decision.eligible: ("#1e6b2b", "#e3f1e5"),
    Decision.not_eligible: ("#b3261e", "#fbe4e2"),
    Decision.incomplete: ("#8a5300", "#fff1cf"),
    None: ("#8895a7", "#eef1f5"),
}
FIXED_WIDTHS = {"id": 56, "category": 78, "values": 250, "verdict": 126}
MOST_LINES = 6  # a longer criterion (a table of limits) is elided; its full text is in the tooltip


def decided_on(detail: ParticipantDetail) -> date | None:
    """The day to assess the criteria on: today during screening; once screening is over, the day it ended (the
    enrollment, or the screen failure), so that a later change (consent withdrawn, a birthday) does not re-decide
    it. The values recorded since (a later stage, the risk group) are read all the same."""
    if detail.row.status is Status.screening:
        return None
    return detail.row.enrolled_on or detail.status_date


class VerdictBanner(QFrame):
    """The overall verdict, the investigator's confirmation and the other stages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.verdict = heading_label(1.2)
        self.confirmation = value_label()
        self.stages = value_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        for label in (self.verdict, self.confirmation, self.stages):
            layout.addWidget(label)

    def show_assessment(self, assessment: Assessment) -> None:
        definition = assessment.subject.definition
        if definition.eligibility is None:
            self._paint(None)
            self.verdict.setText(self.tr("No eligibility criteria"))
            say(self.confirmation, self.tr("The study file of {study} lists no eligibility criteria: enrollment "
                                           "checks consent only.").format(study=assessment.subject.study))
            say(self.stages, "")
            return
        verdict = assessment.verdict
        self._paint(verdict.decision)
        self.verdict.setText(decision_text(verdict))
        say(self.confirmation, self._confirmation(assessment))
        say(self.stages, "\n".join(
            f"{stage_title(stage)}: {decision_text(assessment.stage_verdict(stage))}"
            for stage in assessment.stages if stage != ENROLLMENT))

    def _paint(self, decision: Decision | None) -> None:
        border, background = BANNER_COLOURS[decision]
        self.setStyleSheet(f"QFrame#verdictBanner {{ background: {background}; border: 1px solid {border}; "
                           f"border-left: 6px solid {border}; border-radius: 3px; }}")

    def _confirmation(self, assessment: Assessment) -> str:
        confirmation = assessment.confirmation
        if confirmation is None:
            self.confirmation.setStyleSheet("")
            return self.tr("Not confirmed by an investigator yet.")
        at = show_utc_stamp(confirmation.at)
        confirmed = confirmation.decision.label
        if confirmation.decision is Decision.not_eligible:
            confirmed = self.tr("not eligible ({criteria})").format(criteria=", ".join(confirmation.criteria_not_met))
        elif confirmation.decision is Decision.eligible:
            confirmed = self.tr("eligible")
        if not confirmation.current:
            self.confirmation.setStyleSheet(WARNING_STYLE)
            return self.tr("Confirmed {verdict} by {who} at {at}, but values changed since the confirmation: "
                           "confirm again.").format(verdict=confirmed, who=confirmation.by, at=at)
        self.confirmation.setStyleSheet("")
        return self.tr("Confirmed {verdict} by {who} at {at}.").format(verdict=confirmed, who=confirmation.by, at=at)


class RiskLine(QFrame):
    """The risk group the study's rules give from the recorded values (REL-ALL), with the rule version and why.
    Computed here for display only; the service stores it when a value is recorded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskLine")
        self.setStyleSheet("QFrame#riskLine { background: #eef1f5; border: 1px solid #8895a7; border-radius: 3px; }")
        self.group = value_label()
        self.explanation = value_label()
        small = self.explanation.font()
        small.setPointSizeF(small.pointSizeF() * 0.92)
        self.explanation.setFont(small)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(2)
        layout.addWidget(self.group)
        layout.addWidget(self.explanation)

    def show_assessment(self, assessment: Assessment) -> None:
        rules = assessment.subject.definition.risk
        self.setVisible(rules is not None)
        if rules is None:
            return
        result = risk.compute(rules, assessment.subject.facts)
        self.group.setText(self.tr("Risk group: {group} · rules: {version}").format(
            group=result.label, version=result.version))
        self.explanation.setText(self.tr("Why: {why}.").format(why=result.explanation))


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


class EligibilityPage(QDialog):
    """Signals:
    changed(str): a value, the confirmation or the status changed here; carries the participant's code.
    """

    changed = Signal(str)

    def __init__(self, ctx: Context, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._code = code
        self._assessment: Assessment | None = None
        self._on: date | None = None
        self.confirm_question: QMessageBox | None = None
        self.setWindowTitle(self.tr("Eligibility of {code}").format(code=code))
        self.resize(1100, 720)
        self.heading = heading_label(1.3)
        self.situation = value_label()
        self.banner = VerdictBanner()
        self.risk = RiskLine()
        self.model = CriteriaModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self._set_up_table()
        self.entry = ValueEntry()
        self.entry.record_button.clicked.connect(self.record)

        self.outcome = message_label()
        self.confirm_button = QPushButton(self.tr("&Confirm eligibility…"))
        self.confirm_button.clicked.connect(self.confirm_eligibility)
        self.enroll_button = QPushButton(self.tr("&Enroll…"))
        self.enroll_button.clicked.connect(self.open_enrollment)
        for button in (self.confirm_button, self.enroll_button):
            button.setAutoDefault(False)  # never pressed by an Enter meant for the value form
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        actions = QHBoxLayout()
        actions.addWidget(self.confirm_button)
        actions.addWidget(self.enroll_button)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.situation)
        layout.addWidget(self.banner)
        layout.addWidget(self.risk)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.entry)
        layout.addWidget(self.outcome)
        layout.addLayout(actions)
        self.reload()

    def _set_up_table(self) -> None:
        """Protocol wording and reasons are long: wrapped, and rows measured (a study has a few dozen criteria)."""
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for column, key in enumerate(COLUMNS):
            if key in FIXED_WIDTHS:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                table.setColumnWidth(column, FIXED_WIDTHS[key])
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_sizes: self._fit_rows())
        self.model.modelReset.connect(self._after_reset)
        table.selectionModel().currentRowChanged.connect(self._on_row)
        table.clicked.connect(lambda index: self._on_row(index, index))  # the current row, clicked again

    def reload(self) -> None:
        self._on = decided_on(get_participant(self._ctx, self._code))
        self._show(eligibility.assessment(self._ctx, self._code, self._on))

    def _show(self, assessment: Assessment) -> None:
        self._assessment = assessment
        subject = assessment.subject
        definition = subject.definition
        self.heading.setText(self.tr("Eligibility of {code}").format(code=subject.code))
        status = Status(subject.status)
        arm = definition.arm(subject.arm) if subject.arm else None
        self.situation.setText(" · ".join(part for part in (
            f"{subject.study} – {definition.title}",
            self.tr("{status} since {date}").format(status=status.label, date=show_date(subject.status_date)),
            self.tr("arm {arm}").format(arm=f"{arm.code} – {arm.label}") if arm else "",
            self.tr("criteria as on {date}").format(date=show_date(self._on)) if self._on else "") if part))
        self.banner.show_assessment(assessment)
        self.risk.show_assessment(assessment)
        selected = self._selected_criterion()
        self.model.set_assessment(assessment)
        self.entry.set_assessment(assessment)
        self.entry.setVisible(definition.eligibility is not None)
        if selected is not None and (row := self.model.row_of(selected)) is not None:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
        screening = status is Status.screening
        why = "" if screening else self.tr("{code} is not in screening ({status}).").format(
            code=subject.code, status=status.label)
        for button in (self.confirm_button, self.enroll_button):
            button.setEnabled(screening)
            button.setToolTip(why)
        self.confirm_button.setEnabled(screening and definition.eligibility is not None)

    def _after_reset(self) -> None:
        self.table.clearSpans()
        for row in self.model.heading_rows():
            self.table.setSpan(row, 0, 1, len(COLUMNS))
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text, up to MOST_LINES lines."""
        self.table.resizeRowsToContents()
        tallest = self.table.fontMetrics().lineSpacing() * MOST_LINES + 2
        for row in range(self.model.rowCount()):
            if self.table.rowHeight(row) > tallest:
                self.table.setRowHeight(row, tallest)

    def _selected_criterion(self) -> str | None:
        index = self.table.currentIndex()
        result = self.model.result_at(index.row()) if index.isValid() else None
        return result.criterion.id if result else None

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        result = self.model.result_at(current.row()) if current.isValid() else None
        if result is not None:
            self.entry.show_criterion(result)

    def select_criterion(self, criterion: str) -> None:
        """Select a criterion's row, as a click does: the form then asks for what it reads."""
        row = self.model.row_of(criterion)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    @property
    def assessment(self) -> Assessment | None:
        return self._assessment

    def record(self) -> None:
        """Record the value typed; a refusal stays beside its field and nothing is stored."""
        self.entry.messages.clear()
        say(self.outcome, "")
        try:
            given, reason = self.entry.entered()
            assessment = eligibility.record(self._ctx, self._code, [given], reason)
        except InputError as error:
            self.entry.messages.show(error)
            return
        recorded = self.entry.current()
        if self._on is None:
            self._show(assessment)
        else:
            self.reload()
        self._tell(self.tr("Recorded: {what}.").format(
            what=recorded.item.label if recorded and recorded.item else given.target))
        self._on_row(self.table.currentIndex(), QModelIndex())  # on to what the criterion still needs
        self.changed.emit(self._code)

    def confirm_eligibility(self) -> QMessageBox | None:
        """Ask the investigator, naming the verdict; a case the service refuses goes to it straight away."""
        current = self._assessment
        if current is None:
            return None
        verdict = current.verdict
        if verdict.decision is Decision.incomplete or Status(current.subject.status) is not Status.screening:
            self._confirm()
            return None
        if verdict.decision is Decision.eligible:
            text = self.tr("Confirm, as investigator, that {code} is eligible?\n\nYour name ({who}) and the time are "
                           "recorded with the values this verdict is based on.").format(
                code=current.code, who=self._ctx.actor)
            answer = self.tr("Confirm: eligible")
        else:
            texts = {r.criterion.id: r.criterion.text for r in current.results}
            text = self.tr("Confirm, as investigator, that {code} is not eligible?\n\n{criteria}\n\nThis ends the "
                           "screening: {code} becomes a screen failure, with these criteria as the reason.").format(
                code=current.code, criteria="\n".join(f"{c}: {texts[c]}" for c in verdict.failing))
            answer = self.tr("Confirm: not eligible")
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Confirm eligibility"), text,
                          QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton(answer, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(yes)
        box.finished.connect(lambda _result: self._confirm() if box.clickedButton() == yes else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm_question = box
        box.open()
        return box

    def _confirm(self) -> None:
        self.confirm_question = None
        try:
            assessment = eligibility.confirm(self._ctx, self._code)
        except InputError as error:
            self._tell(error.message, ERROR_STYLE)
            return
        self._show(assessment)
        self._tell(self.tr("Eligibility confirmed: {verdict}.").format(verdict=assessment.verdict.decision.label))
        self.changed.emit(self._code)

    def open_enrollment(self) -> EnrollDialog | None:
        if self._assessment is None:
            return None
        say(self.outcome, "")
        dialog = EnrollDialog(self._ctx, self._assessment, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.enrolled.connect(self._after_enrollment)
        dialog.open()
        return dialog

    def _after_enrollment(self, result: Enrolled) -> None:
        self.reload()
        self._tell(enrolled_text(result))
        self.changed.emit(self._code)

    def _tell(self, text: str, style: str = SUCCESS_STYLE) -> None:
        self.outcome.setStyleSheet(style)
        say(self.outcome, text)



def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
