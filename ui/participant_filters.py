"""The search box and the arm, status and site filters above the participant table."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import ParticipantQuery
from coordinator.studies.schema import StudyDefinition

SEARCH_DELAY_MS = 250  # wait for a pause in typing before querying
MINIMUM_CHOICE_LENGTH = 10


class ParticipantFilters(QWidget):
    """What the user asks to see; `applied_to` turns it into a ParticipantQuery (run in SQL by the table model).

    Signals:
        changed(): the search text (after a pause in typing) or a filter changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Code or name (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(140)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SEARCH_DELAY_MS)
        self._pause.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _text: self._pause.start())
        self.search.returnPressed.connect(self._search_now)
        self.arm = QComboBox()
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        for status in Status:
            self.status.addItem(status.label, status.value)  # Qt would turn the enum into a plain str
        self.site = QComboBox()
        for combo in (self.arm, self.status, self.site):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(MINIMUM_CHOICE_LENGTH)  # long arm labels are elided, not squeezing
            combo.currentIndexChanged.connect(self.changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, field in ((self.tr("&Search:"), self.search), (self.tr("&Arm:"), self.arm),
                            (self.tr("S&tatus:"), self.status), (self.tr("Sit&e:"), self.site)):
            label = QLabel(text)
            label.setBuddy(field)
            layout.addWidget(label)
            layout.addWidget(field, 1 if field is self.search else 0)
            layout.addSpacing(4)

    def set_study(self, definition: StudyDefinition) -> None:
        """Offer the study's arms and sites; the arm and site filters start at "all"."""
        for combo, everything, choices in (
            (self.arm, self.tr("All arms"), [(f"{arm.code} – {arm.label}", arm.code) for arm in definition.arms]),
            (self.site, self.tr("All sites"),
             [(f"{site.number} – {site.name}", site.number) for site in definition.sites]),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, value in choices:
                combo.addItem(text, value)
            combo.blockSignals(False)

    def clear(self) -> None:
        """Show everyone again (after a registration that the current filters would hide)."""
        for widget in (self.search, self.arm, self.status, self.site):
            widget.blockSignals(True)
        self.search.clear()
        for combo in (self.arm, self.status, self.site):
            combo.setCurrentIndex(0)
        for widget in (self.search, self.arm, self.status, self.site):
            widget.blockSignals(False)
        self._pause.stop()

    def applied_to(self, query: ParticipantQuery) -> ParticipantQuery:
        status = self.status.currentData()
        return replace(query, text=self.search.text(), arm=self.arm.currentData(),
                       status=Status(status) if status else None, site=self.site.currentData())

    def _search_now(self) -> None:
        self._pause.stop()
        self.changed.emit()
