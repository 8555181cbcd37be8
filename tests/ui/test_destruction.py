"""A withdrawal of consent with "destroy samples": the destruction dialog opens from the participant page, lists
every sample with its position (shipped ones: the destination to tell; gone ones: nothing to do), prints the
certificate off the UI thread, and marks them destroyed once confirmed; a refusal is said in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from coordinator.consent import service as consent
from coordinator.consent.status import Scope
from coordinator.samples import queries, service
from coordinator.samples.custody import Status
from tests.accounts import TESTER, act_as, add_user
from tests.sampling import box, consented, marrow
from tests.ui.driving import click_button, open_participant, select_study, visible, wait_for
from ui.destruction_dialog import DestructionDialog
from ui.withdrawal_dialog import WithdrawalDialog

DESTROY = "destroy"
MONITOR_REFUSAL = "Mona may not record study data in MILA: no role on this study allows it."


@pytest.fixture
def tubes(workspace) -> dict[str, str]:
    """A MILA participant's marrow split in three: two stored, one shipped; a fourth aliquot already destroyed."""
    ctx = workspace.ctx
    code = consented(ctx)
    one = marrow(ctx, code, "5 mL")
    aliquots = service.aliquot(ctx, one, 4, "1 mL", "2026-10-05 10:00")
    box(ctx)
    service.store(ctx, aliquots[0], "F1/R1/B1/A1", "2026-10-05 11:00")
    service.store(ctx, aliquots[1], "F1/R1/B1/B3", "2026-10-05 11:00")
    service.ship(ctx, [aliquots[2]], "Central lab, Lyon", "2026-10-10 10:00")
    service.destroy(ctx, aliquots[3], "tube cracked", "2026-10-11 09:00")
    return {"participant": code, "marrow": one, "first": aliquots[0], "second": aliquots[1],
            "shipped": aliquots[2], "cracked": aliquots[3]}


def withdraw_destroying_samples(qtbot, window, participant: str) -> DestructionDialog:
    """On the participant page: Withdraw consent…, tick "destroy samples", record; the destruction dialog follows."""
    window.refresh()
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, participant)
    qtbot.mouseClick(page.withdraw_consent_button, Qt.MouseButton.LeftButton)
    withdrawal = wait_for(qtbot, WithdrawalDialog)
    withdrawal.by.setCurrentIndex(withdrawal.by.findText("first holder of parental authority"))
    qtbot.keyClick(withdrawal.scopes[Scope.samples], Qt.Key.Key_Space)
    assert withdrawal.scopes[Scope.samples].isChecked()
    qtbot.mouseClick(withdrawal.withdraw_button, Qt.MouseButton.LeftButton)
    return wait_for(qtbot, DestructionDialog)


def confirm(qtbot, dialog: DestructionDialog, answer: str) -> str:
    """Click Confirm destruction…, answer the question; returns the question asked."""
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    question = wait_for(qtbot, QMessageBox)
    asked = question.text()
    click_button(qtbot, question, answer)
    qtbot.waitUntil(lambda: not visible(QMessageBox))
    return asked


def test_the_withdrawal_lists_the_samples_with_their_positions_and_confirming_destroys_them(qtbot, window, workspace,
                                                                                           tubes, tmp_path):
    ctx = workspace.ctx
    dialog = withdraw_destroying_samples(qtbot, window, tubes["participant"])
    number = f"{tubes['participant']}-DC-20261121"
    assert dialog.about.text() == (f"Consent withdrawn on 2026-11-21 with \u201cdestroy samples\u201d. Certificate "
                                   f"{number}.")
    assert dialog.summary.text() == ("3 samples to destroy at the site · 1 shipped: tell the destination · "
                                     "1 already destroyed or used")
    assert dialog.rows() == [
        ["To destroy at the site (3)", "", "", "", "", ""],
        [tubes["marrow"], "BMA", "1 mL", "processed", "not in a box (processed)", DESTROY],
        [tubes["first"], "BMA", "1 mL", "stored", "F1/R1/B1/A1", DESTROY],
        [tubes["second"], "BMA", "1 mL", "stored", "F1/R1/B1/B3", DESTROY],
        ["Shipped: the destination must destroy them (1)", "", "", "", "", ""],
        [tubes["shipped"], "BMA", "1 mL", "shipped", "Central lab, Lyon",
         "notify: manifest MILA-SHP-0001 of 2026-10-10 10:00"],
        ["Already destroyed or used (1)", "", "", "", "", ""],
        [tubes["cracked"], "BMA", "1 mL", "destroyed", "", "nothing: destroyed on 2026-10-11 09:00"],
    ]
    dialog.grab().save(str(tmp_path / "destruction.png"))

    assert confirm(qtbot, dialog, "Cancel") == f"Mark the 3 samples of {tubes['participant']} destroyed?"
    assert queries.find(ctx, tubes["first"]).row.status is Status.stored  # nothing changed

    confirm(qtbot, dialog, "Mark destroyed")
    assert dialog.outcome.text() == f"3 samples marked destroyed (certificate {number})."
    for name in ("marrow", "first", "second"):
        assert queries.find(ctx, tubes[name]).row.status is Status.destroyed
    assert queries.find(ctx, tubes["shipped"]).row.status is Status.shipped  # the destination destroys it
    assert dialog.summary.text() == ("0 samples to destroy at the site · 1 shipped: tell the destination · "
                                     "4 already destroyed or used")
    gone = {line[0]: line for line in dialog.rows()}
    assert gone[tubes["first"]][3:] == ["destroyed", "was at F1/R1/B1/A1", "nothing: destroyed on 2026-11-21 10:30"]
    assert not dialog.confirm_button.isEnabled()
    assert dialog.confirm_button.toolTip() == "No sample is left to destroy at the site."


def test_the_certificate_is_written_off_the_ui_thread_to_the_file_chosen(qtbot, monkeypatch, workspace, tubes,
                                                                         tmp_path: Path):
    ctx = workspace.ctx
    consent.withdraw(ctx, tubes["participant"], "2026-11-20", "holder1", ["samples"])
    dialog = DestructionDialog(ctx, tubes["participant"])
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "certificates" / "certificate.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.outcome.isVisible)  # written in the database thread
    assert dialog.outcome.text() == f"Written: {target}"
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    for code in (tubes["first"], tubes["second"], "F1/R1/B1/B3"):
        assert code in text


def test_a_refusal_is_said_in_words_and_a_monitor_cannot_confirm(qtbot, workspace, tubes):
    ctx = workspace.ctx
    unwithdrawn = DestructionDialog(ctx, tubes["participant"])
    qtbot.addWidget(unwithdrawn)
    assert unwithdrawn.problem.text() == (f"The consent of {tubes['participant']} is not withdrawn with \"destroy "
                                          f"samples\": no sample is to be destroyed for a withdrawal.")
    assert not unwithdrawn.confirm_button.isEnabled() and not unwithdrawn.print_button.isEnabled()

    consent.withdraw(ctx, tubes["participant"], "2026-11-20", "holder1", ["samples"])
    dialog = DestructionDialog(ctx, tubes["participant"])
    qtbot.addWidget(dialog)
    dialog.show()
    for name in ("marrow", "first", "second"):  # destroyed one by one meanwhile, from the samples' own windows
        service.destroy(ctx, tubes[name], "destroyed at the bench")
    confirm(qtbot, dialog, "Mark destroyed")
    assert dialog.problem.isVisible()
    assert dialog.problem.text() == f"No sample of {tubes['participant']} is left to destroy at the site."
    assert not dialog.confirm_button.isEnabled()  # the list read again shows why

    add_user(ctx, "mona", "monitor")
    participant = consented(ctx)
    marrow(ctx, participant)
    consent.withdraw(ctx, participant, "2026-11-20", "holder1", ["samples"])
    act_as(ctx, "mona")
    watched = DestructionDialog(ctx, participant)
    qtbot.addWidget(watched)
    assert watched.print_button.isEnabled()
    assert not watched.confirm_button.isEnabled()
    assert watched.confirm_button.toolTip() == MONITOR_REFUSAL
    act_as(ctx, TESTER)


def test_confirming_a_list_that_changed_since_it_was_shown_is_refused_and_the_list_read_again(qtbot, workspace,
                                                                                              tubes):
    ctx = workspace.ctx
    consent.withdraw(ctx, tubes["participant"], "2026-11-20", "holder1", ["samples"])
    dialog = DestructionDialog(ctx, tubes["participant"])
    qtbot.addWidget(dialog)
    dialog.show()
    service.destroy(ctx, tubes["first"], "tube cracked at the bench")  # meanwhile, from the sample's own window
    assert confirm(qtbot, dialog, "Mark destroyed") == f"Mark the 3 samples of {tubes['participant']} destroyed?"
    assert dialog.problem.isVisible()
    assert dialog.problem.text() == ("The samples to destroy changed since the list was shown; check the new list "
                                     "(and print the certificate again).")
    for name in ("marrow", "second"):
        assert queries.find(ctx, tubes[name]).row.status is not Status.destroyed  # nothing marked
    assert dialog.summary.text().startswith("2 samples to destroy at the site")  # the list read again
    assert [line[0] for line in dialog.rows()[1:3]] == [tubes["marrow"], tubes["second"]]

    assert confirm(qtbot, dialog, "Mark destroyed") == f"Mark the 2 samples of {tubes['participant']} destroyed?"
    assert not dialog.problem.isVisible()
    assert dialog.outcome.text() == f"2 samples marked destroyed (certificate {tubes['participant']}-DC-20261120)."
