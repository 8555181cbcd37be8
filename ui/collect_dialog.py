"""Collecting a sample from a participant: type, timepoint, when, how much, by whom. The consent gate is the
service's: it knows the consent on the day of collection and says why it refuses."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.participants.queries import get_participant
from coordinator.samples import service
from coordinator.samples.service import Collection, local_now
from coordinator.studies import catalogue
from coordinator.studies.sample_schema import SampleType
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label
from ui.label_print_dialog import LabelPrintDialog
from ui.sample_forms import DonePanel, MomentInput, VolumeInput, beside, finish_form


class CollectDialog(QDialog):
    """Signals:
    collected(str): the new sample's id, once it is recorded.
    """

    collected = Signal(str)

    def __init__(self, ctx: Context, participant_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        detail = get_participant(ctx, participant_code)
        self._code = detail.row.code
        plan = catalogue.current(ctx, detail.row.study).definition.samples
        self._types = [kind for kind in plan.types if kind.primary] if plan else []
        self.sample_code: str | None = None
        self.setWindowTitle(self.tr("Collect a sample from {code}").format(code=self._code))
        self.setMinimumWidth(620)
        general = message_label()
        self.messages = FieldMessages(general)
        self.type = QComboBox()
        for kind in self._types:
            self.type.addItem(f"{kind.label} ({kind.id})", kind.id)
        self.timepoint = QComboBox()
        self.at = MomentInput("at", local_now(ctx))
        self.volume = VolumeInput(self._types[0].unit if self._types else "mL")
        self.collected_by = QLineEdit(ctx.user.full_name or ctx.actor)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("optional, e.g. tube EDTA, haemolysed"))
        self.specimen = QLabel()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Participant:"), QLabel(self._code))
        form.addRow(buddy_label(self.tr("Sample &type:"), self.type), beside(self.messages, "type", self.type))
        form.addRow(self.tr("Specimen:"), self.specimen)
        form.addRow(buddy_label(self.tr("Time&point:"), self.timepoint),
                    beside(self.messages, "timepoint", self.timepoint))
        form.addRow(buddy_label(self.tr("Collected &on:"), self.at), beside(self.messages, "at", self.at))
        form.addRow(buddy_label(self.tr("&Volume:"), self.volume), beside(self.messages, "volume", self.volume))
        form.addRow(buddy_label(self.tr("Collected &by:"), self.collected_by), self.collected_by)
        form.addRow(buddy_label(self.tr("&Notes:"), self.notes), self.notes)
        self.result_panel = DonePanel(self.tr("&Print label…"))
        self.result_panel.action.clicked.connect(self.print_label)
        self.buttons, self.collect_button = accept_buttons(self, self.tr("&Collect"))
        lay_out_form(self, form, self.result_panel, general=general, buttons=self.buttons)
        self._fields: list[QWidget] = [self.type, self.timepoint, self.at, self.volume, self.collected_by, self.notes]
        self.type.currentIndexChanged.connect(self._show_type)
        self._show_type()
        if not self._types:
            self.messages.show(InputError(self.tr("The study file of {code} declares no sample type that is "
                                                  "collected.").format(code=self._code), field="type"))
            self.collect_button.setEnabled(False)

    def _kind(self) -> SampleType | None:
        return next((kind for kind in self._types if kind.id == self.type.currentData()), None)

    def _show_type(self) -> None:
        """The chosen type's specimen, timepoints and unit."""
        kind = self._kind()
        self.messages.clear("type")
        self.timepoint.clear()
        if kind is None:
            return
        self.specimen.setText(kind.specimen.label)
        for timepoint, label in kind.timepoints.items():
            self.timepoint.addItem(f"{label} ({timepoint})", timepoint)
        self.timepoint.addItem(self.tr("unscheduled"), "")
        self.timepoint.setPlaceholderText(self.tr("choose the timepoint"))
        self.timepoint.setCurrentIndex(-1 if kind.timepoints else 0)
        self.volume.unit.setCurrentText(kind.unit)

    def accept(self) -> None:
        """Record the sample; on refusal the dialog stays open with the reason beside the field, nothing saved."""
        self.messages.clear()
        try:
            if self.timepoint.currentIndex() < 0:
                raise InputError(self.tr("Choose the timepoint, or “unscheduled”."), field="timepoint")
            code = service.collect(self._ctx, self._code, Collection(
                self.type.currentData(), self.at.value(), self.volume.text(),
                timepoint=self.timepoint.currentData() or None, collected_by=self.collected_by.text(),
                notes=self.notes.text()))
        except InputError as error:
            self.messages.show(error)
            return
        self.sample_code = code
        finish_form(self.buttons, self.collect_button, self._fields)
        self.result_panel.show_done(self.tr("Sample collected. Its id:"), code,
                            self.tr("Write it on the tube, or print its label now."))
        self.collected.emit(code)

    def print_label(self) -> LabelPrintDialog | None:
        if self.sample_code is None:
            return None
        dialog = LabelPrintDialog(self._ctx, [self.sample_code], self)
        dialog.open()
        return dialog
