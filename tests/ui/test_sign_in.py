"""Signing in as the user does: the first administrator, the sign-in with its refusals and lockout, the change of
a password an administrator set, and the start of the program with and without someone to type."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from coordinator.participants.queries import ParticipantQuery, find_ids
from coordinator.security import accounts, settings, signin
from coordinator.security.permissions import NOBODY, Role
from coordinator.workspace import Workspace, open_workspace
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.ui.driving import menu_action, type_into, visible, wait_for
from ui.app import run_app, sign_in_at_start
from ui.first_admin_dialog import FirstAdminDialog
from ui.main_window import MainWindow
from ui.password_dialog import PasswordDialog
from ui.sign_in_dialog import SignInDialog
from ui.tasks import tasks_running

NEW_PASSWORD = "my own secret 9"
DEADLINE_S = 20


class Script:
    """Acts in the dialogs a flow opens with exec(), which blocks the test until they close: each step waits until
    a window of its kind is shown, then acts in it. Past the deadline every window is closed, so a failing flow
    ends instead of hanging; the error is kept for `check()`."""

    def __init__(self, *steps: tuple[type[QWidget], Callable[[QWidget], None]]) -> None:
        self.steps = list(steps)
        self.errors: list[BaseException] = []
        self._acted: list[QWidget] = []  # held, not their ids: a closed dialog's id is reused by the next one
        self._started = time.monotonic()
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(20)

    def _tick(self) -> None:
        if not self.steps:
            self._timer.stop()
            return
        if time.monotonic() - self._started > DEADLINE_S:
            self._timer.stop()
            self.errors.append(TimeoutError(f"no {self.steps[0][0].__name__} shown"))
            for widget in QApplication.topLevelWidgets():
                _force_close(widget)
            return
        kind, act = self.steps[0]
        shown = [widget for widget in visible(kind) if not any(widget is acted for acted in self._acted)]
        if len(shown) != 1:
            return
        self.steps.pop(0)
        self._acted.append(shown[0])
        try:
            act(shown[0])
        except Exception as error:  # kept for check(): an error here would otherwise leave the dialog open
            self.errors.append(error)
            _force_close(shown[0])

    def check(self) -> None:
        self._timer.stop()
        if self.errors:
            raise self.errors[0]
        assert not self.steps, f"steps left: {[kind.__name__ for kind, _act in self.steps]}"


def _force_close(widget: QWidget) -> None:
    """Close a window even if it refuses (a dialog waiting for its task): its exec() returns."""
    if isinstance(widget, QDialog):
        QDialog.done(widget, QDialog.DialogCode.Rejected)
    widget.close()


def click(qtbot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def signed_out(workspace: Workspace) -> Workspace:
    workspace.ctx.user = NOBODY
    return workspace


def shown(qtbot, dialog: QDialog) -> QDialog:
    """Show a dialog and make it the active window, as it is when it opens in front of the user."""
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def first_admin(qtbot, ctx) -> FirstAdminDialog:
    return shown(qtbot, FirstAdminDialog(ctx))


def fill_first_admin(qtbot, dialog: FirstAdminDialog, password: str, again: str | None = None,
                     login: str = "mdupont") -> None:
    type_into(qtbot, dialog.user_id, login)
    type_into(qtbot, dialog.full_name, "Marie Dupont")
    type_into(qtbot, dialog.password, password)
    type_into(qtbot, dialog.password_again, password if again is None else again)
    click(qtbot, dialog.create_button)


@pytest.fixture
def fresh(db_file: Path) -> Workspace:
    """A new database: the studies, no account."""
    opened = open_workspace(str(db_file))
    yield opened
    opened.ctx.engine.dispose()


def test_the_first_administrator_is_created_and_can_sign_in_with_that_password(qtbot, fresh):
    dialog = first_admin(qtbot, fresh.ctx)
    assert dialog.also_investigator.isChecked()
    fill_first_admin(qtbot, dialog, NEW_PASSWORD, login="MDupont")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.login == "mdupont"
    assert fresh.ctx.user is NOBODY  # created, not yet signed in
    principal = signin.sign_in(fresh.ctx, "mdupont", NEW_PASSWORD)
    assert principal.full_name == "Marie Dupont"
    assert principal.roles() == {Role.ADMINISTRATOR, Role.INVESTIGATOR, Role.COORDINATOR}


def test_unticked_the_first_administrator_only_administers(qtbot, fresh):
    dialog = first_admin(qtbot, fresh.ctx)
    click(qtbot, dialog.also_investigator)
    fill_first_admin(qtbot, dialog, NEW_PASSWORD)
    assert signin.sign_in(fresh.ctx, "mdupont", NEW_PASSWORD).roles() == {Role.ADMINISTRATOR}


@pytest.mark.parametrize(("password", "again", "field", "message"), [
    ("short one", "short one", "password", "The password needs at least 10 characters."),
    ("mdupont-2026!", "mdupont-2026!", "password", "The password must not contain the user id."),
    ("short", "other", "password", "The password needs at least 10 characters."),  # the policy is said first
    (NEW_PASSWORD, NEW_PASSWORD + "x", "password_again", "The two passwords differ: type the same password twice."),
])
def test_a_refused_password_is_explained_beside_its_field_and_nothing_is_created(qtbot, fresh, password, again,
                                                                                 field, message):
    dialog = first_admin(qtbot, fresh.ctx)
    fill_first_admin(qtbot, dialog, password, again)
    assert dialog.isVisible()
    label = dialog.messages.label(field)
    assert label.isVisible()
    assert label.text() == message
    assert not accounts.has_accounts(fresh.ctx)


def test_the_user_id_and_full_name_are_checked_beside_their_fields(qtbot, fresh):
    dialog = first_admin(qtbot, fresh.ctx)
    type_into(qtbot, dialog.user_id, "1x")
    type_into(qtbot, dialog.password, NEW_PASSWORD)
    type_into(qtbot, dialog.password_again, NEW_PASSWORD)
    click(qtbot, dialog.create_button)
    assert dialog.messages.label("login").text().startswith("A user id is 2 to 40 characters")
    assert dialog.user_id.hasFocus()
    dialog.user_id.clear()
    type_into(qtbot, dialog.user_id, "mdupont")
    click(qtbot, dialog.create_button)
    assert not dialog.messages.label("login").isVisible()
    assert dialog.messages.label("name").text() == "The full name is required: it is printed with every signature."


def sign_in_dialog(qtbot, ctx, login: str = "") -> SignInDialog:
    return shown(qtbot, SignInDialog(ctx, login))


def attempt(qtbot, dialog: SignInDialog, password: str, login: str = TESTER) -> None:
    dialog.user_id.setText(login)
    type_into(qtbot, dialog.password, password)
    click(qtbot, dialog.sign_in_button)


def test_signing_in_sets_the_user(qtbot, workspace):
    ctx = signed_out(workspace).ctx
    dialog = sign_in_dialog(qtbot, ctx)
    attempt(qtbot, dialog, PASSWORD, login="Tester ")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert ctx.user.login == TESTER


def test_a_wrong_password_says_the_attempts_left_and_the_fifth_locks_the_account(qtbot, workspace):
    ctx = signed_out(workspace).ctx
    dialog = sign_in_dialog(qtbot, ctx, TESTER)
    assert dialog.password.hasFocus()  # the user id is given: straight to the password
    attempt(qtbot, dialog, "not my password")
    assert dialog.refusal.isVisible()
    assert dialog.refusal.text() == ("Wrong password for tester. 4 more failed attempt(s) lock the account for "
                                     "15 minutes.")
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    for _attempt in range(4):
        attempt(qtbot, dialog, "not my password")
    assert dialog.refusal.text().startswith("The account tester is locked after too many failed sign-ins, until ")
    attempt(qtbot, dialog, PASSWORD)  # even the right password, now
    assert "is locked" in dialog.refusal.text()
    assert dialog.isVisible()
    assert ctx.user is NOBODY


def test_the_lockout_follows_the_site_settings(qtbot, workspace):
    ctx = workspace.ctx
    settings.change(ctx, lockout_attempts=3, lockout_minutes=30)
    signed_out(workspace)
    dialog = sign_in_dialog(qtbot, ctx)
    attempt(qtbot, dialog, "not my password")
    assert dialog.refusal.text() == ("Wrong password for tester. 2 more failed attempt(s) lock the account for "
                                     "30 minutes.")


def test_a_deactivated_or_unknown_user_is_refused(qtbot, workspace):
    ctx = workspace.ctx
    add_user(ctx, "cora", "coordinator")
    accounts.deactivate(ctx, "cora")
    signed_out(workspace)
    dialog = sign_in_dialog(qtbot, ctx)
    attempt(qtbot, dialog, PASSWORD + "-new", login="cora")
    assert dialog.refusal.text() == "The account cora is deactivated; ask an administrator."
    attempt(qtbot, dialog, PASSWORD, login="nobody")
    assert dialog.refusal.text() == "There is no account with the user id nobody."
    assert ctx.user is NOBODY


def test_an_empty_field_is_said_beside_it(qtbot, workspace):
    dialog = sign_in_dialog(qtbot, signed_out(workspace).ctx)
    click(qtbot, dialog.sign_in_button)
    assert dialog.messages.label("login").text() == "Give your user id."
    assert not dialog.refusal.isVisible()


def reset_cora(workspace: Workspace) -> None:
    ctx = workspace.ctx
    add_user(ctx, "cora", "coordinator")
    accounts.reset_password(ctx, "cora", "set by the admin 1")
    signed_out(workspace)


def sign_in_as_cora(qtbot) -> Callable[[SignInDialog], None]:
    def act(dialog: SignInDialog) -> None:
        attempt(qtbot, dialog, "set by the admin 1", login="cora")
    return act


def test_after_a_reset_the_password_is_changed_before_the_window_opens(qtbot, workspace):
    reset_cora(workspace)

    def change(dialog: PasswordDialog) -> None:
        assert dialog.cancel_button.text() == "&Quit"
        assert dialog.intro.text().startswith("Cora (cora): an administrator set your password.")
        type_into(qtbot, dialog.current_password, "set by the admin 1")
        type_into(qtbot, dialog.new_password, "cora")  # too short, and the user id
        type_into(qtbot, dialog.new_again, "cora")
        click(qtbot, dialog.change_button)
        assert dialog.messages.label("new_password").text() == "The password needs at least 10 characters."
        for field in (dialog.new_password, dialog.new_again):
            field.clear()
            type_into(qtbot, field, NEW_PASSWORD)
        click(qtbot, dialog.change_button)  # the change runs in the database thread: the form waits meanwhile
        assert not dialog.change_button.isEnabled()

    script = Script((SignInDialog, sign_in_as_cora(qtbot)), (PasswordDialog, change))
    assert sign_in_at_start(workspace) is True
    script.check()
    assert workspace.ctx.user.login == "cora"
    assert not workspace.ctx.user.must_change_password
    workspace.ctx.user = NOBODY
    assert signin.sign_in(workspace.ctx, "cora", NEW_PASSWORD).login == "cora"


def test_a_wrong_current_password_is_said_beside_it(qtbot, workspace):
    reset_cora(workspace)
    signin.sign_in(workspace.ctx, "cora", "set by the admin 1")
    dialog = shown(qtbot, PasswordDialog(workspace.ctx, forced=True))
    type_into(qtbot, dialog.current_password, "not the one")
    type_into(qtbot, dialog.new_password, NEW_PASSWORD)
    type_into(qtbot, dialog.new_again, NEW_PASSWORD)
    click(qtbot, dialog.change_button)
    qtbot.waitUntil(lambda: dialog.messages.label("current_password").isVisible())
    assert dialog.messages.label("current_password").text() == (
        "The current password is wrong: Wrong password for cora. 4 more failed attempt(s) lock the account for "
        "15 minutes.")  # a wrong current password counts towards the lockout
    assert dialog.change_button.isEnabled() and dialog.isVisible()


def test_quitting_the_forced_change_quits(qtbot, workspace):
    reset_cora(workspace)
    script = Script((SignInDialog, sign_in_as_cora(qtbot)),
                    (PasswordDialog, lambda dialog: click(qtbot, dialog.cancel_button)))
    assert sign_in_at_start(workspace) is False
    script.check()


def test_quitting_the_sign_in_quits(qtbot, workspace):
    script = Script((SignInDialog, lambda dialog: click(qtbot, dialog.quit_button)))
    assert sign_in_at_start(signed_out(workspace)) is False
    script.check()


def test_the_first_start_creates_the_administrator_loads_the_demo_and_opens_the_window(qtbot, data_dir):
    def create(dialog: FirstAdminDialog) -> None:
        fill_first_admin(qtbot, dialog, NEW_PASSWORD)

    def sign_in(dialog: SignInDialog) -> None:
        assert dialog.user_id.text() == "mdupont"  # the id just created
        type_into(qtbot, dialog.password, NEW_PASSWORD)
        click(qtbot, dialog.sign_in_button)

    def look_and_close(window: MainWindow) -> None:
        assert window.signed_in.text() == ("Signed in: Marie Dupont (mdupont) – administrator, investigator, "
                                           "coordinator")
        qtbot.waitUntil(lambda: not tasks_running())  # the check of the audit trail at start
        assert not window.audit_warning.isVisible()
        window.close()

    script = Script((FirstAdminDialog, create), (SignInDialog, sign_in), (MainWindow, look_and_close))
    assert run_app([]) == 0
    script.check()
    default = open_workspace()
    try:
        assert default.ctx.url.endswith(str(data_dir / "coordinator.sqlite3"))
        assert len(find_ids(default.ctx.as_program(), ParticipantQuery(study="MILA"))) > 0  # the demo
        assert [account.login for account in accounts.accounts(default.ctx)] == ["mdupont"]
    finally:
        default.ctx.engine.dispose()


def test_cancelling_the_first_administrator_quits_and_asks_again_next_time(qtbot, data_dir):
    script = Script((FirstAdminDialog, lambda dialog: dialog.reject()))
    assert run_app([]) == 0
    script.check()
    script = Script((FirstAdminDialog, lambda dialog: dialog.reject()))
    assert run_app([]) == 0
    script.check()


def test_an_unattended_start_on_a_database_without_accounts_says_how_to_make_one(qtbot, capsys, fresh, db_file,
                                                                                 tmp_path):
    picture = tmp_path / "never.png"
    assert run_app(["--db", str(db_file), "--screenshot", str(picture)]) == 3
    err = capsys.readouterr().err
    assert "this database has no accounts yet" in err
    assert f'coordinator init --db "{db_file}" --admin ID --name "FULL NAME"' in err
    assert "COORDINATOR_NEW_PASSWORD" in err and "COORDINATOR_USER" in err
    assert not picture.exists()


def test_an_unattended_start_needs_the_user_and_password_in_the_environment(qtbot, capsys, tester_db, tmp_path):
    assert run_app(["--db", str(tester_db), "--screenshot", str(tmp_path / "never.png")]) == 3
    assert "give the user id in COORDINATOR_USER and the password in COORDINATOR_PASSWORD" in capsys.readouterr().err


def test_an_unattended_start_with_a_wrong_password_is_refused_and_counted(qtbot, capsys, monkeypatch, tester_db,
                                                                          tmp_path):
    monkeypatch.setenv("COORDINATOR_USER", TESTER)
    monkeypatch.setenv("COORDINATOR_PASSWORD", "not my password")
    assert run_app(["--db", str(tester_db), "--screenshot", str(tmp_path / "never.png")]) == 3
    assert "coordinator: Wrong password for tester. 4 more failed attempt(s)" in capsys.readouterr().err


def test_an_unattended_start_of_a_user_who_must_change_the_password_is_refused(qtbot, capsys, monkeypatch, workspace,
                                                                               tester_db, tmp_path):
    reset_cora(workspace)
    act_as(workspace.ctx, TESTER)
    monkeypatch.setenv("COORDINATOR_USER", "cora")
    monkeypatch.setenv("COORDINATOR_PASSWORD", "set by the admin 1")
    assert run_app(["--db", str(tester_db), "--screenshot", str(tmp_path / "never.png")]) == 3
    assert "cora must change the password first" in capsys.readouterr().err


def test_a_user_changes_their_password_from_the_window(qtbot, workspace, window):
    menu_action(window, "File", "Change password…").trigger()
    dialog = wait_for(qtbot, PasswordDialog)
    assert dialog.cancel_button.text() == "Cancel"
    type_into(qtbot, dialog.current_password, PASSWORD)
    type_into(qtbot, dialog.new_password, NEW_PASSWORD)
    type_into(qtbot, dialog.new_again, NEW_PASSWORD)
    click(qtbot, dialog.change_button)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Your password was changed.")
    assert not visible(PasswordDialog)
    workspace.ctx.user = NOBODY
    assert signin.sign_in(workspace.ctx, TESTER, NEW_PASSWORD).login == TESTER
