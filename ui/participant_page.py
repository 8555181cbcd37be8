"""One participant: study data, identity, the actions that change them, and the history from the audit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator.audit.history import participant_history
from coordinator.consent import service as consent
from coordinator.consent.status import State
from coordinator.context import Context
from coordinator.eligibility import service as eligibility
from coordinator.participants.queries import ContactRow, get_participant
from coordinator.security.permissions import Permission
from coordinator.signatures import service as signatures
from coordinator.signatures.records import KINDS
from ui.consent_dialog import ConsentDialog
from ui.criteria_model import decision_text
from ui.eligibility_page import EligibilityPage
from ui.formats import show_date, show_utc_stamp
from ui.forms import WARNING_STYLE, heading_label, value_label
from ui.history_model import HistoryModel
from ui.identity_dialog import IdentityDialog, sex_label
from ui.participant_samples import ParticipantSamples
from ui.print_actions import participant_print_menu
from ui.signature_dialog import SignatureDialog, why_not_sign
from ui.signature_lines import SignatureLines, sentence_start
from ui.signed_in_user import permit
from ui.status_dialog import StatusDialog
from ui.tables import set_up_read_only_table
from ui.withdrawal_dialog import WithdrawalDialog


class ParticipantPage(QDialog):
    """Signals:
    changed(str): the participant's status or identity was changed here; carries the code.
    """

    changed = Signal(str)

    def __init__(self, ctx: Context, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._code = code
        self.resize(1000, 680)
        self.code = heading_label(1.4)
        self.status = value_label()
        self.study, self.site, self.arm, self.dates = value_label(), value_label(), value_label(), value_label()
        self.eligibility = value_label()
        self.name, self.birth, self.sex, self.contacts = value_label(), value_label(), value_label(), value_label()
        study_box = self._facts(self.tr("Study"), [
            (self.tr("Study:"), self.study), (self.tr("Site:"), self.site), (self.tr("Arm:"), self.arm),
            (self.tr("Status:"), self.status), (self.tr("Eligibility:"), self.eligibility),
            (self.tr("Dates:"), self.dates)])
        identity_box = self._facts(self.tr("Identity"), [
            (self.tr("Name:"), self.name), (self.tr("Birth date:"), self.birth), (self.tr("Sex:"), self.sex),
            (self.tr("Holders and contacts:"), self.contacts)])
        facts = QHBoxLayout()
        facts.addWidget(study_box, 1)
        facts.addWidget(identity_box, 1)
        self.consent_status, self.signatures = value_label(), value_label()
        consent_box = self._facts(self.tr("Consent"), [
            (self.tr("Consent:"), self.consent_status), (self.tr("Signatures:"), self.signatures)])
        self.signature_lines = SignatureLines(show_record=True)
        self.signatures_box = QGroupBox(self.tr("Electronic signatures"))
        QVBoxLayout(self.signatures_box).addWidget(self.signature_lines)

        self.eligibility_button = QPushButton(self.tr("&Eligibility…"))
        self.eligibility_button.setToolTip(self.tr("Record screening values, confirm eligibility and enroll"))
        self.eligibility_button.clicked.connect(self.open_eligibility)
        self.change_status_button = QPushButton(self.tr("Change &status…"))
        self.change_status_button.clicked.connect(self.change_status)
        self.correct_identity_button = QPushButton(self.tr("Correct &identity…"))
        self.correct_identity_button.clicked.connect(self.correct_identity)
        actions = QHBoxLayout()
        actions.addWidget(self.eligibility_button)
        actions.addWidget(self.change_status_button)
        actions.addWidget(self.correct_identity_button)
        self.record_consent_button = QPushButton(self.tr("Record &consent…"))
        self.record_consent_button.clicked.connect(self.record_consent)
        actions.addWidget(self.record_consent_button)
        self.withdraw_consent_button = QPushButton(self.tr("&Withdraw consent…"))
        self.withdraw_consent_button.clicked.connect(self.withdraw_consent)
        actions.addWidget(self.withdraw_consent_button)
        self.sign_button = QPushButton(self.tr("Si&gn…"))
        self.sign_button.setToolTip(self.tr("Sign the eligibility confirmation, the consent or the casebook"))
        self.sign_menu = QMenu(self.sign_button)
        self.sign_menu.setToolTipsVisible(True)
        for kind in KINDS.values():
            action = self.sign_menu.addAction(sentence_start(kind.describe(code.upper())) + "…")
            action.setData(kind.name)
            action.triggered.connect(lambda _checked=False, name=kind.name: self.open_signing(name))
        self.sign_menu.aboutToShow.connect(self._check_signing)
        self.sign_button.setMenu(self.sign_menu)
        actions.addWidget(self.sign_button)
        self.print_button = QPushButton(self.tr("&Print"))
        self.print_button.setToolTip(self.tr("The casebook or the consent checklist: a PDF, or a printer"))
        actions.addWidget(self.print_button)
        actions.addStretch(1)

        self.history_model = HistoryModel(self)
        self.history = QTableView()
        self.history.setModel(self.history_model)
        set_up_read_only_table(self.history)
        self.samples = ParticipantSamples(ctx, code)
        self.samples.changed.connect(lambda _sample: self.reload())  # the history shows what was recorded
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history, self.tr("&History (newest first)"))
        self.tabs.addTab(self.samples, self.tr("Sa&mples"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        layout.addLayout(facts)
        layout.addWidget(consent_box)
        layout.addWidget(self.signatures_box)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.reload()
        self.print_button.setMenu(participant_print_menu(self, ctx, self._detail.row.code, self._detail.row.study))

    def _facts(self, title: str, rows: list[tuple[str, QLabel]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, value in rows:
            form.addRow(text, value)
        return box

    def reload(self) -> None:
        """Read the participant and the history again (after a change made here)."""
        detail = get_participant(self._ctx, self._code)
        self._detail = detail
        row, definition = detail.row, detail.definition
        today = self._ctx.today()
        self.setWindowTitle(self.tr("Participant {code}").format(code=row.code))
        self.code.setText(row.code)
        self.study.setText(self.tr("{code} – {title} (registered under version {version})").format(
            code=row.study, title=definition.title, version=detail.study_version))
        site = definition.site(row.site)
        self.site.setText(f"{row.site} – {site.name}" if site else str(row.site))
        arm = definition.arm(row.arm) if row.arm else None
        self.arm.setText(f"{arm.code} – {arm.label}" if arm else (row.arm or self.tr("none yet")))
        self.status.setText(self.tr("{status} since {date}").format(
            status=row.status.label, date=show_date(detail.status_date)))
        self.eligibility.setText(self._eligibility_summary())
        self.dates.setText("\n".join(f"{label} {show_date(value)}" for label, value in (
            (self.tr("registered"), row.registered_on), (self.tr("enrolled"), row.enrolled_on),
            (self.tr("ended"), row.ended_on)) if value))
        self.name.setText(detail.full_name or self.tr("not recorded"))
        self.birth.setText(self.tr("{date} (age {age})").format(date=show_date(row.birth_date), age=row.age(today)))
        self.sex.setText(sex_label(detail.sex))
        self.contacts.setText("\n".join(self._contact_line(contact) for contact in detail.contacts) or "–")
        current = consent.status(self._ctx, row.code)
        self.consent_status.setText("\n".join([current.summary, *current.missing]) if current.state in (
            State.incomplete, State.reconsent_due) else current.summary)
        self.consent_status.setStyleSheet("" if current.is_current else WARNING_STYLE)
        self.signatures.setText("\n".join(
            self.tr("{date} {role}: {name} ({document} {version})").format(
                date=show_date(r.signed_on), role=r.role.label, name=r.name + (f", {r.assent}" if r.assent else ""),
                document=r.document, version=r.version)
            for r in consent.signatures_of(self._ctx, row.code)) or "–")
        final = row.status.is_final
        permit(self.change_status_button, self._ctx, Permission.RECORD, row.study, possible=not final,
               why_not=self.tr("The status is final: no further change is possible."))
        for button in (self.correct_identity_button, self.record_consent_button, self.withdraw_consent_button):
            permit(button, self._ctx, Permission.RECORD, row.study)
        self._show_signatures(row.study)
        self.history_model.set_lines(participant_history(self._ctx, row.code))
        self.history.resizeColumnsToContents()

    def _show_signatures(self, study: str) -> None:
        """Every electronic signature of the participant's records, each saying whether it still holds."""
        self.signature_lines.show_signatures(signatures.signatures_of(self._ctx, self._code))
        self.signatures_box.setVisible(bool(self.signature_lines.lines))
        permit(self.sign_button, self._ctx, Permission.SIGN, study)

    def _check_signing(self) -> None:
        """Just before the menu opens: each record that cannot be signed now is greyed, with the reason."""
        for action in self.sign_menu.actions():
            why = why_not_sign(self._ctx, action.data(), self._code)
            action.setEnabled(not why)
            action.setToolTip(why)

    def _eligibility_summary(self) -> str:
        """The verdict and whether an investigator confirmed it, in one line; the details are one click away."""
        current = eligibility.assessment(self._ctx, self._code)
        if current.subject.definition.eligibility is None:
            return self.tr("no criteria in the study file")
        confirmation = current.confirmation
        if confirmation is None:
            confirmed = self.tr("not confirmed")
        elif confirmation.current:
            confirmed = self.tr("confirmed by {who} on {date}").format(
                who=confirmation.by, date=show_utc_stamp(confirmation.at))
        else:
            confirmed = self.tr("values changed since the confirmation")
        return f"{decision_text(current.verdict, name_missing=False)} · {confirmed}"

    def _contact_line(self, contact: ContactRow) -> str:
        roles = {"holder1": self.tr("Holder 1"), "holder2": self.tr("Holder 2"), "guardian": self.tr("Guardian"),
                 "participant": self.tr("Participant")}
        parts = [f"{roles.get(contact.role, contact.role)}: {contact.name}"]
        if contact.relationship:
            parts[0] += f" ({contact.relationship})"
        parts += [part for part in (contact.phone, contact.email) if part]
        return ", ".join(parts)

    def open_eligibility(self) -> EligibilityPage:
        """Screening in a window of its own; whatever changes there shows here and in the main window."""
        page = EligibilityPage(self._ctx, self._code, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.changed.connect(lambda _code: self._after_change())
        page.open()
        return page

    def change_status(self) -> StatusDialog:
        return self._open(StatusDialog(self._ctx, self._detail, self))

    def record_consent(self) -> ConsentDialog:
        return self._open(ConsentDialog(self._ctx, self._code, self))

    def withdraw_consent(self) -> WithdrawalDialog:
        """A withdrawal that says "destroy samples" goes on to the samples to destroy, their positions and the
        certificate (the destruction dialog)."""
        from coordinator.consent.status import Scope
        from ui.destruction_dialog import DestructionDialog

        withdrawal = self._open(WithdrawalDialog(self._ctx, self._code, self))

        def destroy_samples() -> None:
            if withdrawal.scopes[Scope.samples].isChecked():
                destruction = DestructionDialog(self._ctx, self._code, self)
                destruction.changed.connect(lambda _code: self._after_change())
                self._open(destruction)

        withdrawal.accepted.connect(destroy_samples)
        return withdrawal

    def open_signing(self, kind: str) -> SignatureDialog:
        return self._open(SignatureDialog(self._ctx, kind, self._code, self))

    def correct_identity(self) -> IdentityDialog:
        return self._open(IdentityDialog(self._ctx, self._detail, self))

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def _after_change(self) -> None:
        self.reload()
        self.samples.reload()  # a withdrawal may ask for the samples to be destroyed
        self.changed.emit(self._code)
