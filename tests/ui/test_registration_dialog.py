"""Registering through the dialog: the new row appears; a wrong field is explained beside it and nothing is saved."""

from __future__ import annotations

from PySide6.QtCore import Qt

from coordinator.participants.queries import ParticipantQuery, find_ids, get_participant
from tests.ui.driving import column, select_study, type_into, wait_for
from ui.registration_dialog import RegistrationDialog


def open_dialog(qtbot, window, study: str = "MILA") -> RegistrationDialog:
    select_study(qtbot, window, study)
    qtbot.mouseClick(window.participants.register_button, Qt.MouseButton.LeftButton)
    return wait_for(qtbot, RegistrationDialog)


def fill(qtbot, dialog: RegistrationDialog, birth: str, first: str = "Zoe", last: str = "Bernard") -> None:
    type_into(qtbot, dialog.birth_date, birth)
    qtbot.mouseClick(dialog.female, Qt.MouseButton.LeftButton)
    type_into(qtbot, dialog.first_name, first)
    type_into(qtbot, dialog.last_name, last)


def registered(workspace) -> list[int]:
    return find_ids(workspace.ctx, ParticipantQuery(study="MILA"))


def test_registering_shows_and_selects_the_new_row(qtbot, workspace, people, window):
    dialog = open_dialog(qtbot, window)
    dialog.site.setCurrentIndex(dialog.site.findData(2))
    fill(qtbot, dialog, "2017-06-15")
    type_into(qtbot, dialog.holders[0].name, "Claire Bernard")
    type_into(qtbot, dialog.holders[0].relationship, "mother")
    type_into(qtbot, dialog.holders[0].phone, "+33 6 12 34 56 78")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "MILA-02-0002" in column(window, "code")
    assert window.participants.current_code() == "MILA-02-0002"
    assert window.participants.count.text() == "5 participants"
    assert "Registered MILA-02-0002." in window.statusBar().currentMessage()
    saved = get_participant(workspace.ctx, "MILA-02-0002")
    assert (saved.first_name, saved.last_name, saved.sex, saved.row.registered_on.isoformat()) == (
        "Zoe", "Bernard", "F", "2026-11-21")
    assert [(c.role, c.name, c.relationship, c.phone) for c in saved.contacts] == [
        ("holder1", "Claire Bernard", "mother", "+33 6 12 34 56 78")]


def test_a_birth_date_in_the_future_is_explained_beside_it_and_nothing_is_saved(qtbot, workspace, people, window):
    before = registered(workspace)
    dialog = open_dialog(qtbot, window)
    fill(qtbot, dialog, "2030-01-01")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    message = dialog.messages.label("birth_date")
    assert message.isVisible()
    assert message.text() == "The birth date 2030-01-01 is in the future."
    assert dialog.birth_date.hasFocus()
    assert dialog.isVisible()
    assert registered(workspace) == before


def test_a_wrong_date_is_explained_as_soon_as_the_field_is_left(qtbot, people, window):
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.birth_date, "31/02/2015")
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Tab)
    message = dialog.messages.label("birth_date")
    assert message.isVisible()
    assert message.text() == "“31/02/2015” is not a date: write it as YYYY-MM-DD."
    dialog.birth_date.clear()
    type_into(qtbot, dialog.birth_date, "2015-02-28")
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Tab)
    assert not message.isVisible()


def test_missing_sex_and_birth_date_are_asked_for(qtbot, workspace, people, window):
    before = registered(workspace)
    dialog = open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.messages.label("birth_date").text() == "Enter the birth date."
    type_into(qtbot, dialog.birth_date, "2015-02-28")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert not dialog.messages.label("birth_date").isVisible()
    assert dialog.messages.label("sex").text() == "Choose the sex."
    assert registered(workspace) == before


def test_an_age_outside_the_limits_warns_but_registers(qtbot, workspace, people, window):
    dialog = open_dialog(qtbot, window)
    type_into(qtbot, dialog.birth_date, "2000-01-01")
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Tab)
    assert dialog.age_warning.isVisible()
    assert "Age 26 at registration is outside MILA's limits (1–15 years" in dialog.age_warning.text()
    qtbot.mouseClick(dialog.male, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(registered(workspace)) == 5
    assert "outside MILA's limits" in window.statusBar().currentMessage()


def test_a_holder_without_a_name_is_explained_beside_the_holders(qtbot, workspace, people, window):
    before = registered(workspace)
    dialog = open_dialog(qtbot, window)
    fill(qtbot, dialog, "2017-06-15")
    type_into(qtbot, dialog.holders[1].phone, "0612345678")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.messages.label("contacts").text() == "A contact needs a name."
    assert dialog.messages.label("contacts").isVisible()
    assert registered(workspace) == before


def test_holders_of_parental_authority_are_not_asked_in_an_adult_study(qtbot, people, window):
    dialog = open_dialog(qtbot, window, "ELIT-AML01")
    assert not dialog.holders[0].name.isVisible()
    assert dialog.site.count() == 1
