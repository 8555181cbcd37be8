"""The verdict of a participant's screening as a banner, and the risk group line under it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QVBoxLayout,
    QWidget,
)

from coordinator.assignment import risk
from coordinator.eligibility.criteria import ENROLLMENT, Decision
from coordinator.eligibility.service import Assessment
from ui.criteria_model import decision_text, stage_title
from ui.formats import show_utc_stamp
from ui.forms import (
    WARNING_STYLE,
    heading_label,
    say,
    value_label,
)

BANNER_COLOURS = {  # border, background: the verdict is always written out too
    Decision.eligible: ("#1e6b2b", "#e3f1e5"),
    Decision.not_eligible: ("#b3261e", "#fbe4e2"),
    Decision.incomplete: ("#8a5300", "#fff1cf"),
    None: ("#8895a7", "#eef1f5"),
}


class VerdictBanner(QFrame):
    """The overall verdict, the investigator's confirmation and the other stages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.verdict = heading_label(1.2)
        self.confirmation = value_label()
        self.stages = value_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        for label in (self.verdict, self.confirmation, self.stages):
            layout.addWidget(label)

    def show_assessment(self, assessment: Assessment) -> None:
        definition = assessment.subject.definition
        if definition.eligibility is None:
            self._paint(None)
            self.verdict.setText(self.tr("No eligibility criteria"))
            say(self.confirmation, self.tr("The study file of {study} lists no eligibility criteria: enrollment "
                                           "checks consent only.").format(study=assessment.subject.study))
            say(self.stages, "")
            return
        verdict = assessment.verdict
        self._paint(verdict.decision)
        self.verdict.setText(decision_text(verdict))
        say(self.confirmation, self._confirmation(assessment))
        say(self.stages, "\n".join(
            f"{stage_title(stage)}: {decision_text(assessment.stage_verdict(stage))}"
            for stage in assessment.stages if stage != ENROLLMENT))

    def _paint(self, decision: Decision | None) -> None:
        border, background = BANNER_COLOURS[decision]
        self.setStyleSheet(f"QFrame#verdictBanner {{ background: {background}; border: 1px solid {border}; "
                           f"border-left: 6px solid {border}; border-radius: 3px; }}")

    def _confirmation(self, assessment: Assessment) -> str:
        confirmation = assessment.confirmation
        if confirmation is None:
            self.confirmation.setStyleSheet("")
            return self.tr("Not confirmed by an investigator yet.")
        at = show_utc_stamp(confirmation.at)
        confirmed = confirmation.decision.label
        if confirmation.decision is Decision.not_eligible:
            confirmed = self.tr("not eligible ({criteria})").format(criteria=", ".join(confirmation.criteria_not_met))
        elif confirmation.decision is Decision.eligible:
            confirmed = self.tr("eligible")
        if not confirmation.current:
            self.confirmation.setStyleSheet(WARNING_STYLE)
            return self.tr("Confirmed {verdict} by {who} at {at}, but values changed since the confirmation: "
                           "confirm again.").format(verdict=confirmed, who=confirmation.by, at=at)
        self.confirmation.setStyleSheet("")
        return self.tr("Confirmed {verdict} by {who} at {at}.").format(verdict=confirmed, who=confirmation.by, at=at)


class RiskLine(QFrame):
    """The risk group the study's rules give from the recorded values (REL-ALL), with the rule version and why.
    Computed here for display only; the service stores it when a value is recorded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskLine")
        self.setStyleSheet("QFrame#riskLine { background: #eef1f5; border: 1px solid #8895a7; border-radius: 3px; }")
        self.group = value_label()
        self.explanation = value_label()
        small = self.explanation.font()
        small.setPointSizeF(small.pointSizeF() * 0.92)
        self.explanation.setFont(small)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(2)
        layout.addWidget(self.group)
        layout.addWidget(self.explanation)

    def show_assessment(self, assessment: Assessment) -> None:
        rules = assessment.subject.definition.risk
        self.setVisible(rules is not None)
        if rules is None:
            return
        result = risk.compute(rules, assessment.subject.facts)
        self.group.setText(self.tr("Risk group: {group} · rules: {version}").format(
            group=result.label, version=result.version))
        self.explanation.setText(self.tr("Why: {why}.").format(why=result.explanation))
