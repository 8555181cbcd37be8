"""The participant page: what is known, the history from the audit, status changes and identity corrections."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.participants.register import Registration, register
from tests.consenting import sign_all
from tests.ui.driving import (
    click_button,
    column,
    history,
    open_eligibility,
    open_participant,
    select_study,
    type_into,
    wait_for,
)
from ui.enroll_dialog import EnrollDialog
from ui.identity_dialog import IdentityDialog
from ui.status_dialog import StatusDialog


def test_the_page_shows_the_participant_and_the_history(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Hervé"])
    assert page.code.text() == "MILA-01-0001"
    assert page.study.text() == (
        "MILA – Study of the Medullary Microenvironment in Acute Childhood Leukemia (registered under version 1)")
    assert page.site.text() == "1 – CHRU site 1"
    assert page.arm.text() == "AL – Acute leukemia"
    assert page.status.text() == "Enrolled since 2026-10-08"
    assert page.name.text() == "Hervé Lefèvre"
    assert page.birth.text() == "2016-03-04 (age 10)"
    assert page.sex.text() == "Male"
    lines = history(page)
    changed = {line["Field"]: line for line in lines if line["What"] == "Participant changed"}
    assert changed["Status"]["Old value"] == "screening"
    assert changed["Status"]["New value"] == "enrolled"
    assert changed["Status"]["Reason"] == "as planned"
    assert changed["Arm"]["New value"] == "AL"
    assert {line["Who"] for line in lines} == {"tester"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", lines[0]["When"])
    assert lines[-1]["What"] in ("Participant created", "Identity created")
    assert any(line["Field"] == "Last name" and line["New value"] == "Lefèvre" for line in lines)
    assert not any(line["Field"] in ("search_name", "participant_id") for line in lines)


def change_status(qtbot, page, status: str, on: str | None = None, reason: str = "") -> StatusDialog:
    qtbot.mouseClick(page.change_status_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, StatusDialog)
    dialog.target.setCurrentIndex(dialog.target.findText(status))
    if on is not None:
        dialog.on.clear()
        type_into(qtbot, dialog.on, on)
    if reason:
        type_into(qtbot, dialog.reason, reason)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    return dialog


def test_the_status_dialog_does_not_offer_enrolling(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Chloé"])
    qtbot.mouseClick(page.change_status_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, StatusDialog)
    assert [dialog.target.itemText(i) for i in range(dialog.target.count())] == ["Withdrawn", "Screen failure"]
    assert not hasattr(dialog, "arm")
    dialog.reject()


def test_enrolling_from_the_eligibility_page_changes_the_status_the_history_and_the_counts(qtbot, people, window,
                                                                                           workspace):
    code = people["Chloé"]
    sign_all(workspace.ctx, code, date(2026, 11, 21))
    eligibility.record(workspace.ctx, code, demo_values("MILA").eligible("CONTROL", date(2026, 11, 21)))
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, code)
    assert page.eligibility.text() == "Eligible · not confirmed"
    screening = open_eligibility(qtbot, page)
    qtbot.mouseClick(screening.confirm_button, Qt.MouseButton.LeftButton)
    click_button(qtbot, wait_for(qtbot, QMessageBox), "Confirm: eligible")
    qtbot.waitUntil(lambda: page.eligibility.text().startswith("Eligible · confirmed by tester"))
    qtbot.mouseClick(screening.enroll_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, EnrollDialog)
    type_into(qtbot, dialog.reason, "eligible, consent signed")
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.status.text() == "Enrolled since 2026-11-21"
    assert page.arm.text() == "CONTROL – Control"
    top = {line["Field"]: line for line in history(page)[:4]}
    assert top["Status"]["New value"] == "enrolled"
    assert top["Status"]["Reason"] == "eligible, consent signed"
    assert column(window, "status")[column(window, "code").index(code)] == "Enrolled"
    mila = next(window.studies.topLevelItem(i) for i in range(window.studies.topLevelItemCount())
                if window.studies.topLevelItem(i).text(0).startswith("MILA"))
    assert mila.text(1) == "3 / 40"
    arms = {mila.child(i).text(0): mila.child(i).text(1) for i in range(mila.childCount())}
    assert arms == {"AL – Acute leukemia": "1 / –", "CONTROL – Control": "2 / –"}


def test_a_refused_status_change_is_explained_beside_the_date(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Hervé"])
    before = history(page)
    dialog = change_status(qtbot, page, "Withdrawn", on="2026-10-01")
    message = dialog.messages.label("date")
    assert message.isVisible()
    assert message.text() == "The date 2026-10-01 is before the last status change (2026-10-08)."
    assert dialog.isVisible()
    dialog.reject()
    page.reload()
    assert page.status.text() == "Enrolled since 2026-10-08"
    assert history(page) == before


def test_a_final_status_cannot_be_changed(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Jules"])
    assert page.status.text() == "Screen failure since 2026-10-11"
    assert not page.change_status_button.isEnabled()
    assert "final" in page.change_status_button.toolTip()


def test_a_randomized_study_is_enrolled_from_the_eligibility_page_only(qtbot, workspace, window):
    code = register(workspace.ctx, Registration("ELIT-AML01", 1, date(1980, 5, 1), "F", "Anne", "Roux")).code
    select_study(qtbot, window, "ELIT-AML01")
    page = open_participant(qtbot, window, code)
    qtbot.mouseClick(page.change_status_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, StatusDialog)
    assert dialog.target.findText("Enrolled") == -1
    dialog.target.setCurrentIndex(dialog.target.findText("Screen failure"))
    assert dialog.apply_button.isEnabled()
    dialog.reject()


def test_correcting_the_identity_needs_a_reason_and_is_audited(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Léa"])
    qtbot.mouseClick(page.correct_identity_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, IdentityDialog)
    qtbot.mouseClick(dialog.last_name, Qt.MouseButton.LeftButton)
    qtbot.keySequence(dialog.last_name, QKeySequence(QKeySequence.StandardKey.SelectAll))
    qtbot.keyClicks(dialog.last_name, "Dubois-Martin")
    dialog.accept()
    assert dialog.messages.label("reason").text() == "A reason is required to change saved data."
    assert page.name.text() == "Léa Dubois"
    type_into(qtbot, dialog.reason, "typing error, checked against the ID card")
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.name.text() == "Léa Dubois-Martin"
    latest = history(page)[0]
    assert (latest["What"], latest["Field"], latest["Old value"], latest["New value"], latest["Reason"]) == (
        "Identity changed", "Last name", "Dubois", "Dubois-Martin", "typing error, checked against the ID card")
