"""Samples > Samples…: every sample of the studies the user may read, filtered and sorted in SQL and read a page at a
time, with the scan field on top; the selection opens, stores, ships or labels its samples."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QLocale, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import CoordinatorError
from coordinator.samples import queries
from coordinator.samples.custody import Status
from coordinator.samples.queries import SampleQuery, SampleRow
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.studies.schema import StudyDefinition
from ui.forms import WARNING_STYLE, buddy_label, heading_label, message_label, say
from ui.sample_table_model import COLUMNS, UNSORTED, SampleTableModel
from ui.scan_field import ScanField, open_sample
from ui.signed_in_user import permit
from ui.tables import set_up_read_only_table

TYPING_PAUSE_MS = 300  # the participant and id filters apply after a pause in typing
MOST_AT_ONCE = 500  # samples shipped or labelled at once: a larger selection is counted, its rows never read
COLUMN_WIDTHS = {  # what a column usually holds: widths are set once, never measured over the rows
    "code": "ELIT-AML01-000000-00", "participant": "ELIT-AML01-01-0000", "type": "BM_MRD",
    "timepoint": "PREHSCT", "collected": "0000-00-00 00:00", "volume": "000.5 mL", "remaining": "000.5 mL",
    "status": "received", "location": "LN2/R1/PRODUCTS-01/A10",
}


class SamplesWindow(QDialog):
    """Not modal: it stays open beside the main window while the coordinator works through a box of tubes."""

    def __init__(self, ctx: Context, parent: QWidget | None = None, study: str | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Samples"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1280, 760)
        self._definitions: dict[str, StudyDefinition] = {
            summary.code: summary.definition for summary in catalogue.summaries(ctx)
            if ctx.may(Permission.READ, summary.code)}
        heading = heading_label(1.25)
        heading.setText(self.tr("Samples"))
        self.scan = ScanField(ctx)
        self.scan.on_change(lambda _code: self.refresh())
        scan_row = QHBoxLayout()
        scan_row.addWidget(buddy_label(self.tr("Sc&an:"), self.scan.field))
        scan_row.addWidget(self.scan, 1)

        self.study = QComboBox()
        self.study.addItem(self.tr("All studies"), None)
        for code in self._definitions:
            self.study.addItem(code, code)
        if study in self._definitions:
            self.study.setCurrentIndex(self.study.findData(study))
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        for status in Status:
            self.status.addItem(status.label, status.value)
        self.type = QComboBox()
        self._offer_types()
        self.participant = QLineEdit()
        self.participant.setPlaceholderText(self.tr("Participant code"))
        self.participant.setClearButtonEnabled(True)
        self.participant.setFixedWidth(self.participant.fontMetrics().horizontalAdvance("ELIT-AML01-01-0000MMMM"))
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("Part of a sample id"))
        self.text.setClearButtonEnabled(True)
        self.text.setFixedWidth(self.text.fontMetrics().horizontalAdvance("ELIT-AML01-000000-00MMM"))
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.apply_filters)
        for line in (self.participant, self.text):
            line.textChanged.connect(lambda _text: self._pause.start())
            line.returnPressed.connect(self.apply_filters)
        self.study.currentIndexChanged.connect(self._study_changed)
        for combo in (self.study, self.status, self.type):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for combo in (self.status, self.type):
            combo.currentIndexChanged.connect(self.apply_filters)
        filters = QHBoxLayout()
        for text, field in ((self.tr("&Study:"), self.study), (self.tr("S&tatus:"), self.status),
                            (self.tr("T&ype:"), self.type), (self.tr("&Participant:"), self.participant),
                            (self.tr("Sample &id:"), self.text)):
            filters.addWidget(buddy_label(text, field))
            filters.addWidget(field)
            filters.addSpacing(10)
        filters.addStretch(1)
        self.problem = message_label()

        self.model = SampleTableModel(ctx, self)
        self.model.set_definitions(self._definitions)
        self.rows = QTableView()
        self.rows.setModel(self.model)
        self._set_up_table()
        self.count = QLabel()
        self.count.setBuddy(self.rows)

        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.setToolTip(self.tr("The sample's window: its custody, what was made from it, its steps"))
        self.open_button.clicked.connect(self.open_current)
        self.store_button = QPushButton(self.tr("Store / &move…"))
        self.store_button.setToolTip(self.tr("Put the sample in a box position, or move it to another"))
        self.store_button.clicked.connect(self.store_current)
        self.ship_button = QPushButton(self.tr("S&hip…"))
        self.ship_button.setToolTip(self.tr("Ship the selected samples (of one study) under one manifest"))
        self.ship_button.clicked.connect(self.ship_selected)
        self.labels_button = QPushButton(self.tr("Print &labels…"))
        self.labels_button.setToolTip(self.tr("A sheet or roll of labels for the selected samples"))
        self.labels_button.clicked.connect(self.print_labels)
        self.outcome = message_label(WARNING_STYLE)  # why Ship and Print labels are greyed for a large selection
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (self.open_button, self.store_button, self.ship_button, self.labels_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in buttons.buttons():  # Enter in a filter or the scan field must not press a button
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.outcome, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(scan_row)
        layout.addSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addWidget(self.count)
        layout.addWidget(self.rows, 1)
        layout.addLayout(bottom)
        self.apply_filters()
        self.scan.field.setFocus()

    def _set_up_table(self) -> None:
        table = self.rows
        set_up_read_only_table(table)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # ship or label several at once
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        # A header that highlights nothing need not watch the selection: Qt's asks, at each paint after a change,
        # whether each column is selected in every row (Ctrl+A over 100,000 samples: a second and a half).
        header.setSelectionModel(QItemSelectionModel(self.model, header))
        metrics = table.fontMetrics()
        for column, name in enumerate(COLUMNS):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            wanted = max(metrics.horizontalAdvance(COLUMN_WIDTHS[name]), metrics.horizontalAdvance(title) + 20)
            table.setColumnWidth(column, wanted + 12)
        header.setSortIndicator(COLUMNS.index("code"), Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._keep_indicator)
        table.setSortingEnabled(True)
        table.activated.connect(self._open_index)  # Enter or double-click
        table.selectionModel().selectionChanged.connect(lambda _new, _old: self._apply_roles())
        self.model.modelReset.connect(self._apply_roles)

    def _keep_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on a column the list cannot sort by (volume, remaining) leaves the arrow where the order is."""
        if COLUMNS[column] in UNSORTED:
            query = self.model.query
            header = self.rows.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(COLUMNS.index(query.sort), Qt.SortOrder.DescendingOrder if query.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    # --- filters -------------------------------------------------------------------------------------------------

    def _offer_types(self) -> None:
        """The chosen study's sample types (every readable study's, when all are shown)."""
        study = self.study.currentData()
        kept = self.type.currentData()
        offered: dict[str, str] = {}
        for code, definition in self._definitions.items():
            if definition.samples and study in (None, code):
                for kind in definition.samples.types:
                    offered.setdefault(kind.id, kind.label)
        self.type.blockSignals(True)
        self.type.clear()
        self.type.addItem(self.tr("All types"), None)
        for type_id, label in offered.items():
            self.type.addItem(f"{type_id} – {label}", type_id)
        self.type.setCurrentIndex(max(0, self.type.findData(kept)) if kept else 0)
        self.type.blockSignals(False)

    def _study_changed(self) -> None:
        self._offer_types()
        self.apply_filters()

    def query(self) -> SampleQuery:
        status = self.status.currentData()
        current = self.model.query
        return SampleQuery(study=self.study.currentData(), participant=self.participant.text().strip() or None,
                           status=Status(status) if status else None, type=self.type.currentData(),
                           text=self.text.text(), sort=current.sort, descending=current.descending)

    def apply_filters(self) -> None:
        """Count and show what the filters keep; a problem is said under the filters, the table stays."""
        self._pause.stop()
        self._run(self.query())

    def refresh(self) -> None:
        """Read the list again (a sample was recorded, stored or shipped), the current row kept."""
        self._run(self.query())

    def _run(self, query: SampleQuery) -> None:
        current = self.rows.currentIndex().row()
        try:
            self.model.set_query(query)
        except CoordinatorError as error:  # a refusal, the database out of reach
            say(self.problem, error.message)
            return
        say(self.problem, "")
        total = self.model.row_total()
        number = QLocale().toString(total)
        self.count.setText(self.tr("1 sample") if total == 1 else self.tr("{count} samples").format(count=number))
        if 0 <= current < total:
            self.rows.setCurrentIndex(self.model.index(current, 0))
        self._apply_roles()

    # --- the selection -------------------------------------------------------------------------------------------

    def _selected_spans(self) -> list[tuple[int, int]]:
        """The selected rows as (first, last) spans, top to bottom and apart: from the selection's ranges, never
        row by row (Ctrl+A over 100,000 samples is one range)."""
        selection = self.rows.selectionModel().selection()
        spans: list[tuple[int, int]] = []
        for first, last in sorted((part.top(), part.bottom()) for part in selection):
            if spans and first <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(last, spans[-1][1]))
            else:
                spans.append((first, last))
        return spans

    def selected_count(self) -> int:
        return sum(last - first + 1 for first, last in self._selected_spans())

    def selected(self) -> list[SampleRow]:
        """The selected samples, top to bottom; none when more than MOST_AT_ONCE are selected, whose rows would be
        read page after page (the actions on them are refused, see `_apply_roles`)."""
        spans = self._selected_spans()
        if sum(last - first + 1 for first, last in spans) > MOST_AT_ONCE:
            return []
        rows = (self.model.item_at(row) for first, last in spans for row in range(first, last + 1))
        return [found for found in rows if found is not None]

    def current(self) -> SampleRow | None:
        """The sample an action on one sample is about: the current row when selected, else the first selected."""
        index = self.rows.currentIndex()
        if index.isValid() and self.rows.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return self.model.item_at(index.row())
        chosen = self.selected()
        return chosen[0] if chosen else None

    def _apply_roles(self) -> None:
        """What the selection allows: one sample opens or is stored; samples of one study ship; any get labels,
        up to MOST_AT_ONCE (a larger selection is only counted: its rows are not read to decide).
        Writes are greyed when the user's roles do not allow them on the samples' study."""
        count = self.selected_count()
        too_many = (self.tr("Select at most {count} samples to ship or label at once.").format(count=MOST_AT_ONCE)
                    if count > MOST_AT_ONCE else "")
        chosen = self.selected()
        studies = {row.study for row in chosen}
        study = next(iter(studies)) if len(studies) == 1 else self.study.currentData()
        say(self.outcome, self.tr("{count} samples selected. {why}").format(
            count=QLocale().toString(count), why=too_many) if too_many else "")
        self.open_button.setEnabled(count == 1)
        one = chosen[0] if count == 1 and chosen else None
        permit(self.store_button, self._ctx, Permission.RECORD, study,
               possible=one is not None and one.status.is_here,
               why_not=self.tr("Select one sample at the site (not shipped, used or destroyed).") if one is None
               or not one.status.is_here else "")
        ship_why = (self.tr("Select the samples to ship.") if not count else too_many if too_many
                    else self.tr("A shipment holds the samples of one study: select samples of one study.")
                    if len(studies) > 1
                    else self.tr("Only samples at the site can be shipped (not shipped, used or destroyed ones).")
                    if not all(row.status.is_here for row in chosen) else "")
        permit(self.ship_button, self._ctx, Permission.RECORD, study, possible=not ship_why, why_not=ship_why)
        label_why = self.tr("Select the samples to label.") if not count else too_many
        permit(self.labels_button, self._ctx, Permission.READ, study if len(studies) <= 1 else None,
               possible=not label_why and all(self._ctx.may(Permission.READ, code) for code in studies),
               why_not=label_why)

    def _open_index(self, index: QModelIndex) -> None:
        code = self.model.code_at(index.row())
        if code:
            self.open_sample(code)

    def open_sample(self, code: str) -> QDialog:
        return open_sample(self._ctx, code, self, lambda _code: self.refresh())

    def open_current(self) -> QDialog | None:
        chosen = self.current()
        return self.open_sample(chosen.code) if chosen else None

    def store_current(self) -> QDialog | None:
        """Store or move the selected sample: its own store step, the place asked."""
        chosen = self.current()
        if chosen is None:
            return None
        from ui.sample_dialog import StoreDialog

        try:
            detail = queries.find(self._ctx, chosen.code)
        except CoordinatorError as error:
            say(self.problem, error.message)
            return None
        dialog = StoreDialog(self._ctx, detail, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _where: self.refresh())
        dialog.open()
        return dialog

    def ship_selected(self) -> QDialog | None:
        chosen = self.selected()
        if not chosen:
            return None
        from ui.ship_dialog import ShipDialog

        dialog = ShipDialog(self._ctx, [row.code for row in chosen], self, rows=chosen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.shipped.connect(lambda _number: self.refresh())
        dialog.open()
        return dialog

    def print_labels(self) -> QDialog | None:
        chosen = self.selected()
        if not chosen:
            return None
        from ui.label_print_dialog import LabelPrintDialog

        dialog = LabelPrintDialog(self._ctx, [row.code for row in chosen], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
