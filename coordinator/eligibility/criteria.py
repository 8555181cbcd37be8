"""Criteria over a participant's facts: each one met, not met, missing or not applicable, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from coordinator.eligibility.rules import Facts, Outcome, State, evaluate
from coordinator.i18n import N_, _
from coordinator.studies.rule_schema import Category, Criterion
from coordinator.studies.schema import StudyDefinition

ENROLLMENT = "enrollment"


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    state: State
    reason: str

    @property
    def ok(self) -> bool | None:
        """Whether this result allows participation: an exclusion criterion that is met excludes."""
        if self.state is State.missing:
            return None
        if self.state is State.not_applicable:
            return True
        return (self.state is State.met) == (self.criterion.category is Category.inclusion)


class Decision(str, Enum):
    eligible = "eligible"
    not_eligible = "not eligible"
    incomplete = "incomplete"

    @property
    def label(self) -> str:
        return _(_DECISION_LABELS[self])


_DECISION_LABELS = {
    Decision.eligible: N_("Eligible"),
    Decision.not_eligible: N_("Not eligible"),
    Decision.incomplete: N_("Incomplete: criteria missing"),
}


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    failing: tuple[str, ...]  # ids of criteria that exclude
    missing: tuple[str, ...]  # ids of criteria without an answer


def group_of(definition: StudyDefinition, facts: Facts) -> str | None:
    """The arm a recorded value assigns (MILA: leukemia or control); None when not recorded or not by value."""
    assignment = definition.assignment
    if assignment is None:
        return None
    observed = facts.values.get(assignment.item)
    return assignment.arms.get(observed.value) if observed else None


def assess(definition: StudyDefinition, facts: Facts) -> list[CriterionResult]:
    if definition.eligibility is None:
        return []
    group = group_of(definition, facts)
    return [_assess(definition, criterion, facts, group) for criterion in definition.eligibility.criteria]


def _assess(definition: StudyDefinition, criterion: Criterion, facts: Facts, group: str | None) -> CriterionResult:
    if criterion.groups:
        arms = ", ".join(_arm_label(definition, code) for code in criterion.groups)
        if group is None and definition.assignment is not None:
            item = definition.items[definition.assignment.item]
            return CriterionResult(criterion, State.missing, _(
                "applies to {arms} only: record {item} first").format(arms=arms, item=item.label))
        if group not in criterion.groups:
            return CriterionResult(criterion, State.not_applicable, _("applies to {arms} only").format(arms=arms))
    if criterion.sexes and facts.sex not in criterion.sexes:
        only = _("applies to girls and women only") if criterion.sexes == ["F"] else _("applies to boys and men only")
        return CriterionResult(criterion, State.not_applicable, only)
    outcome = _answer(criterion, facts) if criterion.rule is None else evaluate(criterion.rule, facts)
    return CriterionResult(criterion, outcome.state, outcome.reason)


def _answer(criterion: Criterion, facts: Facts) -> Outcome:
    """A criterion the coordinator answers yes or no, with its source."""
    observed = facts.values.get(criterion.id)
    if observed is None:
        return Outcome(State.missing, _("not answered yet"))
    answer = _("yes") if observed.value == "yes" else _("no")
    reason = _("answered {answer}").format(answer=answer)
    if observed.source:
        reason = _("{reason} (source: {source})").format(reason=reason, source=observed.source)
    return Outcome.of(observed.value == "yes", reason)


def verdict(results: list[CriterionResult], stage: str = ENROLLMENT) -> Verdict:
    """Eligible when every criterion of the stage allows it; one that excludes decides, even with others missing."""
    staged = [result for result in results if result.criterion.stage == stage]
    failing = tuple(result.criterion.id for result in staged if result.ok is False)
    missing = tuple(result.criterion.id for result in staged if result.ok is None)
    if failing:
        return Verdict(Decision.not_eligible, failing, missing)
    if missing:
        return Verdict(Decision.incomplete, failing, missing)
    return Verdict(Decision.eligible, failing, missing)


def _arm_label(definition: StudyDefinition, code: str) -> str:
    arm = definition.arm(code)
    return arm.label if arm else code
