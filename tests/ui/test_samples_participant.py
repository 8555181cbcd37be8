"""The samples on the participant page: collecting one (and the refusals beside their field), the list in lineage
order, labels for the selection, the banner of a withdrawal that asks for the samples to be destroyed."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from coordinator.consent import service as consent
from coordinator.samples import queries
from coordinator.samples import service as samples
from coordinator.samples.service import Collection
from tests.accounts import act_as, add_user
from tests.ui.driving import (
    choose,
    click_button,
    click_row,
    open_participant,
    retype,
    select_study,
    type_into,
    wait_for,
)
from ui.collect_dialog import CollectDialog
from ui.destruction_dialog import DestructionDialog
from ui.label_print_dialog import LabelPrintDialog
from ui.sample_dialog import SampleDialog

SHOTS = os.environ.get("COORDINATOR_SHOTS")


def shot(widget, name: str) -> None:
    """A picture of the widget, once the layout has caught up with the last change; kept to look at when
    COORDINATOR_SHOTS names a folder."""
    for _round in range(3):
        QApplication.processEvents()
    picture = widget.grab()
    assert not picture.isNull()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        picture.save(str(Path(SHOTS) / f"{name}.png"))


def samples_tab(qtbot, window, code: str):
    """Open the participant, then click the Samples tab; returns the page and its samples section."""
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, code)
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert page.tabs.currentWidget() is page.samples
    return page, page.samples


def table(section) -> list[dict[str, str]]:
    model = section.table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{title: model.index(row, c).data() for c, title in enumerate(titles)} for row in range(model.rowCount())]


def open_collect(qtbot, section) -> CollectDialog:
    qtbot.mouseClick(section.collect_button, Qt.MouseButton.LeftButton)
    return wait_for(qtbot, CollectDialog)


def fill(qtbot, dialog: CollectDialog, volume: str, day: str = "2026-11-20", at: str = "09:30",
         timepoint: str = "At diagnosis (before treatment) (DIAG)") -> None:
    choose(qtbot, dialog.timepoint, timepoint)
    retype(qtbot, dialog.at.date, day)
    retype(qtbot, dialog.at.time, at)
    type_into(qtbot, dialog.volume.amount, volume)


def test_collecting_a_sample_shows_its_new_id_and_lists_it(qtbot, people, window, workspace):
    page, section = samples_tab(qtbot, window, people["Hervé"])
    assert section.empty.isVisible() and table(section) == []
    dialog = open_collect(qtbot, section)
    assert dialog.type.currentText() == "Bone marrow aspirate (BMA)"
    assert dialog.specimen.text() == "bone marrow aspirate"
    assert [dialog.timepoint.itemText(i) for i in range(dialog.timepoint.count())] == [
        "At diagnosis (before treatment) (DIAG)", "During the orthopedic procedure (SURG)", "unscheduled"]
    assert dialog.timepoint.currentIndex() == -1  # nobody's timepoint by default
    assert dialog.volume.unit.currentText() == "mL"
    assert dialog.collected_by.text() == workspace.ctx.user.full_name
    assert dialog.at.date.text() == "2026-11-21" and dialog.at.time.text() == "10:30"
    fill(qtbot, dialog, "4.5")
    type_into(qtbot, dialog.notes, "EDTA tube")
    shot(dialog, "collect-filled")
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.result_panel.isVisible)
    assert dialog.result_panel.value.text() == "MILA-000001"
    assert not dialog.collect_button.isVisible() and not dialog.volume.isEnabled()
    shot(dialog, "collect-done")
    assert table(section) == [{"Sample": "MILA-000001", "Type": "BMA", "Timepoint": "DIAG",
                               "Collected": "2026-11-20 09:30", "Volume": "4.5 mL", "Left": "4.5 mL",
                               "Status": "collected", "Location": "–"}]
    assert not section.empty.isVisible()
    assert [row.code for row in section.selected()] == ["MILA-000001"]  # the new one, ready to open or label
    qtbot.mouseClick(dialog.result_panel.action, Qt.MouseButton.LeftButton)
    labels = wait_for(qtbot, LabelPrintDialog)
    assert labels.samples.text() == "MILA-000001"
    labels.reject()
    dialog.reject()
    detail = queries.find(workspace.ctx, "MILA-000001")
    assert detail.notes == "EDTA tube" and detail.row.timepoint == "DIAG"
    page.tabs.setCurrentIndex(0)
    shot(page, "participant-history-after-collection")


def test_a_bad_volume_is_refused_beside_the_volume_and_nothing_is_saved(qtbot, people, window, workspace):
    _page, section = samples_tab(qtbot, window, people["Hervé"])
    dialog = open_collect(qtbot, section)
    fill(qtbot, dialog, "-2")
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    message = dialog.messages.label("volume")
    qtbot.waitUntil(message.isVisible)
    assert message.text() == "The volume must be more than zero, not -2 mL."
    shot(dialog, "collect-negative")
    retype(qtbot, dialog.volume.amount, "5")
    dialog.volume.unit.setFocus()
    qtbot.keySequence(dialog.volume.unit, "Ctrl+A")
    qtbot.keyClick(dialog.volume.unit, Qt.Key.Key_Backspace)
    assert dialog.volume.unit.currentText() == ""
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "has no unit" in message.text())
    assert message.text() == "The volume 5 has no unit: write e.g. 5 mL."
    assert dialog.isVisible() and not dialog.result_panel.isVisible()
    assert queries.samples_of(workspace.ctx, people["Hervé"]) == [] and table(section) == []
    dialog.reject()


def test_a_timepoint_must_be_chosen_and_a_time_in_the_future_is_refused(qtbot, people, window, workspace):
    _page, section = samples_tab(qtbot, window, people["Hervé"])
    dialog = open_collect(qtbot, section)
    type_into(qtbot, dialog.volume.amount, "5")
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    assert dialog.messages.label("timepoint").text() == "Choose the timepoint, or “unscheduled”."
    choose(qtbot, dialog.timepoint, "unscheduled")
    retype(qtbot, dialog.at.time, "23:59")
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    assert dialog.messages.label("at").text() == "The collection time 2026-11-21 23:59 is in the future."
    retype(qtbot, dialog.at.time, "9h")
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    assert dialog.messages.label("at").text() == "“9h” is not a time of day: write it as HH:MM, e.g. 09:30."
    assert queries.samples_of(workspace.ctx, people["Hervé"]) == []
    dialog.reject()


def test_a_collection_before_consent_is_refused_with_the_reason(qtbot, people, window, workspace):
    _page, section = samples_tab(qtbot, window, people["Chloé"])  # registered, consent not signed
    dialog = open_collect(qtbot, section)
    fill(qtbot, dialog, "3")
    qtbot.mouseClick(dialog.collect_button, Qt.MouseButton.LeftButton)
    general = dialog.messages.label("consent")
    qtbot.waitUntil(general.isVisible)
    assert general.text() == "Sample collection of MILA-02-0001 is refused: No consent signature is recorded yet."
    shot(dialog, "collect-no-consent")
    assert dialog.isVisible() and queries.samples_of(workspace.ctx, people["Chloé"]) == []
    dialog.reject()


def test_the_list_keeps_the_lineage_and_labels_print_for_the_selection(qtbot, people, window, workspace):
    ctx = workspace.ctx
    code = people["Hervé"]
    first = samples.collect(ctx, code, Collection("BMA", "2026-10-09 08:00", "5 mL", timepoint="DIAG"))
    samples.aliquot(ctx, first, 2, "1 mL")
    samples.collect(ctx, code, Collection("BMA", "2026-11-02 14:15", "3 mL", timepoint="SURG"))
    _page, section = samples_tab(qtbot, window, code)
    rows = table(section)
    assert [row["Sample"] for row in rows] == ["MILA-000001", "└ MILA-000001-01", "└ MILA-000001-02", "MILA-000002"]
    assert rows[0]["Left"] == "3 mL" and rows[0]["Status"] == "processed"
    assert not section.labels_button.isEnabled()
    assert section.labels_button.toolTip() == "Select samples in the table first."
    click_row(qtbot, section.table, 1)
    qtbot.mouseClick(section.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=section.table.visualRect(section.table.model().index(2, 0)).center())
    assert [row.code for row in section.selected()] == ["MILA-000001-01", "MILA-000001-02"]
    shot(section.window(), "participant-samples")
    assert section.labels_button.isEnabled()
    qtbot.mouseClick(section.labels_button, Qt.MouseButton.LeftButton)
    labels = wait_for(qtbot, LabelPrintDialog)
    assert labels.samples.text() == "MILA-000001-01, MILA-000001-02"
    labels.reject()
    click_row(qtbot, section.table, 3)
    last = section.table.visualRect(section.table.model().index(3, 0)).center()
    qtbot.mouseDClick(section.table.viewport(), Qt.MouseButton.LeftButton, pos=last)  # the click's second press
    opened = wait_for(qtbot, SampleDialog)  # one window, not one per signal
    qtbot.wait(50)
    assert len([shown for shown in section.findChildren(SampleDialog) if shown.isVisible()]) == 1
    assert opened.code.text() == "MILA-000002"
    opened.reject()


def test_a_monitor_sees_the_samples_but_cannot_collect(qtbot, people, window, workspace):
    ctx = workspace.ctx
    samples.collect(ctx, people["Hervé"], Collection("BMA", "2026-10-09 08:00", "5 mL", timepoint="DIAG"))
    add_user(ctx, "monica", "monitor", "MILA")
    act_as(ctx, "monica")
    _page, section = samples_tab(qtbot, window, people["Hervé"])
    assert [row["Sample"] for row in table(section)] == ["MILA-000001"]
    assert not section.collect_button.isEnabled()
    assert section.collect_button.toolTip() == (
        "Monica may not record study data in MILA: no role on this study allows it.")
    click_row(qtbot, section.table, 0)
    assert section.labels_button.isEnabled() and not section.ship_button.isEnabled()


def test_a_withdrawal_asking_to_destroy_samples_shows_a_banner(qtbot, people, window, workspace):
    ctx = workspace.ctx
    code = people["Hervé"]
    first = samples.collect(ctx, code, Collection("BMA", "2026-10-09 08:00", "5 mL", timepoint="DIAG"))
    samples.ship(ctx, [samples.collect(ctx, code, Collection("BMA", "2026-10-10 08:00", "2 mL", timepoint="DIAG"))],
                 "Central lab", "2026-10-11 08:00")
    page, section = samples_tab(qtbot, window, code)
    assert not section.banner.isVisible()
    consent.withdraw(ctx, code, date(2026, 11, 20), "holder1", ["samples"])
    page._after_change()  # as after the withdrawal dialog
    qtbot.waitUntil(section.banner.isVisible)
    assert section.banner_text.text() == (
        "Consent withdrawn on 2026-11-20 with “destroy samples”.\n"
        f"Samples to destroy at the site: {first}.\n"
        "Shipped, to be destroyed where they are: MILA-000002.")
    assert section.destroy_button.isEnabled()
    shot(page, "participant-destroy-banner")
    qtbot.mouseClick(section.destroy_button, Qt.MouseButton.LeftButton)
    destruction = wait_for(qtbot, DestructionDialog)
    qtbot.mouseClick(destruction.confirm_button, Qt.MouseButton.LeftButton)
    click_button(qtbot, wait_for(qtbot, QMessageBox), "Mark destroyed")
    qtbot.waitUntil(lambda: section.banner_text.text() == (
        "Consent withdrawn on 2026-11-20 with “destroy samples”.\n"
        "Shipped, to be destroyed where they are: MILA-000002."))
    assert table(section)[0]["Status"] == "destroyed"
    assert not section.destroy_button.isEnabled()
    assert section.destroy_button.toolTip() == "Nothing is left to destroy at the site."
    destruction.reject()
