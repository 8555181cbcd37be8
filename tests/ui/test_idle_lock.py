"""The idle lock: the window covers itself and asks for the password again; what was being typed stays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coordinator.security import settings
from tests.accounts import PASSWORD
from tests.ui.driving import menu_action, select_study, type_into, wait_for
from ui.idle_lock import Cover, LockDialog
from ui.registration_dialog import RegistrationDialog


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def covers() -> list[Cover]:
    return [cover for cover in QApplication.allWidgets() if isinstance(cover, Cover) and cover.isVisible()]


def unlock(qtbot, lock: LockDialog, password: str) -> None:
    type_into(qtbot, lock.password, password)
    click(qtbot, lock.unlock_button)


def open_registration(qtbot, window) -> RegistrationDialog:
    select_study(qtbot, window, "MILA")
    click(qtbot, window.participants.register_button)
    return wait_for(qtbot, RegistrationDialog)


def test_the_lock_keeps_what_was_typed_and_the_right_password_unlocks(qtbot, window):
    dialog = open_registration(qtbot, window)
    type_into(qtbot, dialog.first_name, "Zoe")
    lock = window.idle_lock.lock_now()
    assert lock is wait_for(qtbot, LockDialog)
    assert QApplication.activeModalWidget() is lock  # nothing else takes input
    assert dialog.isVisible() and dialog.first_name.text() == "Zoe"  # still open, still filled in
    hosts = {cover.parentWidget() for cover in covers()}
    assert hosts == {window, dialog}  # but covered, data hidden
    assert all(cover.geometry() == cover.parentWidget().rect() for cover in covers())
    assert "Tess Tester (tester) is signed in" in lock.intro.text()

    unlock(qtbot, lock, PASSWORD)
    assert not window.idle_lock.is_locked
    assert not lock.isVisible()
    assert covers() == []
    assert dialog.isVisible() and dialog.first_name.text() == "Zoe"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.first_name)  # back where the user was
    qtbot.keyClicks(dialog.first_name, "y")
    assert dialog.first_name.text() == "Zoey"


def test_a_wrong_password_is_refused_with_the_attempts_left(qtbot, window):
    lock = window.idle_lock.lock_now()
    unlock(qtbot, lock, "not my password")
    assert lock.isVisible() and window.idle_lock.is_locked
    assert lock.refusal.text() == ("Wrong password for tester. 4 more failed attempt(s) lock the account for "
                                   "15 minutes.")
    assert lock.password.text() == ""
    qtbot.keyClick(lock, Qt.Key.Key_Escape)  # Escape does not unlock
    assert lock.isVisible() and window.idle_lock.is_locked
    unlock(qtbot, lock, PASSWORD)
    assert not window.idle_lock.is_locked


def test_a_lockout_leaves_only_quit(qtbot, workspace, window):
    settings.change(workspace.ctx, lockout_attempts=2)
    lock = window.idle_lock.lock_now()
    unlock(qtbot, lock, "not my password")
    unlock(qtbot, lock, "not my password")
    assert lock.refusal.text().startswith("The account tester is locked after too many failed sign-ins")
    assert lock.refusal.text().endswith("Only Quit is possible now.")
    assert not lock.unlock_button.isEnabled() and not lock.password.isEnabled()
    click(qtbot, lock.quit_button)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not lock.isVisible()


def test_the_window_locks_after_the_idle_time_and_input_postpones_it(qtbot, window):
    lock = window.idle_lock
    lock.set_timeout(400)
    for _step in range(4):  # someone typing now and then keeps it open
        qtbot.wait(150)
        qtbot.keyClick(window.participants.filters.search, Qt.Key.Key_Shift)
    assert not lock.is_locked
    qtbot.waitUntil(lambda: lock.is_locked, timeout=2000)
    assert wait_for(qtbot, LockDialog).intro.text().startswith("Locked after 1 minute without use.")


def test_the_idle_time_comes_from_the_site_settings(qtbot, workspace, window):
    assert window.idle_lock.timeout_ms == 10 * 60_000
    settings.change(workspace.ctx, idle_lock_minutes=3)
    from ui.main_window import MainWindow

    other = MainWindow(workspace)
    qtbot.addWidget(other)
    assert other.idle_lock.timeout_ms == 3 * 60_000


def test_lock_now_from_the_menu(qtbot, window):
    action = menu_action(window, "File", "Lock now")
    assert action.shortcut().toString() == "Ctrl+L"
    action.trigger()
    assert window.idle_lock.is_locked
    assert wait_for(qtbot, LockDialog) is window.idle_lock.dialog
