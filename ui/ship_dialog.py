"""Shipping samples: where to, when, under one new manifest number, and the manifest to go in the box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QTableView, QWidget

from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.samples import queries, service
from coordinator.samples.queries import SampleRow
from coordinator.samples.service import local_now
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label
from ui.sample_forms import DonePanel, MomentInput, SampleRowsModel, ask_pdf_path, beside, finish_form, write_pdf
from ui.tables import set_up_read_only_table

SHIP_COLUMNS = ("code", "participant", "type", "volume", "status", "location")


class ShipDialog(QDialog):
    """Signals:
    shipped(str): the manifest number, once the shipment is recorded.
    """

    shipped = Signal(str)

    def __init__(self, ctx: Context, codes: list[str], parent: QWidget | None = None, *,
                 rows: list[SampleRow] | None = None) -> None:
        """`rows`: the samples as the list they were chosen in shows them, so as not to read them one by one."""
        super().__init__(parent)
        self._ctx = ctx
        self._codes = list(codes)
        self.manifest: str | None = None
        self.setWindowTitle(self.tr("Ship %n sample(s)", "", len(codes)))
        self.setMinimumWidth(720)
        general = message_label()
        self.messages = FieldMessages(general)
        self.destination = QLineEdit()
        self.destination.setPlaceholderText(self.tr("e.g. Central MRD laboratory, Hôpital Saint-Louis, Paris"))
        self.at = MomentInput("at", local_now(ctx))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional, e.g. dry ice, courier tracking number"))
        self.model = SampleRowsModel(SHIP_COLUMNS, self)
        self.model.set_rows(list(rows) if rows is not None else [queries.find(ctx, code).row for code in codes])
        self.samples = QTableView()
        self.samples.setModel(self.model)
        set_up_read_only_table(self.samples)
        self.samples.resizeColumnsToContents()
        rows = min(max(len(codes), 2), 8)
        self.samples.setFixedHeight(self.samples.horizontalHeader().sizeHint().height() + 4 +
                                    rows * self.samples.verticalHeader().defaultSectionSize())
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&Destination:"), self.destination),
                    beside(self.messages, "destination", self.destination))
        form.addRow(buddy_label(self.tr("Shipped &on:"), self.at), beside(self.messages, "at", self.at))
        form.addRow(buddy_label(self.tr("&Note:"), self.note), self.note)
        samples_label = QLabel(self.tr("&Samples:"))
        samples_label.setBuddy(self.samples)
        self.result_panel = DonePanel(self.tr("&Print manifest…"))
        self.result_panel.action.clicked.connect(lambda: self.print_manifest())
        self.buttons, self.ship_button = accept_buttons(self, self.tr("&Ship"))
        lay_out_form(self, form, samples_label, beside(self.messages, "sample", self.samples), self.result_panel,
                     general=general, buttons=self.buttons)

    def accept(self) -> None:
        """Record the shipment; the dialog stays open to show the manifest number and print the manifest."""
        self.messages.clear()
        try:
            destination = self.destination.text().strip()
            if not destination:
                raise InputError(self.tr("Say where the samples are shipped to."), field="destination")
            number = service.ship(self._ctx, self._codes, destination, self.at.value(), self.note.text())
        except InputError as error:
            self.messages.show(InputError(error.message, field="destination" if error.field == "reason"
                                          else error.field))
            return
        self.manifest = number
        self.model.set_rows([queries.find(self._ctx, code).row for code in self._codes])
        self.samples.resizeColumnsToContents()
        finish_form(self.buttons, self.ship_button, [self.destination, self.at, self.note])
        self.result_panel.show_done(self.tr("Shipped. Manifest number:"), number,
                            self.tr("Print the manifest and put it in the box with the samples."))
        self.shipped.emit(number)

    def print_manifest(self, path: Path | None = None) -> None:
        """Ask where (unless told), then write the manifest PDF in the database thread."""
        number = self.manifest
        if number is None:
            return
        target = path or ask_pdf_path(self, self.tr("Save the shipping manifest"), f"manifest-{number}.pdf")
        if target is None:
            return
        ctx = self._ctx

        def work() -> Path:
            from coordinator.documents.shipping_manifest import print_manifest  # ReportLab: at the first print

            return print_manifest(ctx, number, target)

        panel = self.result_panel
        write_pdf(self, self.tr("Writing the shipping manifest…"), work, panel.outcome, panel.action)
