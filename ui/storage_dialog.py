"""Samples > Storage…: freezers, racks and boxes as a tree, the chosen box as a map, and storing a tube in a free
position; "Find sample" shows where a sample is in one step (its box chosen, its position outlined)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.context import Context
from coordinator.errors import CoordinatorError, InputError
from coordinator.samples import service, storage
from coordinator.samples.custody import Status
from coordinator.samples.positions import MAX_COLUMNS, MAX_ROWS, parse_location, position_number
from coordinator.samples.storage import BoxMap, UnitKind, UnitRow
from coordinator.security.permissions import Permission
from ui.box_map import FREE_FILL, HIDDEN_FILL, STATUS_FILL, BoxMapWidget
from ui.forms import (
    FieldMessages,
    accept_buttons,
    buddy_label,
    heading_label,
    lay_out_form,
    message_label,
    say,
    value_label,
)
from ui.scan_field import ScanField, open_sample
from ui.screening_log_dialog import SUCCESS_STYLE
from ui.signed_in_user import permit

PATH_ROLE = Qt.ItemDataRole.UserRole
DEFAULT_BOX_SIZE = 9
TREE_WIDTH = 440


def _tr(text: str) -> str:
    return QCoreApplication.translate("StorageDialog", text)


def box_summary(box: UnitRow | BoxMap) -> str:
    """"9 × 9 · 40 of 81 taken, 41 free" for a box, from its listing or its map."""
    occupied = box.occupied if isinstance(box, UnitRow) else len(box.occupants)
    rows, columns = box.rows or 0, box.columns or 0
    return _tr("{rows} × {columns} · {occupied} of {places} taken, {free} free").format(
        rows=rows, columns=columns, occupied=occupied, places=rows * columns, free=rows * columns - occupied)


class StorageDialog(QDialog):
    """Opened from Samples > Storage…; anyone who may read samples may look, adding and storing need RECORD.

    Signals:
        changed(): a unit was added or a sample stored here (the samples view reads its list again).
    """

    changed = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._units: dict[str, UnitRow] = {}
        self.setWindowTitle(self.tr("Storage"))
        self.resize(1240, 780)
        heading = heading_label(1.25)
        heading.setText(self.tr("Storage: freezers, racks and boxes"))

        self.find = ScanField(ctx, opens=False)
        self.find.found.connect(self.show_sample)
        find_row = QHBoxLayout()
        find_row.addWidget(buddy_label(self.tr("&Find sample:"), self.find.field))
        find_row.addWidget(self.find, 1)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Storage"), self.tr("Samples"), self.tr("Note")])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        self.tree.setColumnWidth(0, metrics.horizontalAdvance("PRODUCTS-01") + 70)  # room for two indents
        self.tree.setColumnWidth(1, max(metrics.horizontalAdvance("000 of 000"),
                                        metrics.horizontalAdvance(self.tr("Samples"))) + 24)
        self.tree.currentItemChanged.connect(lambda _now, _before: self._show_current())
        self.add_freezer_button = QPushButton(self.tr("Add &freezer…"))
        self.add_rack_button = QPushButton(self.tr("Add &rack…"))
        self.add_box_button = QPushButton(self.tr("Add &box…"))
        for button, kind in ((self.add_freezer_button, UnitKind.freezer), (self.add_rack_button, UnitKind.rack),
                             (self.add_box_button, UnitKind.box)):
            button.clicked.connect(lambda _checked=False, kind=kind: self.add_unit(kind))
        adding = QHBoxLayout()
        for button in (self.add_freezer_button, self.add_rack_button, self.add_box_button):
            adding.addWidget(button)
        adding.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        tree_label = buddy_label(self.tr("&Units"), self.tree)
        left_layout.addWidget(tree_label)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(adding)

        self.box_title = heading_label(1.1)
        self.box_facts = value_label()
        self.map = BoxMapWidget()
        self.map.chosen.connect(self._position_chosen)
        self.map.opened.connect(self.open_sample)
        self.map.activated.connect(self._activated)
        self.position = value_label()
        self.store_button = QPushButton(self.tr("&Store a sample here…"))
        self.store_button.clicked.connect(lambda: self.store_sample())
        self.open_button = QPushButton(self.tr("&Open sample"))
        self.open_button.clicked.connect(self._open_chosen)
        position_row = QHBoxLayout()
        position_row.addWidget(self.position, 1)
        position_row.addWidget(self.open_button)
        position_row.addWidget(self.store_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.box_title)
        right_layout.addWidget(self.box_facts)
        right_layout.addWidget(self.map, 1)
        right_layout.addWidget(legend())
        right_layout.addLayout(position_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([TREE_WIDTH, 1240 - TREE_WIDTH])
        self.outcome = message_label(SUCCESS_STYLE)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (*buttons.buttons(), self.add_freezer_button, self.add_rack_button, self.add_box_button,
                       self.store_button, self.open_button):
            button.setAutoDefault(False)  # Enter belongs to the find field (a scanner presses it)
        bottom = QHBoxLayout()
        bottom.addWidget(self.outcome, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(find_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.reload()
        self.find.field.setFocus()

    # --- the tree ------------------------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """Read the units again; keep (or move to `select`) the chosen one."""
        keep = select or self.current_path()
        rows = storage.units(self._ctx)
        self._units = {row.path: row for row in rows}
        items: dict[int, QTreeWidgetItem] = {}
        self.tree.blockSignals(True)
        self.tree.clear()
        for row in rows:
            item = QTreeWidgetItem([row.name, "", row.note or ""])
            item.setData(0, PATH_ROLE, row.path)
            item.setToolTip(0, f"{row.kind.label} {row.path}")
            item.setToolTip(2, row.note or "")
            if row.kind is UnitKind.box:
                places = (row.rows or 0) * (row.columns or 0)
                item.setText(1, self.tr("{occupied} of {places}").format(occupied=row.occupied, places=places))
                item.setToolTip(1, box_summary(row))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            parent = items.get(row.parent_id) if row.parent_id is not None else None
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[row.id] = item
        self.tree.expandAll()
        self.tree.blockSignals(False)
        chosen = self._item(keep) if keep else None
        if chosen is None:  # the first box, else the first unit: a map is what the window is for
            first_box = next((row.path for row in rows if row.kind is UnitKind.box), None)
            chosen = self._item(first_box) if first_box else self.tree.topLevelItem(0)
        if chosen is not None:
            self.tree.blockSignals(True)  # shown once, below
            self.tree.setCurrentItem(chosen)
            self.tree.blockSignals(False)
        self._show_current()
        self._apply_roles()

    def _item(self, path: str) -> QTreeWidgetItem | None:
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item.data(0, PATH_ROLE) == path:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None

    def current_path(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, PATH_ROLE) if item is not None else None

    def current_unit(self) -> UnitRow | None:
        path = self.current_path()
        return self._units.get(path) if path else None

    def _apply_roles(self) -> None:
        """Adding and storing are records (RECORD on some study; the services refuse anyway)."""
        kinds = {row.kind for row in self._units.values()}
        permit(self.add_freezer_button, self._ctx, Permission.RECORD)
        permit(self.add_rack_button, self._ctx, Permission.RECORD, possible=UnitKind.freezer in kinds,
               why_not=self.tr("Add a freezer first."))
        permit(self.add_box_button, self._ctx, Permission.RECORD, possible=UnitKind.rack in kinds,
               why_not=self.tr("Add a rack first."))
        self._position_chosen(self.map.current)

    # --- the box -------------------------------------------------------------------------------------------------

    def _show_current(self) -> None:
        unit = self.current_unit()
        if unit is None or unit.kind is not UnitKind.box:
            self.map.show_box(None)
            if unit is None:
                self.box_title.setText(self.tr("No storage yet") if not self._units else "")
                self.box_facts.setText(self.tr("Add a freezer, a rack in it, then boxes in the rack.")
                                       if not self._units else "")
            else:
                inside = [row for row in self._units.values() if row.parent_id == unit.id]
                self.box_title.setText(f"{unit.kind.label.capitalize()} {unit.path}")
                holds = self.tr("empty") if not inside else ", ".join(row.name for row in inside)
                self.box_facts.setText(" · ".join(part for part in (unit.note, self.tr("holds: {units}").format(
                    units=holds)) if part))
            self._position_chosen(None)
            return
        self.show_box(unit.path)

    def show_box(self, path: str, position: int | None = None) -> BoxMap | None:
        """Draw a box (read again) and outline `position` in it."""
        try:
            box = storage.box_map(self._ctx, path)
        except CoordinatorError as error:
            self.map.show_box(None)
            self.box_facts.setText(error.message)
            return None
        self.box_title.setText(self.tr("Box {path}").format(path=box.path))
        note = self._units[path].note if path in self._units else None
        self.box_facts.setText(" · ".join(part for part in (box_summary(box), note) if part))
        self.map.show_box(box)
        if position is not None:
            self.map.highlight(position)
        self._position_chosen(self.map.current)
        return box

    def _position_chosen(self, position: int | None) -> None:
        """What the chosen position holds, and what can be done there."""
        box = self.map.box
        if box is None or position is None:
            self.position.setText(self.tr("Click a position: a free one to store a tube there, a taken one to "
                                          "see its sample (double-click opens it).") if box else "")
            free = opened = False
        else:
            where = f"{box.path}/{self.map.cell(position).label}"
            occupant = box.occupants.get(position)
            free, opened = occupant is None, occupant is not None and occupant.code is not None
            if occupant is None:
                self.position.setText(self.tr("{where}: free").format(where=where))
            elif occupant.code is None:
                self.position.setText(self.tr("{where}: a sample of a study you may not read").format(where=where))
            else:
                self.position.setText(self.tr("{where}: {code} · participant {participant} · {type} · {status}")
                                      .format(where=where, code=occupant.code, participant=occupant.participant,
                                              type=occupant.type_id, status=occupant.status.label))
        permit(self.store_button, self._ctx, Permission.RECORD, possible=free,
               why_not=self.tr("Choose a free position in a box first."))
        self.open_button.setEnabled(opened)

    def _activated(self, position: int) -> None:
        """Double-click (or Enter) on a free position: store a tube there."""
        self._position_chosen(position)
        if self.store_button.isEnabled():
            self.store_sample(position)

    def _open_chosen(self) -> None:
        position = self.map.current
        if self.map.box is not None and position is not None and self.map.cell(position).code:
            self.open_sample(self.map.cell(position).code or "")

    def open_sample(self, code: str) -> None:
        open_sample(self._ctx, code, self, lambda _code: self._after_store(None))

    # --- find, add, store ----------------------------------------------------------------------------------------

    def show_sample(self, code: str) -> None:
        """Find sample: choose the sample's box and outline its position, or say where it is instead."""
        detail = self.find.detail
        location = detail.row.location if detail is not None else None
        if detail is None or not location:
            status = detail.row.status.label if detail else ""
            self.find.say(self.tr("{code} is not in a box: it is {status}.").format(code=code, status=status))
            return
        place = parse_location(location)
        unit = self._units.get(place.box_path)
        if unit is None:  # added since the tree was read
            self.reload()
            unit = self._units.get(place.box_path)
        item = self._item(place.box_path)
        if unit is None or item is None:
            return
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self.tree.scrollToItem(item)
        number = position_number(place.position, unit.rows or 0, unit.columns or 0, unit.path)
        self.show_box(unit.path, number)
        self.find.say("")

    def add_unit(self, kind: UnitKind) -> AddUnitDialog:
        unit = self.current_unit()
        within = None
        if unit is not None and kind is not UnitKind.freezer:
            parts = unit.path.split("/")
            depth = 1 if kind is UnitKind.rack else 2
            within = "/".join(parts[:depth]) if len(parts) >= depth else None
        dialog = AddUnitDialog(self._ctx, kind, list(self._units.values()), within, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.added.connect(self._added)
        dialog.open()
        return dialog

    def _added(self, path: str) -> None:
        self.reload(select=path)
        say(self.outcome, self.tr("Added {path}.").format(path=path))
        self.changed.emit()

    def store_sample(self, position: int | None = None) -> StoreHereDialog | None:
        """Store a tube in the chosen free position: the dialog asks which (scan it)."""
        box = self.map.box
        chosen = position or self.map.current
        if box is None or chosen is None:
            return None
        dialog = StoreHereDialog(self._ctx, box.path, self.map.cell(chosen).label, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.stored.connect(self._after_store)
        dialog.open()
        return dialog

    def _after_store(self, where: str | None) -> None:
        box = self.map.box
        self.reload()
        if where:
            place = parse_location(where)
            unit = self._units[place.box_path]
            self.show_sample_at(unit, place.position)
            say(self.outcome, self.tr("Stored at {where}.").format(where=where))
        elif box is not None:
            self.show_box(box.path)
        self.changed.emit()

    def show_sample_at(self, unit: UnitRow, position: str) -> None:
        item = self._item(unit.path)
        if item is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)
        self.show_box(unit.path, position_number(position, unit.rows or 0, unit.columns or 0, unit.path))


def legend() -> QWidget:
    """What the colours of the map mean."""
    widget = QWidget()
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(0, 2, 0, 2)
    for color, text in ((FREE_FILL, _tr("free")), (STATUS_FILL[Status.stored], _tr("stored")),
                        (HIDDEN_FILL, _tr("another study's sample"))):
        swatch = QLabel()
        swatch.setFixedSize(14, 14)
        swatch.setStyleSheet(f"background: {color.name()}; border: 1px solid #9a9a9a;")
        layout.addWidget(swatch)
        layout.addWidget(QLabel(text))
        layout.addSpacing(12)
    layout.addStretch(1)
    return widget


class AddUnitDialog(QDialog):
    """Add a freezer, a rack in a freezer, or a box (rows × columns) in a rack.

    Signals:
        added(str): the unit's path, once added.
    """

    added = Signal(str)

    def __init__(self, ctx: Context, kind: UnitKind, units: list[UnitRow], within: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._kind = kind
        titles = {UnitKind.freezer: self.tr("Add a freezer"), UnitKind.rack: self.tr("Add a rack"),
                  UnitKind.box: self.tr("Add a box")}
        self.setWindowTitle(titles[kind])
        self.setMinimumWidth(460)
        general = message_label()
        self.messages = FieldMessages(general)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.within = QComboBox()
        parent_kind = {UnitKind.rack: UnitKind.freezer, UnitKind.box: UnitKind.rack}.get(kind)
        if parent_kind is not None:
            for unit in units:
                if unit.kind is parent_kind:
                    self.within.addItem(unit.path, unit.path)
            if within is not None and self.within.findData(within) >= 0:
                self.within.setCurrentIndex(self.within.findData(within))
            label = self.tr("In &freezer:") if parent_kind is UnitKind.freezer else self.tr("In &rack:")
            form.addRow(buddy_label(label, self.within), self.within)
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        examples = {UnitKind.freezer: "F1", UnitKind.rack: "R2", UnitKind.box: "BOX-07"}
        self.name.setPlaceholderText(self.tr("e.g. {example}").format(example=examples[kind]))
        form.addRow(buddy_label(self.tr("&Name:"), self.name), self.messages.beside("path", self.name))
        self.rows = QSpinBox()
        self.columns = QSpinBox()
        if kind is UnitKind.box:
            self.rows.setRange(1, MAX_ROWS)
            self.columns.setRange(1, MAX_COLUMNS)
            for spin in (self.rows, self.columns):
                spin.setValue(DEFAULT_BOX_SIZE)
            size = QWidget()
            size_layout = QHBoxLayout(size)
            size_layout.setContentsMargins(0, 0, 0, 0)
            size_layout.addWidget(self.rows)
            size_layout.addWidget(QLabel(self.tr("rows ×")))
            size_layout.addWidget(self.columns)
            size_layout.addWidget(QLabel(self.tr("columns")))
            size_layout.addStretch(1)
            form.addRow(buddy_label(self.tr("&Size:"), self.rows), self.messages.beside("size", size))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("-80 °C, liquid nitrogen, room…") if kind is UnitKind.freezer
                                     else self.tr("optional"))
        form.addRow(buddy_label(self.tr("N&ote:"), self.note), self.messages.beside("note", self.note))
        buttons, self.add_button = accept_buttons(self, self.tr("&Add"))
        lay_out_form(self, form, general=general, buttons=buttons)
        self.name.setFocus()

    def path(self) -> str:
        name = self.name.text().strip()
        within = self.within.currentData()
        return f"{within}/{name}" if within and name else name

    def accept(self) -> None:
        if self._kind is not UnitKind.freezer and self.within.count() == 0:
            self.messages.show(InputError(self.tr("Add the {kind} it goes in first.").format(
                kind=(UnitKind.freezer if self._kind is UnitKind.rack else UnitKind.rack).label), field="path"))
            return
        if not self.name.text().strip():
            self.messages.show(InputError(self.tr("Give it a name."), field="path"))
            return
        size = (self.rows.value(), self.columns.value()) if self._kind is UnitKind.box else (None, None)
        try:
            path = storage.add_unit(self._ctx, self._kind, self.path(), *size, note=self.note.text())
        except InputError as error:  # a name taken, the rack or freezer gone meanwhile
            self.messages.show(error)
            self.adjustSize()
            return
        except CoordinatorError as error:  # a refusal of the user's roles, the disk: said in the form
            self.messages.show(InputError(error.message), focus=False)
            return
        self.added.emit(path)
        super().accept()


class StoreHereDialog(QDialog):
    """Store a tube in a position of a box: opened from a free position of the map, it asks which sample (scan the
    tube: Enter stores it). The position can still be corrected; a position outside the box or taken meanwhile is
    refused beside it, nothing stored. (A sample's own window stores or moves it the other way round, in
    `ui.sample_dialog.StoreDialog`: the sample known, the place asked.)

    Signals:
        stored(str): where the sample now is, FREEZER/RACK/BOX/POSITION.
    """

    stored = Signal(str)

    def __init__(self, ctx: Context, box: str, position: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._box = box
        self.setWindowTitle(self.tr("Store a sample in {box}").format(box=box))
        self.setMinimumWidth(680)  # a refusal (outside the box, with its size) fits on one line
        general = message_label()
        self.messages = FieldMessages(general)
        self.sample = QLineEdit()
        self.sample.setPlaceholderText(self.tr("Scan or type the sample id"))
        self.position = QLineEdit(position)
        self.position.setMaxLength(5)
        self.position.setFixedWidth(self.position.fontMetrics().horizontalAdvance("MMMMMMM"))
        place = QWidget()
        place_layout = QHBoxLayout(place)
        place_layout.setContentsMargins(0, 0, 0, 0)
        place_layout.addWidget(QLabel(f"{box} /"))
        place_layout.addWidget(self.position)
        place_layout.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(buddy_label(self.tr("&Sample:"), self.sample), self.messages.beside("sample", self.sample))
        form.addRow(buddy_label(self.tr("&Position:"), self.position), self.messages.beside("location", place))
        buttons, self.store_button = accept_buttons(self, self.tr("&Store"))
        lay_out_form(self, form, general=general, buttons=buttons)
        self.sample.setFocus()

    def location(self) -> str:
        return f"{self._box}/{self.position.text().strip()}"

    def accept(self) -> None:
        if not self.sample.text().strip():
            self.messages.show(InputError(self.tr("Scan or type the id of the sample to store."), field="sample"))
            return
        if not self.position.text().strip():
            self.messages.show(InputError(self.tr("Give the position, e.g. A1."), field="location"))
            return
        try:
            where = service.store(self._ctx, self.sample.text(), self.location())
        except InputError as error:  # unknown id, a position outside the box or taken, a sample that cannot be stored
            self.messages.show(error)
            self.adjustSize()  # room for the message, however long
            if error.field == "location":
                self.position.setFocus()
                self.position.selectAll()
            return
        except CoordinatorError as error:  # a refusal of the user's roles, the disk: said in the form
            self.messages.show(InputError(error.message), focus=False)
            return
        self.stored.emit(where)
        super().accept()
