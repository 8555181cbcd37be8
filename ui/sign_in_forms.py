"""Pieces of the sign-in forms (first administrator, sign-in, password change, lock): a masked field, the password
policy said before typing, the check that a password typed twice is the same, and room for the messages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from coordinator.errors import InputError
from coordinator.security import passwords
from ui.forms import value_label

HINT_STYLE = "color: palette(placeholder-text);"


def password_input() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def policy_hint() -> QLabel:
    """The password policy, said before the user types rather than after a refusal."""
    hint = value_label()
    hint.setStyleSheet(HINT_STYLE)
    hint.setText(QCoreApplication.translate("sign_in_forms", "At least {count} characters, not containing the "
                                            "user id.").format(count=passwords.MINIMUM_LENGTH))
    return hint


def check_repeated(login: str, password: str, again: str, *, field: str, again_field: str) -> None:
    """Two passwords typed that differ: the policy's complaint about the first comes first, beside it."""
    if password != again:
        passwords.check_policy(login.strip().lower(), password, field=field)
        raise InputError(QCoreApplication.translate("sign_in_forms", "The two passwords differ: type the same "
                                                    "password twice."), field=again_field)



class _Grower(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LayoutRequest and isinstance(watched, QWidget) and watched.isVisible():
            width = watched.width()
            wanted = watched.heightForWidth(width) if watched.hasHeightForWidth() else watched.sizeHint().height()
            if watched.height() < wanted:
                watched.resize(watched.width(), wanted)
        return False


def grow_with_messages(window: QWidget) -> None:
    """A small form grows to hold the messages it shows, rather than squeezing its rows together (word-wrapped
    labels make Qt's minimum height too small to keep them apart)."""
    window.installEventFilter(_Grower(window))
