"""One sample's window: what it shows, each custody step as the user takes it (store, aliquot, derive, ship,
destroy), the refusals beside their field, the steps greyed with the reason, and the labels it prints."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from coordinator.samples import queries
from coordinator.samples import service as samples
from coordinator.samples.service import Collection
from tests.accounts import act_as, add_user
from tests.sampling import box, consented, marrow
from tests.ui.driving import choose, click_button, retype, type_into, wait_for
from tests.ui.test_samples_participant import shot
from ui.label_print_dialog import LabelPrintDialog
from ui.sample_dialog import AliquotDialog, DeriveDialog, DestroyDialog, NoteStep, SampleDialog, StoreDialog
from ui.ship_dialog import ShipDialog

# Typing in the location opens the completer's popup of box paths, which the offscreen platform cannot raise (this
# mark replaces the one of conftest.py, whose notice it repeats).
POPUP = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (grabbing the keyboard|raise\(\)|propagateSizeHints\(\))$")
STEPS = ("receive_button", "store_button", "retrieve_button", "aliquot_button", "derive_button", "ship_button",
         "use_button", "destroy_button")


def open_sample(qtbot, ctx, code: str) -> SampleDialog:
    dialog = SampleDialog(ctx, code)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def step(qtbot, dialog: SampleDialog, button: str, kind: type):
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    return wait_for(qtbot, kind)


def rows(view) -> list[dict[str, str]]:
    model = view.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{title: model.index(row, c).data() for c, title in enumerate(titles)} for row in range(model.rowCount())]


def test_the_window_shows_the_sample_and_greys_the_steps_its_status_forbids(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    assert dialog.windowTitle() == "Sample MILA-000001"
    assert dialog.code.text() == "MILA-000001" and dialog.status_badge.text() == "collected"
    assert dialog.study.text() == "MILA" and dialog.participant.text() == "MILA-01-0001"
    assert dialog.type.text() == "Bone marrow aspirate (BMA) · bone marrow aspirate"
    assert dialog.timepoint.text() == "At diagnosis (before treatment) (DIAG)"
    assert dialog.collected.text() == "2026-10-05 09:30 by Tess Tester"
    assert dialog.volume.text() == "5 mL, 5 mL left"
    assert dialog.location.text() == "not in storage"
    assert dialog.parent_link.text() == "collected from the participant" and dialog.level.text() == "0 (collected)"
    assert not dialog.dose.isVisible()
    assert rows(dialog.events) == [{"When": "2026-10-05 09:30", "Event": "collected", "By": "tester", "Where": "",
                                    "Reason or note": ""}]
    enabled = {name for name in STEPS if getattr(dialog, name).isEnabled()}
    assert enabled == {"receive_button", "store_button", "aliquot_button", "derive_button", "ship_button",
                       "use_button", "destroy_button"}
    assert dialog.retrieve_button.toolTip() == "Sample MILA-000001 is collected: it cannot be retrieved."
    assert dialog.label_button.isEnabled()
    shot(dialog, "sample-collected")


@POPUP
def test_a_position_holds_one_sample(qtbot, workspace):
    ctx = workspace.ctx
    participant = consented(ctx)
    first, second = marrow(ctx, participant), marrow(ctx, participant, at="2026-10-06 10:00")
    box(ctx, "F1/R1/B1")
    dialog = open_sample(qtbot, ctx, first)
    store = step(qtbot, dialog, "store_button", StoreDialog)
    assert store.windowTitle() == "Store MILA-000001"
    choose(qtbot, store.box, "F1/R1/B1 (81 of 81 free)")
    choose(qtbot, store.position, "A1")
    assert store.location.text() == "F1/R1/B1/A1"
    shot(store, "sample-store")
    qtbot.mouseClick(store.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.location.text() == "F1/R1/B1/A1")
    assert dialog.status_badge.text() == "stored"
    assert rows(dialog.events)[-1]["Event"] == "stored" and rows(dialog.events)[-1]["Where"] == "F1/R1/B1/A1"
    assert dialog.retrieve_button.isEnabled()
    dialog.reject()

    other = open_sample(qtbot, ctx, second)
    store = step(qtbot, other, "store_button", StoreDialog)
    choose(qtbot, store.box, "F1/R1/B1 (80 of 81 free)")
    assert store.position.itemText(0) == "A2"  # A1 is not offered: it is taken
    type_into(qtbot, store.location, "F1/R1/B1/A1")
    qtbot.mouseClick(store.accept_button, Qt.MouseButton.LeftButton)
    message = store.messages.label("location")
    qtbot.waitUntil(message.isVisible)
    assert message.text() == "Position F1/R1/B1/A1 is taken: MILA-000001 is already there."
    shot(store, "sample-store-taken")
    retype(qtbot, store.location, "F1/R1/B1/J1")
    qtbot.mouseClick(store.accept_button, Qt.MouseButton.LeftButton)
    assert message.text() == ("Position J1 is outside box F1/R1/B1, which has 9 rows (A–I) and 9 columns.")
    assert store.isVisible()
    assert queries.find(ctx, second).row.status.value == "collected" and other.location.text() == "not in storage"
    store.reject()


@POPUP
def test_moving_a_stored_sample(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    box(ctx, "F1/R1/B1")
    samples.store(ctx, code, "F1/R1/B1/A1")
    dialog = open_sample(qtbot, ctx, code)
    move = step(qtbot, dialog, "store_button", StoreDialog)
    assert move.windowTitle() == "Move MILA-000001" and move.accept_button.text() == "&Move"
    type_into(qtbot, move.location, "F1/R1/B1/c3")
    qtbot.mouseClick(move.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.location.text() == "F1/R1/B1/C3")
    assert rows(dialog.events)[-1]["Event"] == "moved"


def test_aliquoting_lists_the_children_and_what_is_left(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    split = step(qtbot, dialog, "aliquot_button", AliquotDialog)
    retype(qtbot, split.count, "3")
    type_into(qtbot, split.volume.amount, "2")
    assert split.left.text() == "3 × 2 mL = 6 mL: more than the 5 mL left."
    retype(qtbot, split.volume.amount, "1")
    assert split.left.text() == "3 × 1 mL = 3 mL: 2 mL of MILA-000001 would be left."
    shot(split, "sample-aliquot")
    qtbot.mouseClick(split.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.children_model.rowCount() == 3)
    assert [row["Sample"] for row in rows(dialog.children_table)] == [
        "MILA-000001-01", "MILA-000001-02", "MILA-000001-03"]
    assert {row["Volume"] for row in rows(dialog.children_table)} == {"1 mL"}
    assert dialog.tabs.tabText(1) == "Aliquots and deri&vatives (3)"
    assert dialog.volume.text() == "5 mL, 2 mL left"
    assert rows(dialog.events)[-1]["Reason or note"] == "into MILA-000001-01, MILA-000001-02, MILA-000001-03"
    dialog.tabs.setCurrentIndex(1)
    shot(dialog, "sample-with-aliquots")
    second = dialog.children_table.visualRect(dialog.children_model.index(1, 0)).center()
    qtbot.mouseClick(dialog.children_table.viewport(), Qt.MouseButton.LeftButton, pos=second)
    qtbot.mouseDClick(dialog.children_table.viewport(), Qt.MouseButton.LeftButton, pos=second)  # the second press
    qtbot.waitUntil(lambda: any(opened.isVisible() for opened in dialog.findChildren(SampleDialog)))
    qtbot.wait(50)
    assert len(dialog.findChildren(SampleDialog)) == 1  # one window per double click
    child = dialog.findChildren(SampleDialog)[0]
    assert child.code.text() == "MILA-000001-02"
    assert child.parent_link.text() == '<a href="MILA-000001">MILA-000001</a>'
    assert child.level.text() == "1 (aliquot)"
    assert child.volume.text() == "1 mL, 1 mL left\ntook 1 mL of MILA-000001"
    child.reject()


def test_an_aliquot_larger_than_the_remainder_is_refused_beside_the_volume(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    split = step(qtbot, dialog, "aliquot_button", AliquotDialog)
    type_into(qtbot, split.volume.amount, "3")
    qtbot.mouseClick(split.accept_button, Qt.MouseButton.LeftButton)
    assert split.messages.label("volume").text() == "2 × 3 mL is more than the 5 mL left of MILA-000001."
    assert queries.find(ctx, code).children == []
    split.reject()


def test_deriving_dli_doses_shows_the_dose_per_kg(qtbot, workspace):
    ctx = workspace.ctx
    donor = consented(ctx, "ELIT-AML01", birth="1970-05-05")
    leuka = samples.collect(ctx, donor, Collection("LEUKA", "2026-10-05 09:30", "200 mL", timepoint="COLL"))
    dialog = open_sample(qtbot, ctx, leuka)
    derive = step(qtbot, dialog, "derive_button", DeriveDialog)
    assert [derive.kind.itemText(i) for i in range(derive.kind.count())] == ["DLI dose (DLI)"]
    assert derive.marker_label.text() == "&CD3+ cells in each:"
    assert derive.total_cells.isVisible() and derive.weight.isVisible()
    retype(qtbot, derive.count, "3")
    type_into(qtbot, derive.volume.amount, "20")
    type_into(qtbot, derive.total_cells, "5e8")
    type_into(qtbot, derive.marker_cells, "7 x 10^7")
    qtbot.mouseClick(derive.accept_button, Qt.MouseButton.LeftButton)
    assert derive.messages.label("cells").text() == (
        "A DLI dose needs the recipient's weight to compute its dose per kg.")
    assert derive.dose_value.text() == "shown once the counts and the weight are typed"
    shot(derive, "sample-derive-dli-no-weight")
    type_into(qtbot, derive.weight, "70")
    assert not derive.messages.label("cells").isVisible()
    assert derive.dose_value.text() == "1 × 10^6 CD3+ cells/kg"
    assert derive.left.text() == "3 × 20 mL = 60 mL: 140 mL of ELIT-AML01-000001 would be left."
    shot(derive, "sample-derive-dli")
    qtbot.mouseClick(derive.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.children_model.rowCount() == 3)
    assert [row["Type"] for row in rows(dialog.children_table)] == ["DLI"] * 3
    dose = SampleDialog(ctx, "ELIT-AML01-000001-02")
    qtbot.addWidget(dose)
    dose.show()
    assert dose.dose.isVisible()
    assert dose.dose.text() == "1 × 10^6 CD3+ cells/kg\n5 × 10^8 cells, 7 × 10^7 CD3+, recipient 70 kg"
    assert dose.type.text() == "DLI dose (DLI) · donor lymphocyte infusion dose"
    assert not dose.derive_button.isEnabled()
    assert dose.derive_button.toolTip() == "Nothing can be made from a DLI dose."
    shot(dose, "sample-dli-dose")


def test_a_derivative_without_a_dose_hides_the_counts(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    derive = step(qtbot, dialog, "derive_button", DeriveDialog)
    assert derive.kind.currentText() == "Mesenchymal stromal cell culture (MSC)"
    assert not derive.total_cells.isVisible() and not derive.dose_value.isVisible()
    type_into(qtbot, derive.volume.amount, "10")
    type_into(qtbot, derive.taken.amount, "2")
    assert derive.left.text() == "1 × 2 mL = 2 mL: 3 mL of MILA-000001 would be left."
    qtbot.mouseClick(derive.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.children_model.rowCount() == 1)
    assert rows(dialog.children_table)[0]["Type"] == "MSC" and dialog.volume.text() == "5 mL, 3 mL left"


def test_destroying_needs_a_reason_and_a_confirmation(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    destroy = step(qtbot, dialog, "destroy_button", DestroyDialog)
    qtbot.mouseClick(destroy.accept_button, Qt.MouseButton.LeftButton)
    assert destroy.messages.label("reason").text() == "A reason is required to destroy a sample."
    assert destroy.question is None
    type_into(qtbot, destroy.text, "tube broken")
    shot(destroy, "sample-destroy")
    qtbot.mouseClick(destroy.accept_button, Qt.MouseButton.LeftButton)
    question = wait_for(qtbot, QMessageBox)
    assert question.text() == "Destroy MILA-000001?\n\nReason: tube broken"
    click_button(qtbot, question, "Cancel")
    qtbot.waitUntil(lambda: not question.isVisible())
    assert destroy.isVisible() and queries.find(ctx, code).row.status.value == "collected"
    qtbot.mouseClick(destroy.accept_button, Qt.MouseButton.LeftButton)
    click_button(qtbot, wait_for(qtbot, QMessageBox), "Destroy MILA-000001")
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "destroyed")
    assert not destroy.isVisible()
    assert rows(dialog.events)[-1]["Event"] == "destroyed"
    assert rows(dialog.events)[-1]["Reason or note"] == "tube broken"
    assert not any(getattr(dialog, name).isEnabled() for name in STEPS)
    assert dialog.ship_button.toolTip() == "Sample MILA-000001 is destroyed: it cannot be shipped."
    assert dialog.label_button.isEnabled()


def test_using_a_sample_records_what_for(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    use = step(qtbot, dialog, "use_button", NoteStep)
    qtbot.mouseClick(use.accept_button, Qt.MouseButton.LeftButton)
    assert use.messages.label("reason").text() == "Say what the sample was used for."
    type_into(qtbot, use.text, "MRD assay")
    qtbot.mouseClick(use.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "used")


def test_shipping_gives_a_manifest_number(qtbot, workspace, tmp_path: Path):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    box(ctx, "F1/R1/B1")
    samples.store(ctx, code, "F1/R1/B1/B2")
    dialog = open_sample(qtbot, ctx, code)
    ship = step(qtbot, dialog, "ship_button", ShipDialog)
    assert [row["Sample"] for row in rows(ship.samples)] == ["MILA-000001"]
    qtbot.mouseClick(ship.ship_button, Qt.MouseButton.LeftButton)
    assert ship.messages.label("destination").text() == "Say where the samples are shipped to."
    type_into(qtbot, ship.destination, "Central MRD laboratory, Paris")
    shot(ship, "ship-filled")
    qtbot.mouseClick(ship.ship_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(ship.result_panel.isVisible)
    assert ship.result_panel.value.text() == "MILA-SHP-0001"
    assert rows(ship.samples)[0]["Status"] == "shipped"
    assert dialog.status_badge.text() == "shipped" and dialog.location.text() == "not in storage"
    last = rows(dialog.events)[-1]
    assert last["Event"] == "shipped"
    assert last["Where"] == "F1/R1/B1/B2 · to Central MRD laboratory, Paris · manifest MILA-SHP-0001"
    assert dialog.receive_button.isEnabled()  # received back, when it returns
    qtbot.wait(50)  # let the layout drop the message line before the picture
    shot(ship, "ship-done")
    target = tmp_path / "manifest.pdf"
    ship.print_manifest(target)
    qtbot.waitUntil(lambda: ship.result_panel.outcome.text().startswith("Written:"), timeout=15000)
    assert ship.result_panel.outcome.text() == f"Written: {target}"
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "MILA-SHP-0001" in text and "MILA-000001" in text
    shot(ship, "ship-manifest-written")


def test_shipping_a_destroyed_sample_is_refused_beside_the_list(qtbot, workspace):
    ctx = workspace.ctx
    participant = consented(ctx)
    kept, gone = marrow(ctx, participant), marrow(ctx, participant)
    samples.destroy(ctx, gone, "tube broken")
    ship = ShipDialog(ctx, [kept, gone])
    qtbot.addWidget(ship)
    ship.show()
    type_into(qtbot, ship.destination, "Central lab")
    qtbot.mouseClick(ship.ship_button, Qt.MouseButton.LeftButton)
    assert ship.messages.label("sample").text() == "Sample MILA-000002 is destroyed: it cannot be shipped."
    assert queries.find(ctx, kept).row.status.value == "collected"


def test_a_monitor_reads_the_sample_but_every_step_is_greyed(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    add_user(ctx, "monica", "monitor", "MILA")
    act_as(ctx, "monica")
    dialog = open_sample(qtbot, ctx, code)
    assert not any(getattr(dialog, name).isEnabled() for name in STEPS)
    assert dialog.store_button.toolTip() == "Monica may not record study data in MILA: no role on this study allows it."
    assert dialog.label_button.isEnabled()


def test_receiving_a_sample(qtbot, workspace):
    ctx = workspace.ctx
    code = marrow(ctx, consented(ctx))
    dialog = open_sample(qtbot, ctx, code)
    receive = step(qtbot, dialog, "receive_button", NoteStep)
    retype(qtbot, receive.at.date, "2026-10-04")
    qtbot.mouseClick(receive.accept_button, Qt.MouseButton.LeftButton)
    assert receive.messages.label("at").text() == (
        "2026-10-04 10:30 is before sample MILA-000001 was collected (2026-10-05 09:30).")
    retype(qtbot, receive.at.date, "2026-10-05")
    retype(qtbot, receive.at.time, "11:00")
    qtbot.mouseClick(receive.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_badge.text() == "received")
    assert rows(dialog.events)[-1]["When"] == "2026-10-05 11:00"
    assert not dialog.receive_button.isEnabled()


def test_the_label_dialog_writes_a_pdf(qtbot, workspace, tmp_path: Path):
    ctx = workspace.ctx
    participant = consented(ctx)
    codes = [marrow(ctx, participant), marrow(ctx, participant)]
    dialog = open_sample(qtbot, ctx, codes[0])
    qtbot.mouseClick(dialog.label_button, Qt.MouseButton.LeftButton)
    single = wait_for(qtbot, LabelPrintDialog)
    assert single.samples.text() == "MILA-000001"
    single.reject()
    labels = LabelPrintDialog(ctx, codes)
    qtbot.addWidget(labels)
    labels.show()
    assert labels.layout_choice.currentData() == "cryo-a4"
    assert labels.first_position.isEnabled() and labels.first_position.maximum() == 48
    choose(qtbot, labels.layout_choice, "Roll, one label 50.8 × 25.4 mm (2 × 1 in) per page, for a thermal printer")
    assert not labels.first_position.isEnabled()
    qtbot.keyClick(labels.layout_choice, Qt.Key.Key_Home)
    assert labels.layout_choice.currentText() == "A4 sheet, 48 cryo labels 45.7 × 21.2 mm (4 × 12, Avery L7636 size)"
    retype(qtbot, labels.first_position, "5")
    target = tmp_path / "labels.pdf"
    labels.path.setText(str(target))
    shot(labels, "labels")
    qtbot.mouseClick(labels.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: labels.outcome.text().startswith("Written:"), timeout=15000)
    assert labels.outcome.text() == f"Written: {target}"
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "MILA-000001" in text and "MILA-000002" in text and "Lefèvre" not in text
    shot(labels, "labels-written")
