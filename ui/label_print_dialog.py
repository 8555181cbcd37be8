"""Printing sample labels: the label stock, where to start on a sheet already partly used, and the PDF file.
The labels carry the study, the sample id, type and date, never a name or a birth date."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from coordinator.context import Context
from coordinator.documents.label_layouts import DEFAULT_LAYOUT, LAYOUTS, LabelLayout
from coordinator.errors import InputError
from ui.forms import FieldMessages, accept_buttons, buddy_label, lay_out_form, message_label, value_label
from ui.sample_forms import beside, documents_folder, write_pdf
from ui.screening_log_dialog import FOLDER_KEY, SUCCESS_STYLE

LISTED = 12  # ids named in the dialog; more are counted


class LabelPrintDialog(QDialog):
    def __init__(self, ctx: Context, codes: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._codes = list(codes)
        self.setWindowTitle(self.tr("Print %n label(s)", "", len(codes)))
        self.setMinimumWidth(640)
        general = message_label()
        self.messages = FieldMessages(general)
        shown = ", ".join(codes[:LISTED])
        self.samples = value_label()
        self.samples.setText(shown if len(codes) <= LISTED else self.tr("{ids} and {more} more").format(
            ids=shown, more=len(codes) - LISTED))
        self.layout_choice = QComboBox()
        for name, layout in LAYOUTS.items():
            self.layout_choice.addItem(layout.description, name)
        self.layout_choice.setCurrentIndex(max(0, self.layout_choice.findData(DEFAULT_LAYOUT)))
        self.first_position = QSpinBox()
        self.first_position.setToolTip(self.tr("On a sheet already partly used: the labels before this one are "
                                               "left blank. Counted row by row from the top left."))
        self.pages = value_label()
        first = QWidget()
        first_layout = QHBoxLayout(first)
        first_layout.setContentsMargins(0, 0, 0, 0)
        first_layout.addWidget(self.first_position)
        first_layout.addWidget(self.pages, 1)
        first.setFocusProxy(self.first_position)
        name = f"labels-{codes[0]}.pdf" if len(codes) == 1 else f"labels-{codes[0]}-and-{len(codes) - 1}-more.pdf"
        self.path = QLineEdit(str(documents_folder() / name))
        self.choose_button = QPushButton(self.tr("C&hoose…"))
        self.choose_button.clicked.connect(self.choose_file)
        file_field = QWidget()
        file_layout = QHBoxLayout(file_field)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.addWidget(self.path, 1)
        file_layout.addWidget(self.choose_button)
        file_field.setFocusProxy(self.path)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Samples:"), self.samples)
        form.addRow(buddy_label(self.tr("&Labels:"), self.layout_choice),
                    beside(self.messages, "layout", self.layout_choice))
        form.addRow(buddy_label(self.tr("&Start at label:"), self.first_position),
                    beside(self.messages, "first_position", first))
        form.addRow(buddy_label(self.tr("&File:"), self.path), beside(self.messages, "path", file_field))
        self.outcome = message_label(SUCCESS_STYLE)
        self.buttons, self.write_button = accept_buttons(self, self.tr("&Write labels"))
        lay_out_form(self, form, self.outcome, general=general, buttons=self.buttons)
        self.layout_choice.currentIndexChanged.connect(self._show_layout)
        self.first_position.valueChanged.connect(self._show_pages)
        self._show_layout()

    def chosen_layout(self) -> LabelLayout:
        return LAYOUTS[self.layout_choice.currentData()]

    def _show_layout(self) -> None:
        """A roll has no position to start at; a sheet starts anywhere on its first page."""
        layout = self.chosen_layout()
        self.first_position.setRange(1, layout.per_page)
        self.first_position.setSuffix(self.tr(" of {count}").format(count=layout.per_page))
        self.first_position.setEnabled(not layout.is_roll)
        if layout.is_roll:
            self.first_position.setValue(1)
        self._show_pages()

    def _show_pages(self) -> None:
        layout = self.chosen_layout()
        pages = math.ceil((len(self._codes) + self.first_position.value() - 1) / layout.per_page)
        self.pages.setText(self.tr("%n label(s)", "", len(self._codes)) + ", " + (
            self.tr("%n page(s) of the roll", "", pages) if layout.is_roll else self.tr("%n sheet(s)", "", pages)))

    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the labels"), self.path.text(),
                                                      self.tr("PDF (*.pdf)"))
        if chosen:
            self.path.setText(chosen)

    def accept(self) -> None:
        """Write the labels in the database thread; the dialog stays open to say where they went."""
        self.messages.clear()
        typed = self.path.text().strip()
        if not typed:
            self.messages.show(InputError(self.tr("Choose the file to write the labels to."), field="path"))
            return
        target = Path(typed)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        ctx, codes, layout, first = self._ctx, self._codes, self.layout_choice.currentData(), \
            self.first_position.value()

        def work() -> Path:
            from coordinator.documents.labels import print_labels  # ReportLab: loaded at the first print

            return print_labels(ctx, codes, target, layout=layout, first_position=first)

        QSettings().setValue(FOLDER_KEY, str(target.parent))
        write_pdf(self, self.tr("Writing the labels…"), work, self.outcome, self.write_button,
                  lambda _path: self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("&Close")))
