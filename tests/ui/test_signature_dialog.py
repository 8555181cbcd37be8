"""Signing in the window: the eligibility window's Sign… opens the dialog (what is signed in words, a meaning to
choose, the password, the Part 11 statement); refusals stay in the dialog; the signature line appears, and turns
red once the signed content changes. The participant page signs the consent and the casebook from its Sign… menu."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from coordinator.consent import service as consent
from db.tables import Signature, UserAccount
from tests.accounts import PASSWORD, act_as, add_user
from tests.consenting import sign_all
from tests.enrolling import make_eligible
from tests.ui.driving import (
    choose,
    open_eligibility,
    open_participant,
    select_study,
    type_into,
    visible,
    wait_for,
)
from ui.forms import ERROR_STYLE
from ui.signature_dialog import SignatureDialog

TODAY = date(2026, 11, 21)
LOCAL = r"2026-11-21 \d\d:\d\d"


def signature_count(workspace) -> int:
    with workspace.ctx.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Signature.__table__)).scalar_one()


@pytest.fixture
def confirmed(workspace, people) -> str:
    """Chloé, consented and confirmed eligible today, still in screening."""
    code = people["Chloé"]
    sign_all(workspace.ctx, code, TODAY)
    make_eligible(workspace.ctx, code, "MILA", "AL", TODAY)
    return code


def open_page(qtbot, window, code: str):
    select_study(qtbot, window, "MILA")
    participant = open_participant(qtbot, window, code)
    return participant, open_eligibility(qtbot, participant)


def open_dialog(qtbot, page) -> SignatureDialog:
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    return wait_for(qtbot, SignatureDialog)


def press_sign(qtbot, dialog: SignatureDialog) -> None:
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)


def test_signing_the_confirmation_shows_the_line_then_marks_it_invalid_after_a_change(qtbot, window, workspace,
                                                                                      confirmed):
    participant, page = open_page(qtbot, window, confirmed)
    assert not page.signature_lines.isVisible()
    assert page.sign_button.isEnabled()
    dialog = open_dialog(qtbot, page)
    assert dialog.what.text() == f"You are signing the eligibility confirmation of {confirmed}."
    assert dialog.signer.text() == "Signer: Tess Tester (tester)"
    assert dialog.meaning.currentIndex() == -1 and dialog.meaning.currentText() == ""
    assert [dialog.meaning.itemText(i) for i in range(dialog.meaning.count())] == [
        "Authorship", "Review", "Approval", "Responsibility"]
    assert dialog.statement.text() == (
        "By signing I confirm that I am Tess Tester, that I have read what I am signing, and that this electronic "
        "signature is the legally binding equivalent of my handwritten signature.")

    type_into(qtbot, dialog.password, PASSWORD)
    press_sign(qtbot, dialog)  # no meaning chosen
    meaning_message = dialog.messages.label("meaning")
    qtbot.waitUntil(meaning_message.isVisible)
    assert meaning_message.text().startswith("Choose what your signature means")
    assert dialog.isVisible() and signature_count(workspace) == 0

    choose(qtbot, dialog.meaning, "Approval")
    assert not meaning_message.isVisible()
    assert dialog.meaning_sentence.text() == "“I approve this record.”"
    with qtbot.waitSignal(page.changed):
        press_sign(qtbot, dialog)
    qtbot.waitUntil(lambda: not visible(SignatureDialog))  # closed (and deleted) once signed
    assert page.signature_lines.isVisible()
    [line] = page.signature_lines.lines
    assert re.fullmatch(rf"✔ Signed by Tess Tester — approval — {LOCAL}", line.text())
    assert page.outcome.text() == "Eligibility confirmation signed."
    [summary] = participant.signature_lines.texts()  # the participant page shows it too
    assert re.fullmatch(rf"✔ Eligibility confirmation: Signed by Tess Tester — approval — {LOCAL}", summary)

    page.select_criterion("IN01")
    choose(qtbot, page.entry.choice, "T-lineage acute lymphoblastic leukemia (ALLT)")
    type_into(qtbot, page.entry.reason, "phenotype corrected by the reference laboratory")
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.entry.record_button, Qt.MouseButton.LeftButton)
    [line] = page.signature_lines.lines
    assert re.fullmatch(rf"✘ Signed by Tess Tester — approval — {LOCAL} — no longer valid: the content changed "
                        "after signing", line.text())
    assert line.styleSheet() == ERROR_STYLE
    assert not page.sign_button.isEnabled()
    assert page.sign_button.toolTip() == (f"Values of {confirmed} changed after eligibility was confirmed on "
                                          "2026-11-21: confirm eligibility again before signing.")
    assert "no longer valid" in participant.signature_lines.texts()[0]


def test_a_wrong_password_keeps_the_dialog_open_and_counts(qtbot, window, workspace, confirmed):
    _participant, page = open_page(qtbot, window, confirmed)
    dialog = open_dialog(qtbot, page)
    choose(qtbot, dialog.meaning, "Review")
    type_into(qtbot, dialog.password, "not my password")
    press_sign(qtbot, dialog)
    message = dialog.messages.label("password")
    qtbot.waitUntil(message.isVisible)
    assert message.text().startswith("Wrong password for tester. 4 more failed attempt(s) lock the account")
    assert dialog.isVisible() and dialog.password.text() == "" and dialog.sign_button.isEnabled()
    assert signature_count(workspace) == 0 and not page.signature_lines.isVisible()
    with workspace.ctx.engine.connect() as connection:
        accounts = UserAccount.__table__
        assert connection.execute(select(accounts.c.failed_attempts)
                                  .where(accounts.c.login == "tester")).scalar_one() == 1

    type_into(qtbot, dialog.password, PASSWORD)
    assert not message.isVisible()  # typing again clears the refusal
    press_sign(qtbot, dialog)
    qtbot.waitUntil(lambda: not visible(SignatureDialog))
    assert signature_count(workspace) == 1


def test_sign_is_greyed_for_a_coordinator_and_before_a_confirmation(qtbot, window, workspace, people, confirmed):
    participant, page = open_page(qtbot, window, people["Jules"])  # a screen failure, never confirmed
    assert not page.sign_button.isEnabled()
    assert page.sign_button.toolTip() == (f"{people['Jules']} has no eligibility confirmation to sign: an "
                                          "investigator confirms eligibility first.")
    page.close()
    participant.close()
    add_user(workspace.ctx, "cora", "coordinator")
    act_as(workspace.ctx, "cora")
    participant = open_participant(qtbot, window, confirmed)
    assert not participant.sign_button.isEnabled()
    assert participant.sign_button.toolTip() == "Cora may not sign in MILA: no role on this study allows it."
    page = open_eligibility(qtbot, participant)
    assert not page.sign_button.isEnabled()
    assert page.sign_button.toolTip() == "Cora may not sign in MILA: no role on this study allows it."


def test_the_participant_page_signs_the_consent_and_shows_a_withdrawal_invalidates_it(qtbot, window, workspace,
                                                                                       confirmed):
    select_study(qtbot, window, "MILA")
    participant = open_participant(qtbot, window, confirmed)
    assert not participant.signatures_box.isVisible()
    menu = participant.sign_menu
    assert [action.text() for action in menu.actions()] == [
        f"The eligibility confirmation of {confirmed}…", f"The consent record of {confirmed}…",
        f"The casebook of {confirmed}…"]
    menu.aboutToShow.emit()
    assert all(action.isEnabled() for action in menu.actions())
    menu.actions()[1].trigger()
    dialog = wait_for(qtbot, SignatureDialog)
    assert dialog.what.text() == f"You are signing the consent record of {confirmed}."
    choose(qtbot, dialog.meaning, "Review")
    type_into(qtbot, dialog.password, PASSWORD)
    with qtbot.waitSignal(participant.changed):
        press_sign(qtbot, dialog)
    assert participant.signatures_box.isVisible()
    [line] = participant.signature_lines.texts()
    assert re.fullmatch(rf"✔ Consent: Signed by Tess Tester — review — {LOCAL}", line)

    consent.withdraw(workspace.ctx, confirmed, TODAY, "holder1", ["samples"])
    participant.reload()
    [line] = participant.signature_lines.texts()
    assert line.endswith("— no longer valid: the content changed after signing")
    menu.aboutToShow.emit()
    consent_action = menu.actions()[1]
    assert not consent_action.isEnabled()
    assert consent_action.toolTip().startswith(f"The consent of {confirmed} cannot be signed: it is not complete")
