"""The dialog a bug opens: say plainly that it is a bug and give details to copy into a support request."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class CrashDialog(QDialog):
    """Shows the details of a crash (versions and traceback, no study data) with a button to copy them."""

    def __init__(self, details: str, report: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Study Coordinator – unexpected error"))
        self.resize(720, 460)
        intro = QLabel(self.tr(
            "Study Coordinator met an error it did not expect: this is a bug, not something you did wrong. "
            "Changes saved before it happened are kept; the action in progress may not have been saved."))
        intro.setWordWrap(True)
        where = QLabel(
            self.tr("A copy of these details was saved in {path}. Please send it to your support contact.").format(
                path=report)
            if report else self.tr("Please copy these details and send them to your support contact."))
        where.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_button = QPushButton(self.tr("&Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(self.tr("Copied"))
