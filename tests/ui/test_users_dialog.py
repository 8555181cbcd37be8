"""File > Users…: the accounts with their state and roles, the role history, adding a user, granting and revoking a
role, resetting a password, deactivating an account, the refusals said in words, and the sign-in settings."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from coordinator.errors import NotPermitted
from coordinator.security import accounts, settings, signin
from coordinator.security.permissions import Permission, Role
from coordinator.security.settings import SecuritySettings
from coordinator.workspace import Workspace
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.ui.driving import choose, click_button, click_row, menu_action, retype, type_into, visible, wait_for
from ui.account_form import AddUserDialog, ResetPasswordDialog
from ui.crash_dialog import CrashDialog
from ui.formats import show_utc_stamp
from ui.idle_lock import MINUTE_MS
from ui.main_window import MainWindow
from ui.role_dialogs import GrantRoleDialog, RevokeRoleDialog
from ui.users_dialog import UsersDialog

INITIAL = "initial secret 1"
WHEN = r"2026-11-21 \d\d:\d\d"  # the fixed clock's 10:30 UTC, in the machine's time zone


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_users(qtbot, window: MainWindow) -> UsersDialog:
    action = menu_action(window, "File", "Users…")
    assert action.isEnabled()
    action.trigger()
    return wait_for(qtbot, UsersDialog)


def rows(table) -> list[dict[str, str]]:
    """A table as shown: one dict per row, by column title."""
    model = table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{title: model.index(row, c).data() for c, title in enumerate(titles)} for row in range(model.rowCount())]


def account_row(dialog: UsersDialog, login: str) -> dict[str, str]:
    return next(row for row in rows(dialog.accounts) if row["User id"] == login)


def select(qtbot, dialog: UsersDialog, login: str) -> None:
    click_row(qtbot, dialog.accounts, [row["User id"] for row in rows(dialog.accounts)].index(login))
    assert dialog.selected().login == login
    assert dialog.history_title.text().endswith(f"({login})")


def signing_in(workspace: Workspace, login: str, password: str):
    """Sign in on a context of its own, as the user would on another computer."""
    return signin.sign_in(replace(workspace.ctx), login, password)


def fill_new_user(qtbot, form: AddUserDialog, login: str, password: str, again: str | None = None) -> None:
    type_into(qtbot, form.user_id, login)
    type_into(qtbot, form.full_name, "Bernard Martin")
    type_into(qtbot, form.password, password)
    type_into(qtbot, form.password_again, password if again is None else again)


def test_a_user_added_with_two_roles_is_listed_and_must_change_the_password(qtbot, window, workspace):
    dialog = open_users(qtbot, window)
    assert rows(dialog.accounts) == [{"User id": TESTER, "Full name": "Tess Tester", "State": "active",
                                      "Current roles": "administrator, investigator, coordinator, unblinded"}]
    click(qtbot, dialog.add_button)
    form = wait_for(qtbot, AddUserDialog)
    fill_new_user(qtbot, form, "BMartin", INITIAL)
    click(qtbot, form.roles.boxes[Role.INVESTIGATOR])
    choose(qtbot, form.roles.studies[Role.INVESTIGATOR], "MILA")
    click(qtbot, form.roles.boxes[Role.MONITOR])
    assert not form.roles.studies[Role.ADMINISTRATOR].isEnabled()
    click(qtbot, form.accept_button)

    qtbot.waitUntil(lambda: not form.isVisible())
    assert account_row(dialog, "bmartin") == {"User id": "bmartin", "Full name": "Bernard Martin",
                                              "State": "must change password",
                                              "Current roles": "investigator (MILA), monitor"}
    assert dialog.outcome.text() == ("Account bmartin created; the initial password is to be changed at the first "
                                     "sign-in.")
    assert dialog.selected().login == "bmartin"
    history = rows(dialog.history)
    assert [(line["Role"], line["Study"], line["Granted by"], line["Revoked"]) for line in history] == [
        ("investigator", "MILA", TESTER, ""), ("monitor", "every study", TESTER, "")]
    assert all(re.fullmatch(WHEN, line["Granted"]) for line in history)
    assert signing_in(workspace, "bmartin", INITIAL).must_change_password


def test_the_password_policy_and_a_taken_id_are_said_beside_their_fields(qtbot, window, workspace):
    dialog = open_users(qtbot, window)
    click(qtbot, dialog.add_button)
    form = wait_for(qtbot, AddUserDialog)
    fill_new_user(qtbot, form, "bmartin", "too short")
    click(qtbot, form.roles.boxes[Role.COORDINATOR])
    click(qtbot, form.accept_button)
    assert form.isVisible()
    assert form.messages.label("password").isVisible()
    assert form.messages.label("password").text() == "The password needs at least 10 characters."
    assert not form.general.isVisible()

    retype(qtbot, form.password, "Bmartin-2026!")
    retype(qtbot, form.password_again, "Bmartin-2026!")
    click(qtbot, form.accept_button)
    assert form.messages.label("password").text() == "The password must not contain the user id."

    retype(qtbot, form.user_id, TESTER)
    retype(qtbot, form.password, INITIAL)
    retype(qtbot, form.password_again, INITIAL + "x")
    click(qtbot, form.accept_button)
    assert form.messages.label("password_again").text() == ("The two passwords differ: type the same password "
                                                            "twice.")
    retype(qtbot, form.password_again, INITIAL)
    click(qtbot, form.accept_button)
    assert form.isVisible()
    assert form.messages.label("login").text() == ("The user id tester is already taken (Tess Tester, active); a "
                                                   "user id is never reused.")
    assert not form.messages.label("password").isVisible()
    assert [account.login for account in accounts.accounts(workspace.ctx)] == [TESTER]
    form.reject()


def test_a_role_granted_then_revoked_stays_in_the_history(qtbot, window, workspace):
    add_user(workspace.ctx, "cora", "coordinator", "MILA")
    dialog = open_users(qtbot, window)
    select(qtbot, dialog, "cora")
    click(qtbot, dialog.grant_button)
    form = wait_for(qtbot, GrantRoleDialog)
    assert "Roles held now: coordinator (MILA)." in form.intro.text()
    choose(qtbot, form.role, "monitor")
    assert form.abilities.text() == "may read, review the audit trail"
    assert form.study.currentText() == "every study"
    click(qtbot, form.accept_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert dialog.outcome.text() == "cora now holds the role monitor on every study."
    assert account_row(dialog, "cora")["Current roles"] == "coordinator (MILA), monitor"

    click(qtbot, dialog.grant_button)
    form = wait_for(qtbot, GrantRoleDialog)
    assert form.role.currentText() == "coordinator"
    choose(qtbot, form.study, "MILA")
    click(qtbot, form.accept_button)
    assert form.isVisible()
    assert form.messages.label("role").text() == "cora already holds this role."  # the service's refusal, in words
    form.reject()

    click(qtbot, dialog.revoke_button)
    form = wait_for(qtbot, RevokeRoleDialog)
    choose(qtbot, form.role, "coordinator on MILA")
    click(qtbot, form.accept_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert dialog.outcome.text() == "cora no longer holds the role coordinator on MILA."
    assert account_row(dialog, "cora")["Current roles"] == "monitor"
    history = rows(dialog.history)
    assert [(line["Role"], line["Study"], line["Granted by"], line["Revoked by"]) for line in history] == [
        ("coordinator", "MILA", TESTER, TESTER), ("monitor", "every study", TESTER, "")]
    assert re.fullmatch(WHEN, history[0]["Revoked"]) and history[1]["Revoked"] == ""
    act_as(workspace.ctx, "cora")
    assert not workspace.ctx.may(Permission.RECORD, "MILA")


def test_deactivating_asks_naming_the_person_then_the_account_is_deactivated(qtbot, window, workspace):
    add_user(workspace.ctx, "cora", "coordinator")
    dialog = open_users(qtbot, window)
    select(qtbot, dialog, "cora")
    click(qtbot, dialog.deactivate_button)
    question = wait_for(qtbot, QMessageBox)
    assert question.text() == "Deactivate the account of Cora (cora)?"
    click_button(qtbot, question, "Cancel")
    qtbot.waitUntil(lambda: not visible(QMessageBox))
    assert account_row(dialog, "cora")["State"] == "active"

    click(qtbot, dialog.deactivate_button)
    click_button(qtbot, wait_for(qtbot, QMessageBox), "Deactivate Cora")
    qtbot.waitUntil(lambda: account_row(dialog, "cora")["State"] == "deactivated")
    assert dialog.outcome.text() == "Account cora deactivated."
    assert dialog.selected().login == "cora"
    for button in (dialog.grant_button, dialog.reset_button, dialog.deactivate_button):
        assert not button.isEnabled()
        assert button.toolTip() == "The account cora is deactivated."
    assert dialog.revoke_button.isEnabled()  # its roles can still be closed
    with pytest.raises(NotPermitted, match="The account cora is deactivated"):
        signing_in(workspace, "cora", PASSWORD + "-new")


def test_the_last_administrator_keeps_the_role_and_the_account(qtbot, window, workspace):
    dialog = open_users(qtbot, window)
    select(qtbot, dialog, TESTER)
    assert not dialog.deactivate_button.isEnabled()
    assert dialog.deactivate_button.toolTip() == "You cannot deactivate your own account."
    click(qtbot, dialog.revoke_button)
    form = wait_for(qtbot, RevokeRoleDialog)
    choose(qtbot, form.role, "administrator on every study")
    click(qtbot, form.accept_button)
    assert form.isVisible()
    assert form.general.isVisible()  # about the account, not the role chosen: under the form
    assert form.general.text() == "tester is the last active administrator: name another one first."
    form.reject()
    assert account_row(dialog, TESTER)["Current roles"].startswith("administrator")


def test_a_refusal_while_the_question_was_open_is_said_in_the_window(qtbot, window, workspace):
    add_user(workspace.ctx, "cora", "coordinator")
    add_user(workspace.ctx, "alice", "administrator")
    dialog = open_users(qtbot, window)
    select(qtbot, dialog, "cora")
    click(qtbot, dialog.deactivate_button)
    question = wait_for(qtbot, QMessageBox)
    act_as(workspace.ctx, "alice")  # meanwhile, on another computer, alice takes the tester's administrator role
    accounts.revoke(workspace.ctx, TESTER, "administrator", None)
    act_as(workspace.ctx, TESTER)
    click_button(qtbot, question, "Deactivate Cora")
    qtbot.waitUntil(lambda: dialog.outcome.isVisible())
    assert dialog.outcome.text() == "Tess Tester may not manage users: no role allows it."
    assert not visible(CrashDialog)
    assert account_row(dialog, "cora")["State"] == "active"


def test_a_password_reset_unlocks_and_must_be_changed(qtbot, window, workspace):
    add_user(workspace.ctx, "cora", "coordinator")
    for _attempt in range(5):
        with pytest.raises(NotPermitted):
            signing_in(workspace, "cora", "not her password")
    dialog = open_users(qtbot, window)
    assert account_row(dialog, "cora")["State"] == f"locked until {show_utc_stamp('2026-11-21T10:45:00Z')}"
    select(qtbot, dialog, "cora")
    click(qtbot, dialog.reset_button)
    form = wait_for(qtbot, ResetPasswordDialog)
    assert "Cora must change it at the next sign-in" in form.intro.text()
    type_into(qtbot, form.password, "a new start 7")
    type_into(qtbot, form.password_again, "a new start 7")
    click(qtbot, form.accept_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert account_row(dialog, "cora")["State"] == "must change password"
    assert dialog.outcome.text() == "Password of cora reset: to be changed at the next sign-in."
    assert signing_in(workspace, "cora", "a new start 7").must_change_password


def test_the_sign_in_settings_are_saved_read_back_and_the_idle_lock_follows(qtbot, window, workspace):
    dialog = open_users(qtbot, window)
    box = dialog.settings_box
    assert [field.value() for field in box.fields.values()] == [5, 15, 10]
    click(qtbot, box.save_button)
    assert box.outcome.text() == "Nothing to save: the settings were already these."
    retype(qtbot, box.fields["lockout_attempts"], "3")
    retype(qtbot, box.fields["lockout_minutes"], "30")
    retype(qtbot, box.fields["idle_lock_minutes"], "5")
    assert box.fields["idle_lock_minutes"].maximum() == settings.LIMITS["idle_lock_minutes"][1]
    click(qtbot, box.save_button)
    assert box.outcome.text() == "Settings saved."
    assert settings.load(workspace.ctx) == SecuritySettings(lockout_attempts=3, lockout_minutes=30,
                                                            idle_lock_minutes=5)
    assert window.idle_lock.timeout_ms == 5 * MINUTE_MS  # the open window, at once
    dialog.close()
    again = open_users(qtbot, window)
    assert [field.value() for field in again.settings_box.fields.values()] == [3, 30, 5]


def test_a_coordinator_cannot_open_the_users(qtbot, workspace):
    add_user(workspace.ctx, "cora", "coordinator")
    act_as(workspace.ctx, "cora")
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = menu_action(window, "File", "Users…")
    assert not action.isEnabled()
    assert action.toolTip() == "Cora may not manage users: no role allows it."
