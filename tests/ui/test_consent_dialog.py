"""Recording consent from the participant page: only the signers the rule needs, refusals beside the signer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from coordinator.consent import service as consent
from coordinator.consent.rules import Role
from coordinator.consent.status import Scope
from coordinator.participants.register import Registration, register
from tests.ui.driving import column, menu_action, open_participant, select_study, type_into, wait_for
from ui.consent_dialog import ConsentDialog
from ui.consent_todo_dialog import ConsentTodoDialog
from ui.withdrawal_dialog import WithdrawalDialog


def open_dialog(qtbot, window, code: str):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, code)
    qtbot.mouseClick(page.record_consent_button, Qt.MouseButton.LeftButton)
    return page, wait_for(qtbot, ConsentDialog)


def test_the_table_shows_the_consent_of_each_participant(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    consents = dict(zip(column(window, "code"), column(window, "consent"), strict=True))
    assert consents[people["Hervé"]] == "Complete"
    assert consents[people["Chloé"]] == "Not started"


def test_the_dialog_asks_for_the_signers_of_this_child_and_records_them(qtbot, people, window, tmp_path: Path):
    page, dialog = open_dialog(qtbot, window, people["Chloé"])  # 7 years old: French minor, assent sought
    assert [fields.role for fields in dialog.signers] == [
        Role.holder1, Role.holder2, Role.investigator, Role.assent, Role.guardian]
    assert Role.participant not in [fields.role for fields in dialog.signers]
    type_into(qtbot, dialog.signer(Role.holder1).name, "Claire Martin")
    type_into(qtbot, dialog.signer(Role.holder1).relationship, "mother")
    type_into(qtbot, dialog.signer(Role.holder2).name, "Marc Martin")
    type_into(qtbot, dialog.signer(Role.investigator).name, "Dr Roux")
    type_into(qtbot, dialog.signer(Role.assent).name, "Chloe Martin")
    dialog.grab().save(str(tmp_path / "consent-dialog.png"))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.consent_status.text() == "Complete"
    assert "Claire Martin" in page.signatures.text() and "Chloe Martin, given" in page.signatures.text()
    qtbot.wait(50)  # let the layout take the new lines before the picture
    page.grab().save(str(tmp_path / "participant-page.png"))


def test_the_same_person_as_both_holders_is_refused_beside_the_second_holder(qtbot, people, window):
    _page, dialog = open_dialog(qtbot, window, people["Chloé"])
    type_into(qtbot, dialog.signer(Role.holder1).name, "Claire Martin")
    type_into(qtbot, dialog.signer(Role.holder2).name, "claire martin")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    message = dialog.messages.label("holder2")
    qtbot.waitUntil(message.isVisible)
    assert message.text() == "The same person cannot sign as both holders of parental authority."
    assert dialog.isVisible()
    assert not dialog.signer(Role.holder1).name.isEnabled()  # that one was recorded, it is its own record
    dialog.reject()


def test_a_date_in_the_future_is_refused_beside_the_date(qtbot, people, window):
    page, dialog = open_dialog(qtbot, window, people["Chloé"])
    dialog.on.clear()
    type_into(qtbot, dialog.on, "2027-01-01")
    type_into(qtbot, dialog.signer(Role.holder1).name, "Claire Martin")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.messages.label("date").isVisible)
    assert "in the future" in dialog.messages.label("date").text()
    assert page.consent_status.text() == "Not started"
    dialog.reject()


def test_the_consent_to_do_lists_what_is_due(qtbot, people, window, workspace, tmp_path: Path):
    consent.sign(workspace.ctx, people["Chloé"], consent.SignatureInput("holder1", "Claire Martin", "2026-11-20"))
    menu_action(window, "Participants", "Consent to-do…").trigger()
    dialog = wait_for(qtbot, ConsentTodoDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)  # looked up in the database thread
    shown = [[dialog.table.item(row, column).text() for column in range(4)] for row in range(dialog.table.rowCount())]
    assert [line[0] for line in shown] == [people["Chloé"]]
    assert shown[0][3].startswith("Consent of the second holder of parental authority is missing")
    dialog.grab().save(str(tmp_path / "consent-todo.png"))
    dialog.reject()


def test_a_french_one_holder_exception_is_chosen_with_its_document(qtbot, people, window, tmp_path: Path):
    page, dialog = open_dialog(qtbot, window, people["Chloé"])
    exemption = dialog.exemption
    assert not exemption.document.isVisible()
    exemption.kind.setCurrentIndex(exemption.kind.findData("sole_holder"))
    assert exemption.document.isVisible() and not exemption.conditions["minimal_risk"].isVisible()
    type_into(qtbot, dialog.signer(Role.holder1).name, "Claire Martin")
    type_into(qtbot, dialog.signer(Role.investigator).name, "Dr Roux")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.messages.label("holder1").isVisible)
    assert "Name the document" in dialog.messages.label("holder1").text()
    type_into(qtbot, exemption.document, "Judgment of 2020-03-02")
    qtbot.wait(50)
    dialog.grab().save(str(tmp_path / "exception.png"))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.consent_status.text() == "Complete"


def test_the_dutch_rule_offers_no_one_holder_exception(qtbot, workspace, window):
    code = register(workspace.ctx, Registration("NK-HSCT", 1, "2013-05-01", "F", registered_on="2026-10-01")).code
    select_study(qtbot, window, "NK-HSCT")
    page = open_participant(qtbot, window, code)
    qtbot.mouseClick(page.record_consent_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, ConsentDialog)
    assert dialog.exemption is None
    assert [fields.role for fields in dialog.signers] == [
        Role.holder1, Role.holder2, Role.participant, Role.investigator]
    dialog.reject()


def test_a_withdrawal_needs_its_scope_then_shows_on_the_page(qtbot, people, window):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Hervé"])
    qtbot.mouseClick(page.withdraw_consent_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, WithdrawalDialog)
    dialog.by.setCurrentIndex(dialog.by.findData("holder1"))
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.messages.label("scope").isVisible)
    assert "scope" in dialog.messages.label("scope").text()
    for scope in (Scope.follow_up, Scope.samples):  # click the box itself, at the left of the stretched widget
        box = dialog.scopes[scope]
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.consent_status.text() == ("Withdrawn on 2026-11-21 by the first holder of parental authority "
                                          "(stop follow-up, destroy samples)")
