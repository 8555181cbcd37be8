"""Printing one document (a participant's casebook or consent checklist, a study's blank CRFs or blank checklist):
on which paper, then saved as a PDF or sent to a printer through the print dialog with its preview. Either way the
document is drawn in the database thread; the dialog stays open and says what became of it, and cannot be closed
while that work runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coordinator.context import Context
from coordinator.errors import CoordinatorError
from ui import messages
from ui.forms import ERROR_STYLE, buddy_label, heading_label, message_label, say, value_label
from ui.paper import A4, PaperChoice
from ui.pdf_printing import PdfPrinting, PrintStopped, print_pdf
from ui.sample_forms import ask_pdf_path, write_pdf
from ui.screening_log_dialog import SUCCESS_STYLE
from ui.tasks import running_for

Writer = Callable[[Path, str], Path]  # (file to write, paper) -> the file written; runs in the database thread


def _tr(text: str) -> str:
    return QCoreApplication.translate("document_print_dialog", text)


@dataclass(frozen=True)
class Document:
    """What a print dialog prints: its name, what it holds, the file name offered, and how to write it."""

    title: str  # "Casebook of MILA-01-0002"
    about: str
    file_name: str
    write: Writer
    papers: bool = True  # False: always drawn on A4 (a printer on Letter gets it shrunk to fit)


def casebook(ctx: Context, code: str) -> Document:
    def write(out: Path, paper: str) -> Path:
        from coordinator.documents.casebook import print_casebook  # ReportLab: loaded at the first print

        return print_casebook(ctx, code, out, paper)

    return Document(_tr("Casebook of {code}").format(code=code), _tr(
        "A cover, then every case report form of the study filled from the database, with a QR code on each page. "
        "The participant code only: no name."), f"{code}-casebook.pdf", write)


def blank_crfs(ctx: Context, study: str) -> Document:
    def write(out: Path, paper: str) -> Path:
        from coordinator.documents.blank_crf import print_blank_crf

        return print_blank_crf(ctx, study, out, paper)

    return Document(_tr("Blank CRFs of {study}").format(study=study), _tr(
        "Every case report form of the study, empty, for the ward without a computer: boxes for dates "
        "(DD/MMM/YYYY) and times, boxes to tick, room to write."), f"{study}-blank-crf.pdf", write)


def consent_checklist(ctx: Context, code: str) -> Document:
    def write(out: Path, _paper: str) -> Path:
        from coordinator.documents.consent_checklist import print_checklist

        return print_checklist(ctx, out, code=code)

    return Document(_tr("Consent checklist of {code}").format(code=code), _tr(
        "The consent documents, who signed and when. It shows names: it stays at the site."),
        f"{code}-consent-checklist.pdf", write, papers=False)


def blank_consent_checklist(ctx: Context, study: str) -> Document:
    def write(out: Path, _paper: str) -> Path:
        from coordinator.documents.consent_checklist import print_checklist

        return print_checklist(ctx, out, study=study)

    return Document(_tr("Blank consent checklist of {study}").format(study=study), _tr(
        "The study's consent documents and the signatures required by age, to fill in by hand."),
        f"{study}-blank-consent-checklist.pdf", write, papers=False)


def tell_failure(parent: QWidget, outcome: QLabel, error: BaseException) -> None:
    """An error of the user's or of the machine in the dialog's outcome line; a bug in the crash dialog."""
    if isinstance(error, PrintStopped):
        outcome.setStyleSheet("")
        say(outcome, _tr("Stopped: printing was cancelled."))
    elif isinstance(error, CoordinatorError):
        outcome.setStyleSheet(ERROR_STYLE)
        say(outcome, error.message)
    else:
        messages.report(error, parent)


def tell_printed(outcome: QLabel, said: str) -> None:
    """What the printer got; nothing when the user closed the preview without printing."""
    outcome.setStyleSheet(SUCCESS_STYLE)
    say(outcome, said)


class GrowingDialog(QDialog):
    """A dialog that grows taller when a message below its form wraps onto more lines than it had room for
    (a long path), rather than squeezing the form's rows."""

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self.layout() is not None:
            needed = self.heightForWidth(self.width()) if self.layout().hasHeightForWidth() else \
                self.sizeHint().height()
            if needed > self.height():
                self.resize(self.width(), needed)
        return handled


class WorkingDialog(GrowingDialog):
    """A dialog whose documents are written or printed in the database thread: it refuses to close while that
    work runs (the work's result would come back to deleted widgets, and a temporary file for the printer could
    stay behind), saying so in its outcome line. Close is greyed meanwhile, where the dialog knows when the work
    ends (printing); a plain save only refuses during the moment before its progress dialog shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printing: PdfPrinting | None = None
        self.outcome = message_label(SUCCESS_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)

    def working(self) -> bool:
        return self.printing is not None or running_for(self)

    def reject(self) -> None:  # Close, Escape, the window's close button
        if self.working():
            self.outcome.setStyleSheet("")
            say(self.outcome, _tr("Please wait: the document is still being written or printed."))
            return
        super().reject()


class DocumentPrintDialog(WorkingDialog):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setWindowTitle(self.tr("Print: {title}").format(title=document.title))
        self.setMinimumWidth(560)
        self.heading = heading_label(1.25)
        self.heading.setText(document.title)
        self.about = value_label()
        self.about.setText(document.about)
        self.paper = PaperChoice()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if document.papers:
            form.addRow(buddy_label(self.tr("P&aper:"), self.paper), self.paper)
        else:
            self.paper.hide()
            form.addRow(self.tr("Paper:"), QLabel(self.tr("A4 (a printer on US Letter gets it shrunk to fit)")))
        self.save_button = QPushButton(self.tr("&Save as PDF…"))
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setToolTip(self.tr("Choose the printer and check the pages in a preview"))
        self.print_button.clicked.connect(self.print_document)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.about)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.save_button.setDefault(True)

    def chosen_paper(self) -> str:
        return self.paper.paper if self.document.papers else A4

    def save(self) -> None:
        """Ask where (in the folder used last), then write the PDF in the database thread."""
        target = ask_pdf_path(self, self.tr("Save {title}").format(title=self.document.title),
                              self.document.file_name)
        if target is None:
            return
        self.paper.remember()
        write, paper = self.document.write, self.chosen_paper()
        write_pdf(self, self.tr("Writing {title}…").format(title=self.document.title), lambda: write(target, paper),
                  self.outcome, self.save_button)

    def print_document(self) -> None:
        """Write the PDF to a temporary file, then the preview and the print dialog; printing goes on in the
        background, and the outcome says what the printer got."""
        say(self.outcome, "")
        self.paper.remember()
        self._set_busy(True)
        write, paper = self.document.write, self.chosen_paper()
        self.printing = print_pdf(self, self.document.title, self.paper.paper,
                                  lambda path: write(path, paper), self._printed, self._not_printed)

    def _printed(self, said: str) -> None:
        self._set_busy(False)
        tell_printed(self.outcome, said)

    def _not_printed(self, error: BaseException) -> None:
        self._set_busy(False)
        tell_failure(self, self.outcome, error)

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self.printing = None
        for button in (self.save_button, self.print_button, self.close_button):
            button.setEnabled(not busy)
