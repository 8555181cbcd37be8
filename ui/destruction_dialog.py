"""After a withdrawal of consent with "destroy samples": every sample of the participant and what it asks of the
site (destroy it here, from its position; tell the lab it was shipped to; nothing, it is gone already), the
certificate to print and sign, then one confirmation that marks them all destroyed, audited."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import CoordinatorError
from coordinator.samples.custody import Event
from coordinator.samples.queries import EventRow, SampleRow
from coordinator.samples.withdrawal import DestructionList, confirm_destruction, destruction_list
from coordinator.security.permissions import Permission
from ui.formats import show_date
from ui.forms import ERROR_STYLE, heading_label, message_label, say, value_label
from ui.sample_forms import ask_pdf_path, show_moment, write_pdf
from ui.screening_log_dialog import SUCCESS_STYLE
from ui.signed_in_user import permit

COLUMNS_SHOWN = 6  # sample, type, volume left, status, where, to do
GONE_TEXT = QColor("#6b6b6b")


class DestructionDialog(QDialog):
    """Signals:
    changed(str): the samples were marked destroyed; carries the participant's code.
    """

    changed = Signal(str)

    def __init__(self, ctx: Context, participant_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._code = participant_code.strip().upper()
        self.listed: DestructionList | None = None
        self.setWindowTitle(self.tr("Samples to destroy: {code}").format(code=self._code))
        self.resize(1040, 560)
        self.heading = heading_label(1.25)
        self.heading.setText(self.tr("Samples of {code} to destroy").format(code=self._code))
        self.about = value_label()
        self.summary = value_label()
        self.samples = QTreeWidget()
        self.samples.setColumnCount(COLUMNS_SHOWN)
        self.samples.setHeaderLabels([self.tr("Sample"), self.tr("Type"), self.tr("Left"), self.tr("Status"),
                                      self.tr("Where"), self.tr("To do")])
        self.samples.setRootIsDecorated(False)
        self.samples.setUniformRowHeights(True)
        self.samples.setAlternatingRowColors(True)
        self.samples.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.samples.setStyleSheet("QTreeView::item { padding: 2px 0; }")
        self.samples.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.samples.header().setStretchLastSection(True)
        metrics = self.fontMetrics()
        for column, sample in enumerate(("ELIT-AML01-000000-00MM", "BM_MRD", "000.5 mL", "destroyedMM",
                                         "LN2/R1/PRODUCTS-01/A10MMM")):
            self.samples.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
        self.problem = message_label(ERROR_STYLE)
        self.outcome = message_label(SUCCESS_STYLE)

        self.print_button = QPushButton(self.tr("&Print certificate…"))
        self.print_button.setToolTip(self.tr("The destruction certificate as a PDF, listing the samples and their "
                                             "positions, to sign when they are destroyed"))
        self.print_button.clicked.connect(self.print_certificate)
        self.confirm_button = QPushButton(self.tr("&Confirm destruction…"))
        self.confirm_button.setToolTip(self.tr("Mark the samples at the site destroyed, once they are"))
        self.confirm_button.clicked.connect(self.ask_confirmation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setAutoDefault(False)  # destruction is never the answer to a stray Enter
        self.question: QMessageBox | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.about)
        layout.addWidget(self.summary)
        layout.addWidget(self.samples, 1)
        layout.addWidget(self.problem)
        bottom = QHBoxLayout()
        bottom.addWidget(self.outcome, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        """Read the list again; a consent that does not ask for destruction (any more) is said, nothing offered."""
        try:
            listed = destruction_list(self._ctx, self._code)
        except CoordinatorError as error:
            self.listed = None
            say(self.problem, error.message)
            self.about.setText("")
            self.summary.setText("")
            self.samples.clear()
            for button in (self.print_button, self.confirm_button):
                button.setEnabled(False)
            return
        say(self.problem, "")
        self.listed = listed
        self.about.setText(self.tr("Consent withdrawn on {date} with \u201cdestroy samples\u201d. Certificate "
                                   "{number}.").format(date=show_date(listed.withdrawn_on),
                                                       number=listed.certificate_number))
        here, shipped, gone = len(listed.to_destroy), len(listed.elsewhere), len(listed.destroyed)
        self.summary.setText(" · ".join([
            self.tr("1 sample to destroy at the site") if here == 1
            else self.tr("{count} samples to destroy at the site").format(count=here),
            self.tr("{count} shipped: tell the destination").format(count=shipped),
            self.tr("{count} already destroyed or used").format(count=gone)]))
        self._fill(listed)
        permit(self.print_button, self._ctx, Permission.READ, listed.study or None,
               possible=bool(listed.to_destroy or listed.elsewhere or listed.destroyed),
               why_not=self.tr("The participant has no sample."))
        permit(self.confirm_button, self._ctx, Permission.RECORD, listed.study or None,
               possible=bool(listed.to_destroy), why_not=self.tr("No sample is left to destroy at the site."))

    def _fill(self, listed: DestructionList) -> None:
        self.samples.clear()
        groups = (
            (self.tr("To destroy at the site"), listed.to_destroy, self._here),
            (self.tr("Shipped: the destination must destroy them"), listed.elsewhere, self._shipped),
            (self.tr("Already destroyed or used"), listed.destroyed, self._gone),
        )
        bold = QFont(self.samples.font())
        bold.setBold(True)
        for title, rows, describe in groups:
            if not rows:
                continue
            group = QTreeWidgetItem([f"{title} ({len(rows)})"])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.samples.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)  # once in the tree: spanning is the view's business
            for row in rows:
                where, to_do = describe(row)
                item = QTreeWidgetItem([row.code, row.type_id, row.remaining_text, row.status.label, where, to_do])
                item.setToolTip(0, self.tr("Participant {participant}, collected {at}").format(
                    participant=row.participant, at=show_moment(row.collected_at)))
                if describe is self._gone:
                    for column in range(COLUMNS_SHOWN):
                        item.setForeground(column, QBrush(GONE_TEXT))
                self.samples.addTopLevelItem(item)
        if not self.samples.topLevelItemCount():
            self.samples.addTopLevelItem(QTreeWidgetItem([self.tr("The participant has no sample.")]))

    def _here(self, row: SampleRow) -> tuple[str, str]:
        return (row.location or self.tr("not in a box ({status})").format(status=row.status.label),
                self.tr("destroy"))

    def _shipped(self, row: SampleRow) -> tuple[str, str]:
        """Where it went, from its last shipping event (the destination must be told)."""
        shipped = self._last_event(row.code, Event.shipped)
        if shipped is None:
            return "", self.tr("notify the destination")
        return shipped.destination or "", self.tr("notify: manifest {manifest} of {date}").format(
            manifest=shipped.manifest or "", date=show_moment(shipped.at))

    def _gone(self, row: SampleRow) -> tuple[str, str]:
        """Where it was when it was destroyed (or used), and when."""
        last = self._last_event(row.code, Event.destroyed, Event.used)
        if last is None:
            return "", self.tr("nothing")
        return (self.tr("was at {where}").format(where=last.location) if last.location else "",
                self.tr("nothing: {status} on {date}").format(status=row.status.label, date=show_moment(last.at)))

    def _last_event(self, code: str, *events: Event) -> EventRow | None:
        """The sample's latest custody event, read with the list, when it is of one of these kinds."""
        last = self.listed.last_event(code) if self.listed is not None else None
        return last if last is not None and last.event in events else None

    def rows(self) -> list[list[str]]:
        """The list as shown, one list of texts per line (group titles included): for tests and screen readers."""
        return [[self.samples.topLevelItem(i).text(c) for c in range(COLUMNS_SHOWN)]
                for i in range(self.samples.topLevelItemCount())]

    # --- the certificate -----------------------------------------------------------------------------------------

    def print_certificate(self) -> None:
        """Ask where, then write the certificate PDF in the database thread."""
        if self.listed is None:
            return
        target = ask_pdf_path(self, self.tr("Save the destruction certificate"),
                              f"destruction-certificate-{self.listed.certificate_number}.pdf")
        if target is None:
            return
        from coordinator.documents.destruction_certificate import print_destruction_certificate  # ReportLab

        ctx, code = self._ctx, self._code

        def work() -> Path:
            return print_destruction_certificate(ctx, code, target)

        write_pdf(self, self.tr("Writing the destruction certificate…"), work, self.outcome, self.print_button)

    # --- the confirmation ----------------------------------------------------------------------------------------

    def ask_confirmation(self) -> QMessageBox | None:
        """A question naming what will happen, answered in a window of its own (not blocking)."""
        if self.listed is None or not self.listed.to_destroy:
            return None
        count = len(self.listed.to_destroy)
        question = (self.tr("Mark the sample of {code} destroyed?") if count == 1
                    else self.tr("Mark the {count} samples of {code} destroyed?")).format(code=self._code, count=count)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Confirm destruction"), question,
                          QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(self.tr(
            "Confirm once the samples have been destroyed and the certificate signed. Their records and ids stay; "
            "this cannot be undone."))
        box.addButton(self.tr("Mark &destroyed"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(self._answered)
        self.question = box
        box.open()
        return box

    def _answered(self, button: QAbstractButton) -> None:
        box, self.question = self.question, None
        if box is not None and box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
            self.confirm()

    def confirm(self) -> None:
        """Mark them destroyed (one transaction); a refusal (changed meanwhile, a role) is said under the list."""
        shown = [row.code for row in self.listed.to_destroy] if self.listed is not None else []
        try:
            done = confirm_destruction(self._ctx, self._code, expected=shown)  # refused if the list changed since
        except CoordinatorError as error:
            self.reload()  # what changed meanwhile shows, and the refusal under it
            say(self.problem, error.message)
            return
        self.reload()
        count = len(done.to_destroy)
        say(self.outcome, (self.tr("1 sample marked destroyed (certificate {number}).") if count == 1 else self.tr(
            "{count} samples marked destroyed (certificate {number}).")).format(count=count,
                                                                               number=done.certificate_number))
        self.changed.emit(self._code)
