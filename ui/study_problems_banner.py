"""A banner, not a blocking dialog, for study files that could not be loaded: the other studies work meanwhile."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from coordinator.studies.loader import StudyFileProblem


class StudyProblemsBanner(QFrame):
    """Lists each refused study file with the field at fault and why; hidden when every file loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studyProblems")
        self.setStyleSheet("#studyProblems { background: #fff4ce; border: 1px solid #e0c068; border-radius: 4px; }"
                           " QLabel { color: #4a3b00; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QPushButton(self.tr("&Dismiss"))
        dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_problems(self, problems: list[StudyFileProblem]) -> None:
        lines = [self.tr("These study files were not loaded; fix them and restart (the other studies work):")]
        lines += [self.tr("• {file} – {field}: {reason}").format(
            file=problem.file, field=problem.field or self.tr("whole file"), reason=problem.reason)
            for problem in problems]
        self.text.setText("\n".join(lines))
        self.setVisible(bool(problems))
