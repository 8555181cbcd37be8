"""A participant's screening: the criteria as a checklist with the values they read and their verdicts, a form to
record a source value, the investigator's confirmation, and enrollment.

A window of its own, opened from the participant page ("Eligibility…"), rather than a tab of that page: the
checklist needs the full width for the protocol's wording and the reasons, and the entry form sits under it.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.assignment.enrollment import Enrolled
from coordinator.context import Context
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.service import Assessment
from coordinator.errors import InputError
from coordinator.participants.lifecycle import Status
from coordinator.security.permissions import Permission
from coordinator.signatures import service as signatures
from coordinator.signatures.records import ELIGIBILITY
from ui.criteria_model import COLUMNS, CriteriaModel
from ui.enroll_dialog import EnrollDialog, enrolled_text
from ui.formats import show_date
from ui.forms import (
    ERROR_STYLE,
    heading_label,
    message_label,
    say,
    value_label,
)
from ui.signature_dialog import SignatureDialog, why_not_sign
from ui.signature_lines import SignatureLines
from ui.signed_in_user import permit
from ui.value_entry import ValueEntry
from ui.verdict_banner import RiskLine, VerdictBanner

SUCCESS_STYLE = "color: #1e6b2b;"
FIXED_WIDTHS = {"id": 56, "category": 78, "values": 250, "verdict": 126}
MOST_LINES = 6  # a longer criterion (a table of limits) is elided; its full text is in the tooltip


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
        self.confirm_question: QMessageBox | None = None
        self.setWindowTitle(self.tr("Eligibility of {code}").format(code=code))
        self.resize(1100, 720)
        self.heading = heading_label(1.3)
        self.situation = value_label()
        self.banner = VerdictBanner()
        self.risk = RiskLine()
        self.signature_lines = SignatureLines()
        self.sign_button = QPushButton(self.tr("Si&gn…"))
        self.sign_button.setAutoDefault(False)
        self.sign_button.clicked.connect(self.open_signing)
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
        actions.addWidget(self.sign_button)
        actions.addWidget(self.enroll_button)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.situation)
        layout.addWidget(self.banner)
        layout.addWidget(self.signature_lines)
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
        self._show(eligibility.assessment(self._ctx, self._code))

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
            self.tr("criteria as on {date}").format(date=show_date(assessment.decided_on))
            if assessment.decided_on else "") if part))
        self.banner.show_assessment(assessment)
        self.risk.show_assessment(assessment)
        selected = self._selected_criterion()
        self.model.set_assessment(assessment)
        self.entry.set_assessment(assessment)
        self.entry.setVisible(definition.eligibility is not None and self._ctx.may(Permission.RECORD, subject.study))
        if selected is not None and (row := self.model.row_of(selected)) is not None:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
        screening = status is Status.screening
        why = "" if screening else self.tr("{code} is not in screening ({status}).").format(
            code=subject.code, status=status.label)
        permit(self.confirm_button, self._ctx, Permission.CONFIRM_ELIGIBILITY, subject.study,
               possible=screening and definition.eligibility is not None, why_not=why)
        permit(self.enroll_button, self._ctx, Permission.RECORD, subject.study, possible=screening, why_not=why)
        self._show_signatures()

    def _show_signatures(self) -> None:
        """The confirmation's signatures under the verdict; Sign… for an investigator once there is a current
        confirmation (the tooltip says why not otherwise, in the service's words)."""
        self.signature_lines.show_signatures(signatures.signatures_of(self._ctx, self._code, ELIGIBILITY.name))
        why = why_not_sign(self._ctx, ELIGIBILITY.name, self._code)
        self.sign_button.setEnabled(not why)
        self.sign_button.setToolTip(why or self.tr("Sign the eligibility confirmation electronically"))

    def open_signing(self) -> SignatureDialog:
        dialog = SignatureDialog(self._ctx, ELIGIBILITY.name, self._code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.signed.connect(self._after_signing)
        dialog.open()
        return dialog

    def _after_signing(self, _view: object) -> None:
        self.reload()
        self._tell(self.tr("Eligibility confirmation signed."))
        self.changed.emit(self._code)

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
        self._show(assessment)
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
        shown = verdict.decision
        box.finished.connect(lambda _result: self._confirm(shown) if box.clickedButton() == yes else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm_question = box
        box.open()
        return box

    def _confirm(self, shown: Decision | None = None) -> None:
        self.confirm_question = None
        try:
            assessment = eligibility.confirm(self._ctx, self._code, shown)
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
