"""Samples > Samples…: the study-wide list (filtered, sorted in SQL, counted), the scan field in the main window and
in the view, and the actions on the selection, greyed by role."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtWidgets import QHeaderView

from coordinator.samples import queries, service
from coordinator.samples.custody import Status
from coordinator.samples.queries import SampleQuery
from tests.accounts import TESTER, act_as, add_user
from tests.sampling import box, consented, marrow
from tests.ui.driving import choose, menu_action, type_into, visible, wait_for
from ui.main_window import MainWindow
from ui.sample_dialog import SampleDialog
from ui.sample_table_model import COLUMNS
from ui.samples_window import MOST_AT_ONCE, SamplesWindow

MONITOR_REFUSAL = "Mona may not record study data in MILA: no role on this study allows it."
TOO_MANY = f"Select at most {MOST_AT_ONCE} samples to ship or label at once."


@pytest.fixture
def samples(workspace) -> dict[str, str]:
    """Two MILA marrows (the first split in two aliquots, one of them stored) and a REL-ALL marrow for MRD."""
    ctx = workspace.ctx
    first = consented(ctx)
    second = consented(ctx)
    one = marrow(ctx, first, "5 mL", "2026-10-05 09:30")
    aliquots = service.aliquot(ctx, one, 2, "1 mL", "2026-10-05 10:00")
    box(ctx)
    service.store(ctx, aliquots[0], "F1/R1/B1/C4", "2026-10-05 11:00")
    two = marrow(ctx, second, "4 mL", "2026-10-06 08:00")
    relapse = consented(ctx, "REL-ALL", birth="2012-03-01")
    mrd = service.collect(ctx, relapse, service.Collection("BM_MRD", "2026-10-07 08:15", "2 mL", timepoint="REL"))
    return {"marrow": one, "stored": aliquots[0], "aliquot": aliquots[1], "second": two, "mrd": mrd}


def shown(view: SamplesWindow, column: str) -> list[str]:
    model = view.model
    return [model.index(row, COLUMNS.index(column)).data() for row in range(model.rowCount())]


def open_view(qtbot, window: MainWindow) -> SamplesWindow:
    action = menu_action(window, "Samples", "Samples…")
    assert action.isEnabled()
    action.trigger()
    return wait_for(qtbot, SamplesWindow)


def click_header(qtbot, view: SamplesWindow, column: str) -> None:
    header: QHeaderView = view.rows.horizontalHeader()
    section = COLUMNS.index(column)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def double_click(qtbot, widget, pos: QPoint) -> None:
    """A double-click as the system delivers it: a click, then the second press as a double-click."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def select_rows(qtbot, view: SamplesWindow, codes: list[str]) -> None:
    """Click the first code's row, Ctrl+click the others."""
    rows = shown(view, "code")
    for number, code in enumerate(codes):
        index = view.model.index(rows.index(code), 0)
        modifier = Qt.KeyboardModifier.ControlModifier if number else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(view.rows.viewport(), Qt.MouseButton.LeftButton, modifier,
                         view.rows.visualRect(index).center())


def test_the_view_lists_every_readable_sample_filters_by_status_and_sorts_by_a_column(qtbot, window, samples,
                                                                                      tmp_path):
    view = open_view(qtbot, window)
    choose(qtbot, view.study, "All studies")
    assert view.count.text() == "5 samples"
    assert shown(view, "code") == sorted(samples.values())
    stored = shown(view, "code").index(samples["stored"])
    assert shown(view, "location")[stored] == "F1/R1/B1/C4"
    assert shown(view, "remaining")[shown(view, "code").index(samples["marrow"])] == "3 mL"
    assert shown(view, "collected")[stored] == "2026-10-05 09:30"
    view.grab().save(str(tmp_path / "samples-window.png"))

    choose(qtbot, view.status, "stored")
    assert view.count.text() == "1 sample"
    assert shown(view, "code") == [samples["stored"]]
    qtbot.keyClick(view.status, Qt.Key.Key_Home)  # back to "All statuses", the first entry
    assert view.status.currentText() == "All statuses"
    choose(qtbot, view.study, "MILA")
    assert view.count.text() == "4 samples"
    assert [view.type.itemText(i) for i in range(view.type.count())] == [
        "All types", "BMA – Bone marrow aspirate", "MSC – Mesenchymal stromal cell culture"]

    first = shown(view, "code")[0]
    click_header(qtbot, view, "code")  # ascending already: the click turns it around, in SQL
    assert view.model.query.descending
    assert shown(view, "code")[0] != first
    assert shown(view, "code") == sorted(shown(view, "code"), reverse=True)
    click_header(qtbot, view, "collected")
    assert view.model.query.sort == "collected"
    assert shown(view, "code")[0] == samples["marrow"]  # collected first (its aliquots share the time, ids after)
    order = shown(view, "code")
    click_header(qtbot, view, "volume")  # not a sort key: the order and the arrow stay
    assert shown(view, "code") == order
    assert view.rows.horizontalHeader().sortIndicatorSection() == COLUMNS.index("collected")

    type_into(qtbot, view.text, "-02")
    qtbot.waitUntil(lambda: view.count.text() == "1 sample")  # after a pause in typing
    assert shown(view, "code") == [samples["aliquot"]]


def test_a_scan_in_the_main_window_opens_the_sample_and_an_unknown_id_is_said_beside_the_field(qtbot, window,
                                                                                               samples):
    scan = window.scan
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert scan.field.hasFocus()
    qtbot.keyClicks(scan.field, samples["stored"].lower())  # a person types lower case; the id is found anyway
    qtbot.keyClick(scan.field, Qt.Key.Key_Return)
    dialog = wait_for(qtbot, SampleDialog)
    assert dialog.windowTitle() == f"Sample {samples['stored']}"
    assert not scan.message.isVisible()
    assert scan.field.selectedText() == samples["stored"].lower()  # the next scan replaces it
    dialog.close()
    qtbot.waitUntil(lambda: not visible(SampleDialog))

    scan.focus()
    qtbot.keyClicks(scan.field, "MILA-999999")
    qtbot.keyClick(scan.field, Qt.Key.Key_Return)
    assert scan.message.isVisible()
    assert scan.message.text() == "No sample has the id MILA-999999."
    assert scan.field.selectedText() == "MILA-999999"
    qtbot.wait(50)
    assert not visible(SampleDialog)  # nothing opens, and no message box waits for the scanner's next Enter
    assert [w for w in window.findChildren(SampleDialog) if w.isVisible()] == []
    qtbot.keyClicks(scan.field, samples["mrd"])  # the next scan replaces the unknown id and clears the message
    assert not scan.message.isVisible()
    qtbot.keyClick(scan.field, Qt.Key.Key_Return)
    assert wait_for(qtbot, SampleDialog).windowTitle() == f"Sample {samples['mrd']}"


def test_the_view_opens_by_double_click_and_the_selection_decides_the_actions(qtbot, window, workspace, samples):
    view = open_view(qtbot, window)
    choose(qtbot, view.study, "All studies")
    for button in (view.open_button, view.store_button, view.ship_button, view.labels_button):
        assert not button.isEnabled()  # nothing selected yet
    select_rows(qtbot, view, [samples["stored"]])
    assert view.open_button.isEnabled() and view.store_button.isEnabled() and view.ship_button.isEnabled()
    select_rows(qtbot, view, [samples["stored"], samples["mrd"]])  # two studies
    assert not view.ship_button.isEnabled()
    assert view.ship_button.toolTip() == "A shipment holds the samples of one study: select samples of one study."
    assert not view.store_button.isEnabled() and view.labels_button.isEnabled()

    select_rows(qtbot, view, [samples["stored"]])
    qtbot.mouseClick(view.store_button, Qt.MouseButton.LeftButton)
    from ui.sample_dialog import StoreDialog

    moving = wait_for(qtbot, StoreDialog)
    assert moving.windowTitle() == f"Move {samples['stored']}"
    moving.location.setText("F1/R1/B1/A1")
    moving.accept()
    qtbot.waitUntil(lambda: "F1/R1/B1/A1" in shown(view, "location"))  # the list read again

    select_rows(qtbot, view, [samples["stored"], samples["aliquot"]])
    qtbot.mouseClick(view.labels_button, Qt.MouseButton.LeftButton)
    from ui.label_print_dialog import LabelPrintDialog

    labels = wait_for(qtbot, LabelPrintDialog)
    assert labels.samples.text() == f"{samples['stored']}, {samples['aliquot']}"
    labels.close()

    select_rows(qtbot, view, [samples["stored"], samples["aliquot"]])
    qtbot.mouseClick(view.ship_button, Qt.MouseButton.LeftButton)
    from ui.ship_dialog import ShipDialog

    ship = wait_for(qtbot, ShipDialog)
    ship.destination.setText("Central lab, Lyon")
    ship.accept()
    qtbot.waitUntil(lambda: view.count.text() == "5 samples" and "shipped" in shown(view, "status"))
    assert queries.count(workspace.ctx, SampleQuery(status=Status.shipped)) == 2
    ship.close()

    row = shown(view, "code").index(samples["second"])
    index = view.model.index(row, 0)
    double_click(qtbot, view.rows.viewport(), view.rows.visualRect(index).center())
    assert wait_for(qtbot, SampleDialog).windowTitle() == f"Sample {samples['second']}"


def test_a_monitor_reads_samples_but_every_write_is_greyed(qtbot, workspace, samples):
    ctx = workspace.ctx
    add_user(ctx, "mona", "monitor")
    act_as(ctx, "mona")
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for name in ("Samples…", "Storage…", "Scan a sample id"):
        assert menu_action(window, "Samples", name).isEnabled()
    view = open_view(qtbot, window)
    choose(qtbot, view.study, "MILA")
    select_rows(qtbot, view, [samples["stored"]])
    assert view.open_button.isEnabled()
    for button in (view.store_button, view.ship_button):
        assert not button.isEnabled()
        assert button.toolTip() == MONITOR_REFUSAL
    assert view.labels_button.isEnabled()  # printing labels only reads, as everywhere else
    view.close()

    from ui.storage_dialog import StorageDialog

    menu_action(window, "Samples", "Storage…").trigger()
    storage = wait_for(qtbot, StorageDialog)
    assert storage.map.cell(22).code == samples["stored"]  # C4: a monitor sees the box
    for button in (storage.add_freezer_button, storage.add_rack_button, storage.add_box_button,
                   storage.store_button):
        assert not button.isEnabled()
    assert storage.add_freezer_button.toolTip() == "Mona may not record study data: no role allows it."
    act_as(ctx, TESTER)


def many_samples(path, participant: str, count: int) -> None:
    """`count` more stored MILA marrows of the participant, MILA-100001 on (raw inserts: a fixture, not audited)."""
    with sqlite3.connect(path) as connection:
        study, person = connection.execute(
            "SELECT s.id, p.id FROM participant p JOIN study s ON s.id = p.study_id WHERE p.code = ?",
            (participant,)).fetchone()
        connection.executemany(
            "INSERT INTO sample (code, study_id, participant_id, level, origin, type_id, timepoint, collected_at, "
            "collected_by, volume, unit, status) VALUES (?, ?, ?, 0, 'collected', 'BMA', 'DIAG', ?, 'tester', 2.0, "
            "'mL', 'stored')",
            [(f"MILA-{100_000 + n:06d}", study, person, "2026-10-05 09:30") for n in range(1, count + 1)])


def test_select_all_of_thousands_counts_the_selection_and_reads_no_row_of_it(qtbot, monkeypatch, window, workspace,
                                                                              tester_db):
    """Ctrl+A over a long list must not read the list page after page, nor make Qt ask about every row: the
    actions on more than MOST_AT_ONCE samples are refused in words, decided from the count."""
    count = 3_000
    ctx = workspace.ctx
    participant = consented(ctx)
    marrow(ctx, participant)
    many_samples(tester_db, participant, count)
    read: list[int] = []
    page = queries.page
    monkeypatch.setattr(queries, "page", lambda ctx, query, offset, limit: read.append(offset) or page(
        ctx, query, offset, limit))
    view = open_view(qtbot, window)
    choose(qtbot, view.study, "MILA")
    total = count + 1
    assert view.count.text() == f"{QLocale().toString(total)} samples"
    qtbot.waitUntil(lambda: bool(read))  # the first page, painted
    read.clear()
    asked: list[int] = []
    rows = view.model.row_total
    monkeypatch.setattr(view.model, "row_total", lambda: asked.append(1) or rows())

    view.rows.setFocus()
    qtbot.keyClick(view.rows, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)  # painted
    assert view.selected_count() == total
    assert read == []  # no page read to decide the buttons (the first one is in memory)
    assert len(asked) < count  # nor did Qt ask about each row (it asked 9 times a row, column by column)
    assert not view.open_button.isEnabled() and not view.store_button.isEnabled()
    for button in (view.ship_button, view.labels_button):
        assert not button.isEnabled()
        assert button.toolTip() == TOO_MANY
    assert view.outcome.isVisible()
    assert view.outcome.text() == f"{QLocale().toString(total)} samples selected. {TOO_MANY}"
    assert view.ship_selected() is None and view.print_labels() is None
    view.grab().save(str(tester_db.parent / "samples-all-selected.png"))

    type_into(qtbot, view.text, "MILA-1001")  # MILA-100100 .. MILA-100199
    qtbot.waitUntil(lambda: view.count.text() == "100 samples")
    read.clear()
    view.rows.setFocus()
    qtbot.keyClick(view.rows, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert view.selected_count() == 100
    assert len(read) <= 1  # a hundred rows are one page
    assert not view.outcome.isVisible()
    assert view.ship_button.isEnabled() and view.labels_button.isEnabled()
    assert not view.open_button.isEnabled()
    qtbot.mouseClick(view.labels_button, Qt.MouseButton.LeftButton)
    from ui.label_print_dialog import LabelPrintDialog

    labels = wait_for(qtbot, LabelPrintDialog)
    assert labels.samples.text().startswith("MILA-100100, MILA-100101, ") and labels.samples.text().endswith(
        "and 88 more")
    labels.close()
