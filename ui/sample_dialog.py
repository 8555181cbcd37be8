"""One sample: what it is, where it is, what happened to it and what was made from it, and each next step of its
custody. A step the sample's status or the user's role does not allow is greyed, its tooltip saying why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import InputError, RuleViolation
from coordinator.samples import service, storage
from coordinator.samples.custody import Event, Status, next_status
from coordinator.samples.lineage import cells_per_kg
from coordinator.samples.positions import position_label
from coordinator.samples.quantities import EPSILON, cells_text, parse_cell_count, parse_weight, same_dimension
from coordinator.samples.queries import EventRow, SampleDetail, find
from coordinator.samples.service import Derivation
from coordinator.samples.storage import UnitKind
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.studies.sample_schema import SampleType
from ui.forms import WARNING_STYLE, buddy_label, heading_label, say, value_label
from ui.label_print_dialog import LabelPrintDialog
from ui.sample_forms import SampleRowsModel, StepDialog, VolumeInput, beside, show_moment
from ui.ship_dialog import ShipDialog
from ui.signed_in_user import permit
from ui.tables import Index, NamedColumnsModel, set_up_read_only_table

EVENT_COLUMNS = ("at", "event", "by", "where", "details")


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


class EventsModel(NamedColumnsModel):
    """A sample's custody, oldest first, as it happened."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(EVENT_COLUMNS, parent)
        self.titles = {"at": self.tr("When"), "event": self.tr("Event"), "by": self.tr("By"),
                       "where": self.tr("Where"), "details": self.tr("Reason or note")}
        self.events: list[EventRow] = []

    def set_events(self, events: list[EventRow]) -> None:
        self.beginResetModel()
        self.events = events
        self.endResetModel()

    def row_total(self) -> int:
        return len(self.events)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        event = self.events[index.row()]
        where = [event.location or ""]
        if event.destination:
            where.append(self.tr("to {destination}").format(destination=event.destination))
        if event.manifest:
            where.append(self.tr("manifest {number}").format(number=event.manifest))
        values = {"at": show_moment(event.at), "event": event.event.label, "by": event.by,
                  "where": " · ".join(part for part in where if part),
                  "details": " · ".join(part for part in (event.reason, event.note) if part)}
        return values[EVENT_COLUMNS[index.column()]]


class SampleDialog(QDialog):
    """Signals:
    changed(str): a sample's id, after something was recorded about it here (or in a sample opened from here).
    """

    changed = Signal(str)

    def __init__(self, ctx: Context, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.resize(1040, 760)
        detail = find(ctx, code)
        self._code = detail.row.code
        plan = catalogue.current(ctx, detail.row.study).definition.samples
        self._plan_types = {kind.id: kind for kind in plan.types} if plan else {}
        self.setWindowTitle(self.tr("Sample {code}").format(code=self._code))

        self.code = heading_label(1.6)
        self.code.setWordWrap(False)  # an id is read whole
        self.status_badge = heading_label(1.1)
        self.status_badge.setWordWrap(False)
        self.study, self.participant, self.type, self.timepoint = (value_label() for _ in range(4))
        self.collected, self.volume, self.dose, self.notes = (value_label() for _ in range(4))
        self.status, self.location, self.level = value_label(), value_label(), value_label()
        self.parent_link = QLabel()
        self.parent_link.setTextFormat(Qt.TextFormat.RichText)
        self.parent_link.linkActivated.connect(self.open_sample)
        sample_box = QGroupBox(self.tr("Sample"))
        self._sample_form = QFormLayout(sample_box)
        self._sample_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, value in ((self.tr("Study:"), self.study), (self.tr("Participant:"), self.participant),
                            (self.tr("Type:"), self.type), (self.tr("Timepoint:"), self.timepoint),
                            (self.tr("Collected:"), self.collected), (self.tr("Volume:"), self.volume),
                            (self.tr("Dose:"), self.dose), (self.tr("Notes:"), self.notes)):
            self._sample_form.addRow(text, value)
        custody_box = QGroupBox(self.tr("Custody"))
        custody_form = QFormLayout(custody_box)
        custody_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, value in ((self.tr("Status:"), self.status), (self.tr("Location:"), self.location),
                            (self.tr("Made from:"), self.parent_link), (self.tr("Level:"), self.level)):
            custody_form.addRow(text, value)

        self.receive_button = self._action(self.tr("&Receive…"), self.tr("The sample arrived at the lab, or came "
                                                                        "back from where it was shipped"),
                                           self.receive)
        self.store_button = self._action(self.tr("&Store / Move…"), self.tr("Put it in a box position, or move it "
                                                                           "to another"), self.store)
        self.retrieve_button = self._action(self.tr("Re&trieve…"), self.tr("Take it out of its box"), self.retrieve)
        self.aliquot_button = self._action(self.tr("&Aliquot…"), self.tr("Split it into aliquots of the same type"),
                                           self.aliquot)
        self.derive_button = self._action(self.tr("&Derive…"), self.tr("Make another type of sample from it"),
                                          self.derive)
        self.ship_button = self._action(self.tr("S&hip…"), self.tr("Send it elsewhere under a manifest number"),
                                        self.ship)
        self.use_button = self._action(self.tr("&Use…"), self.tr("It was used up (an assay, an infusion)"), self.use)
        self.destroy_button = self._action(self.tr("Destr&oy…"), self.tr("It was destroyed; its record stays"),
                                           self.destroy)
        self.label_button = self._action(self.tr("&Print label…"), self.tr("A label with its id, as text and "
                                                                          "barcodes"), self.print_label)
        actions = QVBoxLayout()
        for button in (self.receive_button, self.store_button, self.retrieve_button, self.aliquot_button,
                       self.derive_button, self.ship_button, self.use_button, self.destroy_button):
            actions.addWidget(button)
        actions.addSpacing(12)
        actions.addWidget(self.label_button)
        actions.addStretch(1)
        facts = QHBoxLayout()
        facts.addWidget(sample_box, 3)
        right = QVBoxLayout()
        right.addWidget(custody_box)
        right.addStretch(1)
        facts.addLayout(right, 2)
        facts.addLayout(actions)

        self.events_model = EventsModel(self)
        self.events = QTableView()
        self.events.setModel(self.events_model)
        set_up_read_only_table(self.events)
        self.children_model = SampleRowsModel(parent=self)
        self.children_table = QTableView()
        self.children_table.setModel(self.children_model)
        set_up_read_only_table(self.children_table)
        self.children_table.activated.connect(  # a double click or Enter
            lambda index: self.open_sample(self.children_model.sample(index).code))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.events, "")
        self.tabs.addTab(self.children_table, "")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        heading = QHBoxLayout()
        heading.addWidget(self.code)
        heading.addWidget(self.status_badge)
        heading.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(facts)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.show_detail(detail)

    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        return button

    def reload(self) -> None:
        self.show_detail(find(self._ctx, self._code))

    def show_detail(self, detail: SampleDetail) -> None:
        self.detail = detail
        row = detail.row
        self.code.setText(row.code)
        self.status_badge.setText(row.status.label)
        self.status_badge.setStyleSheet("color: #777777;" if row.status.is_final or row.status is Status.shipped
                                        else "color: #1e6b2b;")
        self.study.setText(row.study)
        self.participant.setText(row.participant)
        self.type.setText(self.tr("{label} ({id}) · {specimen}").format(
            label=detail.type_label, id=row.type_id, specimen=detail.specimen))
        self.timepoint.setText(f"{detail.timepoint_label} ({row.timepoint})" if detail.timepoint_label
                               else row.timepoint or self.tr("unscheduled"))
        self.collected.setText(self.tr("{at} by {who}").format(at=show_moment(row.collected_at),
                                                               who=detail.collected_by))
        volume = self.tr("{volume}, {left} left").format(volume=row.volume_text, left=row.remaining_text)
        if detail.taken is not None and row.parent:
            volume += "\n" + self.tr("took {taken:g} {unit} of {parent}").format(
                taken=detail.taken, unit=find(self._ctx, row.parent).row.unit, parent=row.parent)
        self.volume.setText(volume)
        dose = detail.dose_per_kg
        self._sample_form.setRowVisible(self.dose, dose is not None)
        if dose is not None:
            self.dose.setText(self.tr("{dose} {marker} cells/kg\n{total} cells, {marker_cells} {marker}, recipient "
                                      "{weight:g} kg").format(
                dose=cells_text(dose), marker=detail.marker, total=cells_text(detail.total_cells or 0),
                marker_cells=cells_text(detail.marker_cells or 0), weight=detail.recipient_weight_kg or 0))
        self.notes.setText(detail.notes or "–")
        self.status.setText(row.status.label)
        self.location.setText(row.location or self.tr("not in storage"))
        origins = {"collected": self.tr("collected"), "aliquot": self.tr("aliquot"),
                   "derivative": self.tr("derivative")}
        self.parent_link.setText(f'<a href="{row.parent}">{row.parent}</a>' if row.parent
                                 else self.tr("collected from the participant"))
        self.level.setText(self.tr("{level} ({origin})").format(level=row.level, origin=origins.get(row.origin,
                                                                                                    row.origin)))
        self.events_model.set_events(detail.events)
        self.events.resizeColumnsToContents()
        self.children_model.set_rows(detail.children)
        self.children_table.resizeColumnsToContents()
        self.tabs.setTabText(0, self.tr("Custody &events (%n)", "", len(detail.events)))
        self.tabs.setTabText(1, self.tr("Aliquots and deri&vatives (%n)", "", len(detail.children)))
        self._permit()

    def _why_not(self, event: Event) -> str:
        """The custody rule's own refusal when `event` cannot follow the sample's status now ("" when it can)."""
        try:
            next_status(self.detail.row.status, event, self._code)
        except RuleViolation as refusal:
            return refusal.message
        return ""

    def _permit(self) -> None:
        row = self.detail.row
        kind = self._plan_types.get(row.type_id)
        empty = self.tr("Nothing is left of {code}.").format(code=row.code) if row.remaining <= EPSILON else ""
        makes_nothing = "" if kind and kind.derivatives else self.tr("Nothing can be made from a {type}.").format(
            type=self.detail.type_label)
        dosed = self.tr("A {type} is counted and dosed as made; it is not split.").format(
            type=self.detail.type_label) if kind and kind.dose else ""
        stored = row.status is Status.stored
        steps = ((self.receive_button, self._why_not(Event.received_back if row.status is Status.shipped
                                                     else Event.received)),
                 (self.store_button, self._why_not(Event.moved if stored else Event.stored)),
                 (self.retrieve_button, self._why_not(Event.retrieved)),
                 (self.aliquot_button, self._why_not(Event.aliquoted) or dosed or empty),
                 (self.derive_button, self._why_not(Event.processed) or makes_nothing or empty),
                 (self.ship_button, self._why_not(Event.shipped)),
                 (self.use_button, self._why_not(Event.used)),
                 (self.destroy_button, self._why_not(Event.destroyed)))
        for button, why in steps:
            permit(button, self._ctx, Permission.RECORD, row.study, possible=not why, why_not=why)
        permit(self.label_button, self._ctx, Permission.READ, row.study)

    def _open_step(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _result: self._after_change(self._code))
        dialog.open()
        return dialog

    def _after_change(self, code: str) -> None:
        self.reload()
        self.changed.emit(code)

    def receive(self) -> StepDialog:
        return self._open_step(NoteStep(
            self._ctx, self.detail, self.tr("Receive {code}").format(code=self._code), self.tr("&Record receipt"),
            lambda _text, at: service.receive(self._ctx, self._code, at), self,
            when=self.tr("&Received on:")))

    def store(self) -> StepDialog:
        return self._open_step(StoreDialog(self._ctx, self.detail, self))

    def retrieve(self) -> StepDialog:
        return self._open_step(NoteStep(
            self._ctx, self.detail, self.tr("Retrieve {code}").format(code=self._code),
            self.tr("&Retrieve"), lambda note, at: service.retrieve(self._ctx, self._code, at, note), self,
            when=self.tr("&Retrieved on:"), text=(self.tr("&Note:"), "note", self.tr("optional, e.g. for thawing"))))

    def aliquot(self) -> StepDialog:
        return self._open_step(AliquotDialog(self._ctx, self.detail, self))

    def derive(self) -> StepDialog:
        kind = self._plan_types[self.detail.row.type_id]
        return self._open_step(DeriveDialog(self._ctx, self.detail, [self._plan_types[made] for made in
                                                                     kind.derivatives], self))

    def use(self) -> StepDialog:
        return self._open_step(NoteStep(
            self._ctx, self.detail, self.tr("Record the use of {code}").format(code=self._code), self.tr("&Record use"),
            lambda reason, at: service.use(self._ctx, self._code, reason, at), self, when=self.tr("&Used on:"),
            text=(self.tr("Used &for:"), "reason", self.tr("e.g. MRD assay, infusion to the recipient"))))

    def destroy(self) -> StepDialog:
        return self._open_step(DestroyDialog(self._ctx, self.detail, self))

    def ship(self) -> ShipDialog:
        dialog = ShipDialog(self._ctx, [self._code], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.shipped.connect(lambda _number: self._after_change(self._code))
        dialog.open()
        return dialog

    def print_label(self) -> LabelPrintDialog:
        dialog = LabelPrintDialog(self._ctx, [self._code], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_sample(self, code: str) -> SampleDialog:
        """The parent or a child, in a window of its own; what is recorded there shows here too."""
        dialog = SampleDialog(self._ctx, code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._after_change)
        dialog.open()
        return dialog


class NoteStep(StepDialog):
    """A step that takes a time and, for some, one line of text (a note, what the sample was used for)."""

    def __init__(self, ctx: Context, detail: SampleDetail, title: str, accept_text: str,
                 call: Callable[[str, datetime], object], parent: QWidget | None = None, *, when: str,
                 text: tuple[str, str, str] | None = None) -> None:
        super().__init__(ctx, parent)
        self.name(title, accept_text)
        self.add_sample(self.tr("Sample:"), detail)
        self._call = call
        self.text = QLineEdit()
        if text is not None:
            label, field, placeholder = text
            self.text.setPlaceholderText(placeholder)
            self.add_row(label, field, self.text)
        self.add_row(when, "at", self.at)

    def apply(self) -> object:
        return self._call(self.text.text(), self.at.value())


class DestroyDialog(NoteStep):
    """Destroying is final: the reason is required, and the user confirms once more, naming the sample."""

    def __init__(self, ctx: Context, detail: SampleDetail, parent: QWidget | None = None) -> None:
        code = detail.row.code
        super().__init__(ctx, detail, "", "", lambda reason, at: service.destroy(ctx, code, reason, at), parent,
                         when=_tr("DestroyDialog", "&Destroyed on:"),
                         text=(_tr("DestroyDialog", "&Reason:"), "reason",
                               _tr("DestroyDialog", "required, e.g. tube broken, consent withdrawn")))
        self.name(self.tr("Destroy {code}").format(code=code), self.tr("&Destroy…"))
        self._code = code
        warning = value_label()
        warning.setStyleSheet(WARNING_STYLE)
        warning.setText(self.tr("{code} will be marked destroyed. This cannot be undone: it can no longer be stored, "
                                "shipped or used. Its record and id stay.").format(code=code))
        self.layout().insertWidget(0, warning)  # a box layout gives a wrapped label its height; a form row does not
        self.layout().insertSpacing(1, 8)
        self.question: QMessageBox | None = None

    def accept(self) -> None:
        """Check the reason, then ask once more; only a confirmed destruction is recorded."""
        self.messages.clear()
        if not self.text.text().strip():
            self.messages.show(InputError(self.tr("A reason is required to destroy a sample."), field="reason"))
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Destroy a sample"), self.tr(
            "Destroy {code}?\n\nReason: {reason}").format(code=self._code, reason=self.text.text().strip()),
            QMessageBox.StandardButton.NoButton, self)
        box.addButton(self.tr("Destroy {code}").format(code=self._code), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(self._answered)  # a method, not a lambda holding the box it is deleted with
        self.question = box
        box.open()

    def _answered(self, button: QAbstractButton) -> None:
        box, self.question = self.question, None
        if box is not None and box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
            super().accept()


class StoreDialog(StepDialog):
    """Where to put the sample: typed as FREEZER/RACK/BOX/POSITION (box paths complete as you type), or picked from
    the boxes and their free positions."""

    def __init__(self, ctx: Context, detail: SampleDetail, parent: QWidget | None = None) -> None:
        row = detail.row
        moving = row.status is Status.stored
        super().__init__(ctx, parent)
        self.name((self.tr("Move {code}") if moving else self.tr("Store {code}")).format(code=row.code),
                  self.tr("&Move") if moving else self.tr("&Store"))
        self._code = row.code
        self._boxes = [unit for unit in storage.units(ctx) if unit.kind is UnitKind.box]
        self.add_sample(self.tr("Sample:"), detail)
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("FREEZER/RACK/BOX/POSITION, e.g. F1/R1/B1/A1"))
        completer = QCompleter([f"{box.path}/" for box in self._boxes], self.location)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.location.setCompleter(completer)
        self.add_row(self.tr("&Location:"), "location", self.location)
        self.box = QComboBox()
        self.box.setPlaceholderText(self.tr("choose a box") if self._boxes else self.tr("no box yet: add one under "
                                                                                         "Storage"))
        for box in self._boxes:
            size = (box.rows or 0) * (box.columns or 0)
            self.box.addItem(self.tr("{path} ({free} of {size} free)").format(
                path=box.path, free=size - box.occupied, size=size), box.path)
        self.box.setCurrentIndex(-1)
        self.position = QComboBox()
        self.position.setPlaceholderText(self.tr("position"))
        self.position.setMinimumContentsLength(5)
        picker = QWidget()
        picker_layout = QHBoxLayout(picker)
        picker_layout.setContentsMargins(0, 0, 0, 0)
        picker_layout.addWidget(self.box, 1)
        picker_layout.addWidget(self.position)
        picker.setFocusProxy(self.box)
        self.form.addRow(buddy_label(self.tr("or &pick:"), self.box), picker)
        self.add_row(self.tr("Stored &on:") if not moving else self.tr("Moved &on:"), "at", self.at)
        self.box.currentIndexChanged.connect(self._show_free_positions)
        self.position.activated.connect(self._use_position)

    def _show_free_positions(self) -> None:
        self.position.clear()
        path = self.box.currentData()
        if not path:
            return
        shown = storage.box_map(self._ctx, path)
        for number in range(1, shown.rows * shown.columns + 1):
            if number not in shown.occupants:
                self.position.addItem(position_label(number, shown.columns))
        self.position.setCurrentIndex(-1)
        self.position.setFocus()

    def _use_position(self) -> None:
        self.location.setText(f"{self.box.currentData()}/{self.position.currentText()}")
        self.messages.clear("location")

    def apply(self) -> object:
        return service.store(self._ctx, self._code, self.location.text(), self.at.value())


class _MakeDialog(StepDialog):
    """Samples made from this one (aliquots, derivatives): how many, how much each, and what is left after."""

    def __init__(self, ctx: Context, detail: SampleDetail, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.detail = detail
        self.count = QSpinBox()
        self.count.setRange(1, service.MAX_ALIQUOTS)
        self.count.setValue(1)
        self.volume = VolumeInput(unit)
        self.left = QLabel()  # not wrapped: the dialog widens rather than clip a second line
        self.add_sample(self.tr("From:"), detail)

    def taken_each(self) -> float | None:
        """What each new sample takes from the parent, in the parent's unit (None while not readable)."""
        amount = self.volume.quantity()
        if amount is None or not same_dimension(amount.unit, self.detail.row.unit):
            return None
        return amount.to(self.detail.row.unit)

    def show_left(self) -> None:
        row = self.detail.row
        each = self.taken_each()
        if each is None:
            say(self.left, "")
            return
        total = each * self.count.value()
        after = row.remaining - total
        self.left.setStyleSheet(WARNING_STYLE if after < -EPSILON else "")
        self.left.setText(self.tr("{count} × {each:g} {unit} = {total:g} {unit}: {after:g} {unit} of {code} would "
                                  "be left.").format(count=self.count.value(), each=each, unit=row.unit, total=total,
                                                     after=max(after, 0.0), code=row.code)
                          if after >= -EPSILON else
                          self.tr("{count} × {each:g} {unit} = {total:g} {unit}: more than the {left:g} {unit} "
                                  "left.").format(count=self.count.value(), each=each, unit=row.unit, total=total,
                                                  left=row.remaining))
        self.left.show()


class AliquotDialog(_MakeDialog):
    def __init__(self, ctx: Context, detail: SampleDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, detail, detail.row.unit, parent)
        self.name(self.tr("Aliquot {code}").format(code=detail.row.code), self.tr("&Make aliquots"))
        self.count.setValue(2)
        self.add_row(self.tr("&Number of aliquots:"), "count", self.count)
        self.add_row(self.tr("&Volume of each:"), "volume", self.volume)
        self.form.addRow(self.tr("Remainder:"), self.left)
        self.add_row(self.tr("Aliquoted &on:"), "at", self.at)
        self.count.valueChanged.connect(self.show_left)
        self.volume.amount.textChanged.connect(self.show_left)
        self.volume.unit.currentTextChanged.connect(self.show_left)
        self.show_left()

    def apply(self) -> object:
        return service.aliquot(self._ctx, self.detail.row.code, self.count.value(), self.volume.text(),
                               self.at.value())


class DeriveDialog(_MakeDialog):
    """A derivative among the types the parent's type makes; a cell product dosed per kg also takes its counts and
    the recipient's weight, and shows the dose as it is typed."""

    def __init__(self, ctx: Context, detail: SampleDetail, kinds: list[SampleType],
                 parent: QWidget | None = None) -> None:
        code = detail.row.code
        super().__init__(ctx, detail, kinds[0].unit if kinds else detail.row.unit, parent)
        self.name(self.tr("Derive from {code}").format(code=code), self.tr("&Derive"))
        self._kinds = kinds
        self.kind = QComboBox()
        for kind in kinds:
            self.kind.addItem(f"{kind.label} ({kind.id})", kind.id)
        self.taken = VolumeInput(detail.row.unit)
        self.taken.amount.setPlaceholderText(self.tr("the volume, unless said otherwise"))
        self.total_cells = QLineEdit()
        self.total_cells.setPlaceholderText(self.tr("e.g. 5e8 or 5 x 10^8"))
        self.marker_cells = QLineEdit()
        self.marker_cells.setPlaceholderText(self.tr("e.g. 7e7"))
        self.weight = QLineEdit()
        self.weight.setPlaceholderText(self.tr("e.g. 70"))
        self.dose_value = QLabel()
        bold = self.dose_value.font()
        bold.setBold(True)
        self.dose_value.setFont(bold)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("optional, e.g. cryopreserved in 10 % DMSO"))
        self.add_row(self.tr("&Type:"), "type", self.kind)
        self.add_row(self.tr("&Number made:"), "count", self.count)
        self.add_row(self.tr("&Volume of each:"), "volume", self.volume)
        self.add_row(self.tr("Ta&ken from it, each:"), "taken", self.taken)
        self.form.addRow(self.tr("Remainder:"), self.left)
        self._dose_rows = [self.add_row(self.tr("Total &cells in each:"), "total_cells", self.total_cells)]
        self.marker_label = QLabel()
        self.marker_label.setBuddy(self.marker_cells)
        marker_field = beside(self.messages, "marker_cells", self.marker_cells)
        self.form.addRow(self.marker_label, marker_field)
        self._dose_rows += [marker_field,
                            self.add_row(self.tr("Recipient's &weight (kg):"), "weight", self.weight),
                            self.add_row(self.tr("Dose per kg:"), "cells", self.dose_value)]
        self.add_row(self.tr("N&otes:"), "notes", self.notes)
        self.add_row(self.tr("Made &on:"), "at", self.at)
        self.kind.currentIndexChanged.connect(self._show_kind)
        for changed in (self.total_cells.textChanged, self.marker_cells.textChanged, self.weight.textChanged):
            changed.connect(self.show_dose)
            changed.connect(lambda _text: self.messages.clear("cells"))
        self.setMinimumWidth(760)
        self.count.valueChanged.connect(self.show_left)
        for amount in (self.volume, self.taken):
            amount.amount.textChanged.connect(self.show_left)
            amount.unit.currentTextChanged.connect(self.show_left)
        self._show_kind()

    def chosen(self) -> SampleType | None:
        return next((kind for kind in self._kinds if kind.id == self.kind.currentData()), None)

    def _show_kind(self) -> None:
        kind = self.chosen()
        dosed = kind is not None and kind.dose is not None
        for row in self._dose_rows:
            self.form.setRowVisible(row, dosed)
        if kind is not None:
            self.volume.unit.setCurrentText(kind.unit)
        if kind is not None and kind.dose is not None:
            self.marker_label.setText(self.tr("&{marker} cells in each:").format(marker=kind.dose.marker))
        self.show_dose()
        self.show_left()

    def taken_each(self) -> float | None:
        if not self.taken.amount.text().strip():
            return super().taken_each()
        amount = self.taken.quantity()
        if amount is None or not same_dimension(amount.unit, self.detail.row.unit):
            return None
        return amount.to(self.detail.row.unit)

    def dose(self) -> float | None:
        """CD3+ (or the type's marker) cells per kg of the recipient, as typed so far; None while incomplete."""
        try:
            parse_cell_count(self.total_cells.text(), "total_cells", "")
            marker = parse_cell_count(self.marker_cells.text(), "marker_cells", "")
            return cells_per_kg(marker, parse_weight(self.weight.text()))
        except InputError:
            return None

    def show_dose(self) -> None:
        kind = self.chosen()
        dose = self.dose()
        if kind is None or kind.dose is None:
            return
        self.dose_value.setText(self.tr("{dose} {marker} cells/kg").format(dose=cells_text(dose),
                                                                           marker=kind.dose.marker)
                                if dose is not None else self.tr("shown once the counts and the weight are typed"))

    def apply(self) -> object:
        kind = self.chosen()
        dosed = kind is not None and kind.dose is not None
        return service.derive(self._ctx, self.detail.row.code, Derivation(
            self.kind.currentData() or "", self.volume.text(), count=self.count.value(),
            taken=self.taken.text() or None, at=self.at.value(),
            total_cells=self.total_cells.text() if dosed else None,
            marker_cells=self.marker_cells.text() if dosed else None,
            weight=self.weight.text() if dosed else None, notes=self.notes.text()))
