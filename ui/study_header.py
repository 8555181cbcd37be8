"""The header above the participant table: what the selected study is (title, registry ids, design, target, sites)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from coordinator.studies.catalogue import StudySummary
from coordinator.studies.schema import Allocation, StudyDefinition
from ui.forms import heading_label, value_label


class StudyHeader(QWidget):
    """Title on top, then the facts a coordinator checks before registering someone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading_label(1.25)
        self.registry = value_label()
        self.design = value_label()
        self.enrollment = value_label()
        self.ages = value_label()
        self.sites = value_label()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(3)
        layout.addWidget(self.title, 0, 0, 1, 4)
        facts = [
            (self.tr("Registry:"), self.registry, 1, 0), (self.tr("Design:"), self.design, 1, 2),
            (self.tr("Enrollment:"), self.enrollment, 2, 0), (self.tr("Ages:"), self.ages, 2, 2),
            (self.tr("Sites:"), self.sites, 3, 0),
        ]
        for text, value, row, column in facts:
            name = QLabel(text)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            layout.addWidget(name, row, column)
            layout.addWidget(value, row, column + 1, 1, 3 if value is self.sites else 1)
        layout.setColumnStretch(1, 3)
        layout.setColumnStretch(3, 2)

    def show_study(self, summary: StudySummary) -> None:
        definition = summary.definition
        self.title.setText(self.tr("{code} – {title} (version {version})").format(
            code=summary.code, title=summary.title, version=summary.version))
        self.registry.setText(" · ".join(f"{entry.id} ({entry.registry})" for entry in definition.registry_ids))
        self.design.setText(" · ".join(part for part in (
            self._allocation(definition), definition.design.model.replace("_", " "), definition.design.purpose,
            definition.design.phase) if part))
        self.enrollment.setText(
            self.tr("{enrolled} enrolled of {target} · {registered} registered").format(
                enrolled=summary.enrolled, target=summary.target, registered=summary.registered)
            if summary.target else
            self.tr("{enrolled} enrolled (no target set) · {registered} registered").format(
                enrolled=summary.enrolled, registered=summary.registered))
        self.ages.setText(self._ages(definition))
        self.sites.setText(" · ".join(f"{site.number} {site.name}" for site in definition.sites))

    def _allocation(self, definition: StudyDefinition) -> str:
        """Randomized (with its ratio) or not: what decides how a participant gets an arm."""
        design = definition.design
        if design.allocation is Allocation.randomized:
            return self.tr("randomized {ratio}").format(ratio=":".join(map(str, design.allocation_ratio or [])))
        if design.allocation is Allocation.non_randomized:
            return self.tr("not randomized")
        return ""  # a single group: the model ("single group") says it all

    def _ages(self, definition: StudyDefinition) -> str:
        limits = definition.age
        if limits.maximum is None:
            return self.tr("{minimum} years or older at {reference}").format(
                minimum=limits.minimum or 0, reference=limits.reference)
        return self.tr("{minimum}–{maximum} years at {reference}").format(
            minimum=limits.minimum or 0, maximum=limits.maximum, reference=limits.reference)
