"""Samples > Storage…: freezers, racks and boxes added through the window, the map of a box, finding a sample's
position in one step, and storing a tube in a free position (a position outside the box or taken is refused)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from coordinator.samples import queries, service, storage
from tests.accounts import TESTER, act_as, add_user
from tests.sampling import box, consented, marrow
from tests.ui.driving import menu_action, retype, type_into, wait_for
from ui.box_map import BoxMapWidget, CellKind
from ui.main_window import MainWindow
from ui.storage_dialog import AddUnitDialog, StorageDialog, StoreHereDialog

C4 = 22  # row C (the third) × 9 columns + column 4


def open_storage(qtbot, window: MainWindow) -> StorageDialog:
    action = menu_action(window, "Samples", "Storage…")
    assert action.isEnabled()
    action.trigger()
    return wait_for(qtbot, StorageDialog)


def add(qtbot, dialog: StorageDialog, button, name: str, note: str = "") -> AddUnitDialog:
    """Click an Add button, type the name (and note), press Enter; returns the form (closed when it worked)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = wait_for(qtbot, AddUnitDialog)
    type_into(qtbot, form.name, name)
    if note:
        type_into(qtbot, form.note, note)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    return form


def tree_lines(dialog: StorageDialog) -> list[tuple[int, str, str, str]]:
    """The tree as shown: (depth, name, samples, note), top to bottom."""
    lines = []

    def walk(item, depth: int) -> None:
        lines.append((depth, item.text(0), item.text(1), item.text(2)))
        for i in range(item.childCount()):
            walk(item.child(i), depth + 1)

    for i in range(dialog.tree.topLevelItemCount()):
        walk(dialog.tree.topLevelItem(i), 0)
    return lines


def click_position(qtbot, shown: BoxMapWidget, position: int, double: bool = False) -> None:
    centre: QPoint = shown.cell_rect(position).center()
    qtbot.mouseClick(shown, Qt.MouseButton.LeftButton, pos=centre)
    if double:
        qtbot.mouseDClick(shown, Qt.MouseButton.LeftButton, pos=centre)


def test_freezer_rack_and_box_are_added_through_the_window_and_a_name_taken_is_refused(qtbot, window, tmp_path):
    dialog = open_storage(qtbot, window)
    assert dialog.box_title.text() == "No storage yet"
    assert not dialog.add_rack_button.isEnabled()
    assert dialog.add_rack_button.toolTip() == "Add a freezer first."
    add(qtbot, dialog, dialog.add_freezer_button, "F1", "-80 C")
    qtbot.waitUntil(lambda: dialog.current_path() == "F1")
    assert dialog.outcome.text() == "Added F1."
    assert dialog.add_rack_button.isEnabled() and not dialog.add_box_button.isEnabled()
    rack = add(qtbot, dialog, dialog.add_rack_button, "R1")
    assert rack.within.currentText() == "F1"  # in the freezer chosen in the tree
    qtbot.waitUntil(lambda: dialog.current_path() == "F1/R1")
    form = add(qtbot, dialog, dialog.add_box_button, "B1")
    assert (form.rows.value(), form.columns.value()) == (9, 9)
    qtbot.waitUntil(lambda: dialog.current_path() == "F1/R1/B1")
    assert tree_lines(dialog) == [(0, "F1", "", "-80 C"), (1, "R1", "", ""), (2, "B1", "0 of 81", "")]
    assert dialog.box_title.text() == "Box F1/R1/B1"
    assert dialog.box_facts.text() == "9 × 9 · 0 of 81 taken, 81 free"
    assert len(dialog.map.cells()) == 81 and {cell.kind for cell in dialog.map.cells()} == {CellKind.free}
    assert dialog.map.cell(81).label == "I9"

    again = add(qtbot, dialog, dialog.add_box_button, "B1")
    assert again.isVisible()  # refused: the form stays, the message beside the name
    assert again.messages.label("path").text() == "F1/R1/B1 already exists."
    retype(qtbot, again.name, "B2")
    again.rows.setValue(5)
    again.columns.setValue(5)
    qtbot.keyClick(again.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.current_path() == "F1/R1/B2")
    assert len(dialog.map.cells()) == 25
    assert [unit.path for unit in storage.units(window.workspace.ctx)] == ["F1", "F1/R1", "F1/R1/B1", "F1/R1/B2"]
    dialog.grab().save(str(tmp_path / "storage.png"))


def test_the_map_shows_a_stored_sample_and_find_sample_outlines_its_position(qtbot, window, workspace):
    ctx = workspace.ctx
    box(ctx, "F1/R1/B1")
    box(ctx, "F1/R1/B2")
    code = marrow(ctx, consented(ctx))
    service.store(ctx, code, "F1/R1/B2/C4", "2026-10-05 11:00")
    dialog = open_storage(qtbot, window)
    assert dialog.current_path() == "F1/R1/B1"  # the first box shows at once
    assert ("B2", "1 of 81") in [(line[1], line[2]) for line in tree_lines(dialog)]

    type_into(qtbot, dialog.find.field, code)
    qtbot.keyClick(dialog.find.field, Qt.Key.Key_Return)
    assert dialog.current_path() == "F1/R1/B2"  # the box chosen and its position outlined, in one step
    assert dialog.map.highlighted == C4
    cell = dialog.map.cell(C4)
    assert (cell.kind, cell.code, cell.label, cell.text, cell.details) == (
        CellKind.sample, code, "C4", code.removeprefix("MILA-"), ("BMA",))
    participant = queries.find(ctx, code).row.participant
    assert cell.tooltip == f"{code} · C4\nParticipant: {participant}\nType: BMA\nStatus: stored"
    assert dialog.position.text() == f"F1/R1/B2/C4: {code} · participant {participant} · BMA · stored"
    assert dialog.open_button.isEnabled() and not dialog.store_button.isEnabled()
    click_position(qtbot, dialog.map, C4, double=True)  # a double-click on a tube opens its sample
    from ui.sample_dialog import SampleDialog

    sample = wait_for(qtbot, SampleDialog)
    assert sample.windowTitle() == f"Sample {code}"
    sample.close()

    retype(qtbot, dialog.find.field, "MILA-424242")
    qtbot.keyClick(dialog.find.field, Qt.Key.Key_Return)
    assert dialog.find.message.text() == "No sample has the id MILA-424242."
    assert dialog.current_path() == "F1/R1/B2"  # nothing moved
    unstored = marrow(ctx, consented(ctx))
    retype(qtbot, dialog.find.field, unstored)
    qtbot.keyClick(dialog.find.field, Qt.Key.Key_Return)
    assert dialog.find.message.text() == f"{unstored} is not in a box: it is collected."


def test_a_tube_is_stored_in_a_free_position_and_a_position_outside_or_taken_is_refused(qtbot, window, workspace):
    ctx = workspace.ctx
    box(ctx, "F1/R1/B1")
    first = marrow(ctx, consented(ctx))
    service.store(ctx, first, "F1/R1/B1/C4", "2026-10-05 11:00")
    second = marrow(ctx, consented(ctx))
    dialog = open_storage(qtbot, window)

    click_position(qtbot, dialog.map, C4)
    assert not dialog.store_button.isEnabled()
    assert dialog.store_button.toolTip() == "Choose a free position in a box first."
    click_position(qtbot, dialog.map, 5)
    assert dialog.position.text() == "F1/R1/B1/A5: free"
    qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)
    form = wait_for(qtbot, StoreHereDialog)
    assert form.position.text() == "A5"

    qtbot.keyClicks(form.sample, second)  # the cursor waits in the sample field: a scan and its Enter store it
    retype(qtbot, form.position, "J1")
    qtbot.keyClick(form.position, Qt.Key.Key_Return)
    assert form.isVisible()
    assert form.messages.label("location").text() == ("Position J1 is outside box F1/R1/B1, which has 9 rows (A–I) "
                                                      "and 9 columns.")
    retype(qtbot, form.position, "C4")
    qtbot.keyClick(form.position, Qt.Key.Key_Return)
    assert form.messages.label("location").text() == f"Position F1/R1/B1/C4 is taken: {first} is already there."
    assert queries.find(ctx, second).row.location is None  # nothing changed
    retype(qtbot, form.position, "A5")
    qtbot.keyClick(form.sample, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert queries.find(ctx, second).row.location == "F1/R1/B1/A5"
    assert dialog.map.cell(5).code == second and dialog.map.highlighted == 5
    assert dialog.outcome.text() == "Stored at F1/R1/B1/A5."
    assert ("B1", "2 of 81") in [(line[1], line[2]) for line in tree_lines(dialog)]

    click_position(qtbot, dialog.map, 6, double=True)  # a double-click on a free position asks for the tube too
    again = wait_for(qtbot, StoreHereDialog)
    assert again.position.text() == "A6"
    type_into(qtbot, again.sample, "MILA-777777")
    qtbot.keyClick(again.sample, Qt.Key.Key_Return)
    assert again.messages.label("sample").text() == "No sample has the id MILA-777777."


def test_a_coordinator_of_one_study_sees_the_other_studys_tubes_as_occupied_only(qtbot, workspace):
    ctx = workspace.ctx
    box(ctx, "F1/R1/B1")
    mila = marrow(ctx, consented(ctx))
    relapse = consented(ctx, "REL-ALL", birth="2012-03-01")
    mrd = service.collect(ctx, relapse, service.Collection("BM_MRD", "2026-10-07 08:15", "2 mL", timepoint="REL"))
    service.store(ctx, mila, "F1/R1/B1/A1", "2026-10-08 09:00")
    service.store(ctx, mrd, "F1/R1/B1/A2", "2026-10-08 09:00")
    add_user(ctx, "carla", "coordinator", "MILA")
    act_as(ctx, "carla")
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dialog = open_storage(qtbot, window)
    assert dialog.map.cell(1).code == mila
    hidden = dialog.map.cell(2)
    assert (hidden.kind, hidden.code, hidden.text) == (CellKind.hidden, None, "occupied")
    assert hidden.tooltip == "A2 – occupied by a sample of a study you may not read"
    click_position(qtbot, dialog.map, 2)
    assert not dialog.open_button.isEnabled() and not dialog.store_button.isEnabled()
    type_into(qtbot, dialog.find.field, mrd)
    qtbot.keyClick(dialog.find.field, Qt.Key.Key_Return)
    assert dialog.find.message.text() == "Carla may not read in REL-ALL: no role on this study allows it."
    act_as(ctx, TESTER)
