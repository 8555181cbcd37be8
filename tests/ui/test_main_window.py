"""The main window as the coordinator sees it: studies, counts, the participant table, search, filters, sort."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from tests.accounts import make_tester
from tests.ui.driving import column, select_study, wait_for
from ui.main_window import MainWindow
from ui.participant_page import ParticipantPage
from ui.participant_table_model import COLUMNS
from ui.registration_dialog import RegistrationDialog


def test_studies_show_their_arms_and_enrolled_over_target(people, window):
    tree = window.studies
    rows = {tree.topLevelItem(i).text(0).split(" –")[0]: tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    assert set(rows) == {"BLINA-MRD", "ELIT-AML01", "MILA", "NK-HSCT", "REL-ALL"}
    mila = rows["MILA"]
    assert mila.text(1) == "2 / 40"
    arms = {mila.child(i).text(0): mila.child(i).text(1) for i in range(mila.childCount())}
    assert arms == {"AL – Acute leukemia": "1 / –", "CONTROL – Control": "1 / –"}
    assert rows["ELIT-AML01"].child(0).text(1) == "0 / 62"


def test_selecting_a_study_shows_its_header_and_participants(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    header = window.participants.header
    assert "Study of the Medullary Microenvironment" in header.title.text()
    assert "NCT05792007" in header.registry.text()
    assert "not randomized" in header.design.text()
    assert "2 enrolled of 40" in header.enrollment.text()
    assert "3 CHRU site 3" in header.sites.text()
    assert column(window, "code") == ["MILA-01-0001", "MILA-01-0002", "MILA-02-0001", "MILA-03-0001"]
    assert window.participants.count.text() == "4 participants"
    select_study(qtbot, window, "ELIT-AML01")
    assert "randomized 1:1" in window.participants.header.design.text()
    assert window.participants.count.text() == "0 participants"


def test_search_by_name_ignores_accents_and_case(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    qtbot.keyClicks(window.participants.filters.search, "herve")
    qtbot.waitUntil(lambda: column(window, "code") == [people["Hervé"]])
    assert window.participants.count.text() == "1 participant"


def test_search_by_code(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    qtbot.keyClicks(window.participants.filters.search, "02-0001")
    qtbot.waitUntil(lambda: column(window, "code") == [people["Chloé"]])


def test_arm_status_and_site_filters(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    filters = window.participants.filters
    filters.arm.setCurrentIndex(filters.arm.findData("AL"))
    assert column(window, "code") == [people["Hervé"]]
    filters.arm.setCurrentIndex(0)
    filters.status.setCurrentIndex(filters.status.findText("Screening"))
    assert column(window, "code") == [people["Chloé"]]
    assert column(window, "status") == ["Screening"]
    filters.status.setCurrentIndex(0)
    filters.site.setCurrentIndex(filters.site.findData(1))
    assert column(window, "code") == [people["Hervé"], people["Léa"]]
    assert set(column(window, "site")) == {"1"}


def test_clicking_the_age_header_sorts_by_age_in_sql(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    header = window.participants.table.horizontalHeader()
    age = COLUMNS.index("age")
    click = QPoint(header.sectionViewportPosition(age) + header.sectionSize(age) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click)
    assert column(window, "age") == ["6", "7", "10", "14"]  # youngest first, at 2026-11-21
    assert window.participants.model.query.sort == "age"
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click)
    assert column(window, "age") == ["14", "10", "7", "6"]


def test_dates_are_shown_in_the_locale(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    assert column(window, "registered")[0] == "2026-10-01"  # the C locale of the tests: ISO
    assert column(window, "enrolled")[0] == "2026-10-08"
    assert column(window, "ended")[0] == ""


def test_keyboard_enter_opens_the_selected_participant(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    table = window.participants.table
    table.setFocus()  # the first row becomes current
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    page = wait_for(qtbot, ParticipantPage)
    assert page.code.text() == people["Léa"]
    page.close()


def test_shortcuts_and_tab_order(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    window.participants.table.setFocus()
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Find))
    filters = window.participants.filters
    assert filters.search.hasFocus()
    for expected in (filters.arm, filters.status, filters.site, window.participants.table):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert expected.hasFocus()
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.New))
    dialog = wait_for(qtbot, RegistrationDialog)
    assert "MILA" in dialog.windowTitle()
    dialog.reject()


def test_window_geometry_splitter_and_study_are_remembered(qtbot, workspace, people):
    first = MainWindow(workspace)
    qtbot.addWidget(first)
    first.restore_layout()
    first.show()
    first.resize(1100, 700)
    first.splitter.setSizes([300, 800])
    select_study(qtbot, first, "MILA")
    first.close()
    assert QSettings().value("window/study") == "MILA"
    second = MainWindow(workspace)
    qtbot.addWidget(second)
    second.restore_layout()
    second.show()
    assert (second.width(), second.height()) == (1100, 700)
    assert second.splitter.sizes()[0] == first.splitter.sizes()[0]
    assert second.participants.study == "MILA"


def test_a_bad_study_file_is_shown_in_a_banner_and_the_others_load(qtbot, db_file, clock, tmp_path):
    import shutil

    from coordinator.paths import studies_dir
    from coordinator.workspace import open_workspace

    folder = tmp_path / "studies"
    shutil.copytree(studies_dir(), folder)
    broken = folder / "MILA.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("    label: Acute leukemia\n", ""), encoding="utf-8")
    workspace = open_workspace(str(db_file), clock=clock, studies=folder)
    make_tester(workspace.ctx)  # signed in: the window lists the studies its user may read
    shown = MainWindow(workspace)
    qtbot.addWidget(shown)
    shown.show()
    banner = shown.banner
    assert banner.isVisible()
    assert "MILA.yaml – arms, item 1, label: is required but missing" in banner.text.text()
    assert shown.studies.topLevelItemCount() == 4
    workspace.ctx.engine.dispose()
