"""The window by role: who is signed in is shown, writes a role does not allow are greyed (the services refuse them
anyway, and such a refusal is a plain message), and the check of the audit trail at start warns when it fails."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from coordinator.participants.queries import ParticipantQuery, find_ids
from coordinator.security import accounts
from coordinator.workspace import Workspace
from tests.accounts import TESTER, act_as, add_user
from tests.ui.driving import (
    column,
    menu_action,
    open_eligibility,
    open_participant,
    select_study,
    type_into,
    visible,
    wait_for,
)
from ui import messages
from ui.crash_dialog import CrashDialog
from ui.main_window import MainWindow
from ui.study_list import CODE_ROLE
from ui.tasks import tasks_running

MONITOR_REFUSAL = "Mona may not record study data in MILA: no role on this study allows it."


def window_of(qtbot, workspace: Workspace, login: str, role: str, study: str | None = None, *,
              also: tuple[str, str | None] | None = None) -> MainWindow:
    """The window of a user holding one role (and `also` another, on a study), signed in."""
    add_user(workspace.ctx, login, role, study)
    if also is not None:
        act_as(workspace.ctx, TESTER)
        accounts.grant(workspace.ctx, login, *also)
    act_as(workspace.ctx, login)
    shown = MainWindow(workspace)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def monitor_window(qtbot, workspace, people) -> Iterator[MainWindow]:
    yield window_of(qtbot, workspace, "mona", "monitor")


def test_the_status_bar_says_who_is_signed_in_with_their_roles(window):
    assert window.signed_in.text() == ("Signed in: Tess Tester (tester) – administrator, investigator, coordinator, "
                                       "unblinded")


@pytest.mark.parametrize(("role", "register", "back_up", "restore"), [
    ("administrator", False, True, True),
    ("investigator", True, True, False),
    ("coordinator", True, True, False),
    ("monitor", False, False, False),
    ("unblinded", False, False, False),
])
def test_each_role_gets_the_actions_it_allows(qtbot, workspace, role, register, back_up, restore):
    window = window_of(qtbot, workspace, "someone", role)
    select_study(qtbot, window, "MILA")
    read_only = " · read only" if role in ("monitor", "unblinded") else ""
    assert window.signed_in.text() == f"Signed in: Someone (someone) – {role}{read_only}"
    assert window.register_action.isEnabled() is register
    assert window.participants.register_button.isEnabled() is register
    assert menu_action(window, "File", "Back up…").isEnabled() is back_up
    assert menu_action(window, "File", "Restore…").isEnabled() is restore
    assert window.screening_log_action.isEnabled()  # reading and printing: every role


def test_a_monitor_sees_everything_and_can_change_nothing(qtbot, people, monitor_window):
    window = monitor_window
    select_study(qtbot, window, "MILA")
    assert len(column(window, "code")) == 4
    button = window.participants.register_button
    assert not button.isEnabled()
    assert button.toolTip() == MONITOR_REFUSAL
    assert window.backups.back_up_action.toolTip() == "Mona may not back up: no role allows it."

    page = open_participant(qtbot, window, people["Chloé"])  # in screening: every action possible but for the role
    for action in (page.change_status_button, page.correct_identity_button, page.record_consent_button,
                   page.withdraw_consent_button):
        assert not action.isEnabled(), action.text()
        assert action.toolTip() == MONITOR_REFUSAL
    assert page.eligibility_button.isEnabled()  # to read the criteria and the verdict
    eligibility = open_eligibility(qtbot, page)
    assert not eligibility.entry.isVisible()  # no form to type values that could not be recorded
    assert eligibility.table.model().rowCount() > 0
    assert not eligibility.confirm_button.isEnabled()
    assert eligibility.confirm_button.toolTip() == ("Mona may not confirm eligibility in MILA: no role on this study "
                                                    "allows it.")
    assert not eligibility.enroll_button.isEnabled()


def test_a_coordinator_of_one_study_writes_in_that_study_only(qtbot, workspace, people):
    window = window_of(qtbot, workspace, "cora", "coordinator", "MILA", also=("monitor", "REL-ALL"))  # REL-ALL listed
    assert window.signed_in.text() == "Signed in: Cora (cora) – coordinator (MILA), monitor (REL-ALL)"
    select_study(qtbot, window, "MILA")
    assert window.participants.register_button.isEnabled()
    assert window.participants.register_button.toolTip() == "Register a participant in this study (Ctrl+N)"
    select_study(qtbot, window, "REL-ALL")
    assert not window.participants.register_button.isEnabled()
    assert window.participants.register_button.toolTip() == ("Cora may not record study data in REL-ALL: no role "
                                                             "on this study allows it.")
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Chloé"])
    assert page.record_consent_button.isEnabled() and page.change_status_button.isEnabled()


def test_a_refusal_by_the_service_is_a_plain_message(qtbot, workspace, people, monitor_window, data_dir):
    window = monitor_window
    select_study(qtbot, window, "MILA")
    before = find_ids(workspace.ctx, ParticipantQuery(study="MILA"))
    dialog = window.register_participant()  # the button is greyed; a way round it still meets the service
    type_into(qtbot, dialog.birth_date, "2017-06-15")
    qtbot.mouseClick(dialog.female, Qt.MouseButton.LeftButton)
    with messages.reporting_errors():
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
        box = wait_for(qtbot, QMessageBox)
    assert box.text() == MONITOR_REFUSAL
    assert box.icon() == QMessageBox.Icon.Warning
    assert not visible(CrashDialog)
    assert not (data_dir / "crash-reports").exists()
    assert find_ids(workspace.ctx, ParticipantQuery(study="MILA")) == before
    box.close()


def tamper(path, *statements: str) -> None:
    """Another tool on the file: the triggers that protect the audit trail dropped, then the statements."""
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER audit_trail_no_update")
        connection.execute("DROP TRIGGER audit_trail_no_delete")
        for statement in statements:
            connection.execute(statement)


def test_the_check_at_start_warns_when_the_audit_trail_was_changed(qtbot, tester_db, window):
    tamper(tester_db, "UPDATE audit_trail SET new_value = 'Forged' WHERE id = 5",  # row 5 named, 9 missing, 10 moved
           "DELETE FROM audit_trail WHERE id = 9")
    window.verify_audit_trail()
    box = wait_for(qtbot, QMessageBox)
    assert box.text() == ("The check of the audit trail at start found 3 problems: rows of the trail were changed, "
                          "removed or added outside Study Coordinator.")
    assert "'coordinator audit verify' lists the rows at fault" in box.informativeText()
    assert box.icon() == QMessageBox.Icon.Warning
    assert window.audit_warning.isVisible()
    assert window.audit_warning.text() == "Audit trail: 3 findings"
    box.close()


def test_an_intact_audit_trail_says_nothing(qtbot, window):
    window.verify_audit_trail()
    qtbot.waitUntil(lambda: not tasks_running())
    qtbot.wait(20)
    assert not visible(QMessageBox)
    assert not window.audit_warning.isVisible()


def test_the_window_lists_only_the_studies_the_user_may_read(qtbot, workspace, people):
    window = window_of(qtbot, workspace, "cora", "coordinator", "MILA")
    tree = window.studies
    assert [tree.topLevelItem(i).data(0, CODE_ROLE) for i in range(tree.topLevelItemCount())] == ["MILA"]
    assert window.participants.header.title.text().startswith("MILA –")
    assert sorted(column(window, "code")) == sorted(people.values())
    assert window.register_action.isEnabled() and window.screening_log_action.isEnabled()
