"""The casebooks of a study, or of one arm, site or status of it, in one go: into one PDF, one PDF per participant
in a folder, or to a printer. The batch runs in the database thread with a progress dialog that can stop it;
stopped or failed, nothing is left behind (coordinator.documents.casebooks writes all or nothing). The dialog cannot
be closed while a batch runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.crf.selection import Selection
from coordinator.errors import CoordinatorError
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import find_ids
from coordinator.studies.schema import StudyDefinition
from ui.document_print_dialog import WorkingDialog, tell_failure, tell_printed
from ui.forms import ERROR_STYLE, buddy_label, heading_label, say, value_label
from ui.paper import PaperChoice
from ui.pdf_printing import print_pdf
from ui.sample_forms import ask_pdf_path, documents_folder
from ui.screening_log_dialog import FOLDER_KEY, SUCCESS_STYLE
from ui.tasks import Progress, run_task

if TYPE_CHECKING:
    from coordinator.documents.casebooks import Printed


def print_casebooks(ctx: Context, chosen: Selection, out: Path, *, separate: bool, paper: str,
                    progress: Progress) -> Printed:
    """In the database thread: the batch itself, ReportLab loaded on the way."""
    from coordinator.documents.casebooks import print_casebooks as print_batch

    return print_batch(ctx, chosen, out, separate=separate, paper=paper, progress=progress)


class CasebooksDialog(WorkingDialog):
    def __init__(self, ctx: Context, study: str, definition: StudyDefinition, initial: Selection | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._study = study
        self.setWindowTitle(self.tr("Casebooks of {study}").format(study=study))
        self.setMinimumWidth(620)
        self.heading = heading_label(1.25)
        self.heading.setText(f"{study} – {definition.title}")
        about = value_label()
        about.setText(self.tr("Each casebook: a cover, then every case report form of the study filled from the "
                              "database, with the participant code only (no name) and a QR code on each page."))
        self.arm, self.site, self.status = QComboBox(), QComboBox(), QComboBox()
        self._offer(self.arm, self.tr("All arms"), [(f"{arm.code} – {arm.label}", arm.code)
                                                    for arm in definition.arms])
        self._offer(self.site, self.tr("All sites"), [(f"{site.number} – {site.name}", site.number)
                                                      for site in definition.sites])
        self._offer(self.status, self.tr("All statuses"), [(status.label, status.value) for status in Status])
        initial = initial or Selection(study)
        for combo, value in ((self.arm, initial.arm), (self.site, initial.site),
                             (self.status, initial.status.value if initial.status else None)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(self.count_selected)
        self.selected = value_label()
        self.one_file = QRadioButton(self.tr("&One PDF with every casebook (each numbers its own pages)"))
        self.per_participant = QRadioButton(self.tr("One PDF per participant, named by the &code, in a folder"))
        self.output = QButtonGroup(self)
        for button in (self.one_file, self.per_participant):
            self.output.addButton(button)
        self.one_file.setChecked(True)
        self.output.buttonToggled.connect(lambda _button, _checked: self._name_save())
        outputs = QWidget()
        outputs_layout = QVBoxLayout(outputs)
        outputs_layout.setContentsMargins(0, 0, 0, 0)
        outputs_layout.addWidget(self.one_file)
        outputs_layout.addWidget(self.per_participant)
        self.paper = PaperChoice()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&Arm:"), self.arm), self.arm)
        form.addRow(buddy_label(self.tr("Sit&e:"), self.site), self.site)
        form.addRow(buddy_label(self.tr("S&tatus:"), self.status), self.status)
        form.addRow(self.tr("Selected:"), self.selected)
        form.addRow(self.tr("Save as:"), outputs)
        form.addRow(buddy_label(self.tr("Pape&r:"), self.paper), self.paper)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.setToolTip(self.tr("Every selected casebook in one document, to a printer, with a "
                                             "preview"))
        self.print_button.clicked.connect(self.print_casebooks)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(about)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._name_save()
        self.save_button.setDefault(True)
        self.count_selected()

    @staticmethod
    def _offer(combo: QComboBox, everything: str, choices: list[tuple[str, object]]) -> None:
        combo.addItem(everything, None)
        for text, value in choices:
            combo.addItem(text, value)

    def chosen(self) -> Selection:
        status = self.status.currentData()
        return Selection(self._study, self.arm.currentData(), self.site.currentData(),
                      Status(status) if status else None)

    def count_selected(self) -> int:
        """How many casebooks the choice prints: one id query, cheap for a study of 100,000 (bench/)."""
        try:
            count = len(find_ids(self._ctx, self.chosen().query))
        except CoordinatorError as error:
            self.selected.setStyleSheet(ERROR_STYLE)
            self.selected.setText(error.message)
            count = 0
        else:
            self.selected.setStyleSheet("" if count else ERROR_STYLE)
            self.selected.setText(self.tr("%n participant(s), one casebook each", "", count) if count else self.tr(
                "No participant matches: there is no casebook to print."))
        self._can_print = count > 0
        self._set_busy(False)
        return count

    def _name_save(self) -> None:
        self.save_button.setText(self.tr("Save to a &folder…") if self.per_participant.isChecked()
                                 else self.tr("&Save as PDF…"))

    def _target(self, chosen: Selection) -> Path | None:
        """The file, or the folder for one PDF per participant, chosen in the folder used last."""
        if not self.per_participant.isChecked():
            return ask_pdf_path(self, self.tr("Save the casebooks"), chosen.file_name() + ".pdf")
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the casebooks (one PDF per "
                                                                "participant)"), str(documents_folder()))
        if not folder:
            return None
        QSettings().setValue(FOLDER_KEY, folder)
        return Path(folder)

    def save(self) -> None:
        chosen = self.chosen()
        target = self._target(chosen)
        if target is None:
            return
        self.paper.remember()
        ctx, separate, paper = self._ctx, self.per_participant.isChecked(), self.paper.paper
        say(self.outcome, "")
        self._set_busy(True)
        run_task(self, self.tr("Writing the casebooks of {study}…").format(study=self._study),
                 lambda progress: print_casebooks(ctx, chosen, target, separate=separate, paper=paper,
                                                  progress=progress),
                 self._written, self._failed, cancellable=True)

    def print_casebooks(self) -> None:
        """Every selected casebook in one PDF, to the printer through the preview (skipped for a long batch)."""
        ctx, chosen, paper = self._ctx, self.chosen(), self.paper.paper
        self.paper.remember()
        say(self.outcome, "")
        self._set_busy(True)
        self.printing = print_pdf(
            self, self.tr("Casebooks of {study}").format(study=self._study), paper,
            lambda path, progress: print_casebooks(ctx, chosen, path, separate=False, paper=paper,
                                                   progress=progress),
            self._printed, self._failed, cancellable=True)

    def _written(self, printed: Printed) -> None:
        self._set_busy(False)
        self.outcome.setStyleSheet(SUCCESS_STYLE)
        if self.per_participant.isChecked():
            where = printed.files[0].parent if printed.files else ""
            text = self.tr("Written: %n casebook(s), one PDF each, in {folder}", "", printed.count).format(
                folder=where)
        else:
            text = self.tr("Written: %n casebook(s) in {file}", "", printed.count).format(file=printed.files[0])
        say(self.outcome, text)

    def _printed(self, said: str) -> None:
        self.printing = None
        self._set_busy(False)
        tell_printed(self.outcome, said)

    def _failed(self, error: BaseException) -> None:
        from coordinator.documents.casebooks import BatchStopped  # loaded by the batch that failed

        self.printing = None
        self._set_busy(False)
        if isinstance(error, BatchStopped):
            self.outcome.setStyleSheet("")
            say(self.outcome, self.tr("Stopped: nothing was written."))
        else:
            tell_failure(self, self.outcome, error)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.save_button, self.print_button):
            button.setEnabled(not busy and self._can_print)
        self.close_button.setEnabled(not busy)
