"""The samples section of the participant page: every sample taken from the participant, each one followed by what
was made from it, and the way to collect, open, label and ship them. A withdrawal that asks for the samples to be
destroyed shows here as a banner until it is done."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import RuleViolation
from coordinator.participants.queries import get_participant
from coordinator.samples.queries import SampleRow, samples_of
from coordinator.samples.withdrawal import DestructionList, destruction_list
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from ui.collect_dialog import CollectDialog
from ui.formats import show_date
from ui.label_print_dialog import LabelPrintDialog
from ui.sample_dialog import SampleDialog
from ui.sample_forms import SampleRowsModel
from ui.ship_dialog import ShipDialog
from ui.signed_in_user import permit
from ui.tables import set_up_read_only_table

BANNER_STYLE = ("#destroyBanner { background: #fdecea; border: 1px solid #e2a19b; border-radius: 4px; }"
                " QLabel { color: #6b1d16; }")


class ParticipantSamples(QWidget):
    """Signals:
    changed(str): a sample's id, after something was recorded about it from here.
    """

    changed = Signal(str)

    def __init__(self, ctx: Context, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        row = get_participant(ctx, code).row
        self._code = row.code
        self._study = row.study
        self._has_types = catalogue.current(ctx, row.study).definition.samples is not None

        self.banner = QFrame()
        self.banner.setObjectName("destroyBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.destroy_button = QPushButton(self.tr("&Destroy samples…"))
        self.destroy_button.clicked.connect(lambda: self.open_destruction())
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 10, 6)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.destroy_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner.hide()

        self.collect_button = QPushButton(self.tr("Collect s&ample…"))
        self.collect_button.clicked.connect(lambda: self.collect())
        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.clicked.connect(lambda: self.open_current())
        self.labels_button = QPushButton(self.tr("Print la&bels…"))
        self.labels_button.setToolTip(self.tr("Labels for the samples selected in the table"))
        self.labels_button.clicked.connect(lambda: self.print_labels())
        self.ship_button = QPushButton(self.tr("Shi&p…"))
        self.ship_button.setToolTip(self.tr("Ship the samples selected in the table"))
        self.ship_button.clicked.connect(lambda: self.ship())
        self.count = QLabel()
        buttons = QHBoxLayout()
        for button in (self.collect_button, self.open_button, self.labels_button, self.ship_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)

        self.model = SampleRowsModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        set_up_read_only_table(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated.connect(lambda _index: self.open_current())  # a double click or Enter
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel(self.tr("No sample collected yet."))
        self.empty.setStyleSheet("color: palette(placeholder-text);")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.reload()

    @property
    def rows(self) -> list[SampleRow]:
        return self.model.rows

    def reload(self) -> None:
        """Read the samples again, keeping the selection by sample id."""
        kept = {row.code for row in self.selected()}
        self.model.set_rows(samples_of(self._ctx, self._code))
        self.table.resizeColumnsToContents()
        self.count.setText(self.tr("%n sample(s)", "", len(self.model.rows)) if self.model.rows else "")
        self.empty.setVisible(not self.model.rows)
        selection = QItemSelection()
        for number, row in enumerate(self.model.rows):
            if row.code in kept:
                selection.select(self.model.index(number, 0), self.model.index(number, len(self.model.columns) - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._show_banner()
        self._permit()

    def _show_banner(self) -> None:
        """A withdrawal with "destroy samples" and samples still at the site: say so until they are destroyed."""
        try:
            listed: DestructionList | None = destruction_list(self._ctx, self._code)
        except RuleViolation:
            listed = None
        if listed is None or not (listed.to_destroy or listed.elsewhere):
            self.banner.hide()
            return
        lines = [self.tr("Consent withdrawn on {date} with “destroy samples”.").format(
            date=show_date(listed.withdrawn_on))]
        if listed.to_destroy:
            lines.append(self.tr("Samples to destroy at the site: {codes}.").format(
                codes=", ".join(row.code for row in listed.to_destroy)))
        if listed.elsewhere:
            lines.append(self.tr("Shipped, to be destroyed where they are: {codes}.").format(
                codes=", ".join(row.code for row in listed.elsewhere)))
        self.banner_text.setText("\n".join(lines))
        permit(self.destroy_button, self._ctx, Permission.RECORD, self._study, possible=bool(listed.to_destroy),
               why_not=self.tr("Nothing is left to destroy at the site."))
        self.banner.show()

    def _permit(self) -> None:
        chosen = bool(self.selected())
        choose_first = self.tr("Select samples in the table first.")
        permit(self.collect_button, self._ctx, Permission.RECORD, self._study, possible=self._has_types,
               why_not=self.tr("The study file declares no sample types."))
        self.open_button.setEnabled(chosen)
        permit(self.labels_button, self._ctx, Permission.READ, self._study, possible=chosen, why_not=choose_first)
        permit(self.ship_button, self._ctx, Permission.RECORD, self._study, possible=chosen, why_not=choose_first)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._permit()

    def selected(self) -> list[SampleRow]:
        """The rows selected, top to bottom."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[row] for row in rows if row < len(self.model.rows)]

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _after_change(self, code: str) -> None:
        self.reload()
        self.changed.emit(code)

    def collect(self) -> CollectDialog:
        dialog = CollectDialog(self._ctx, self._code, self)
        dialog.collected.connect(self._select_new)
        return self._open(dialog)

    def _select_new(self, code: str) -> None:
        self._after_change(code)
        number = next((number for number, row in enumerate(self.model.rows) if row.code == code), None)
        if number is not None:
            self.table.selectRow(number)

    def open_current(self) -> SampleDialog | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.open_sample(self.model.sample(index).code)

    def open_sample(self, code: str) -> SampleDialog:
        dialog = SampleDialog(self._ctx, code, self)
        dialog.changed.connect(self._after_change)
        return self._open(dialog)

    def print_labels(self) -> LabelPrintDialog | None:
        chosen = self.selected()
        if not chosen:
            return None
        return self._open(LabelPrintDialog(self._ctx, [row.code for row in chosen], self))

    def ship(self) -> ShipDialog | None:
        chosen = self.selected()
        if not chosen:
            return None
        dialog = ShipDialog(self._ctx, [row.code for row in chosen], self, rows=chosen)
        dialog.shipped.connect(lambda _number: self._after_change(chosen[0].code))
        return self._open(dialog)

    def open_destruction(self) -> QDialog:
        from ui.destruction_dialog import DestructionDialog  # the study-wide samples window's own module

        dialog = DestructionDialog(self._ctx, self._code, self)
        dialog.changed.connect(self._after_change)
        return self._open(dialog)
