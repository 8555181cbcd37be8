"""The code lists a CRF prints as options: fixed ones (sex, roles, statuses, results) and those the study file
gives (sites, arms, sample types). Codes as stored, labels in the coordinator's words."""

from __future__ import annotations

from coordinator.consent.rules import OneHolderException, Role
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.rules import State
from coordinator.i18n import N_, _
from coordinator.participants.lifecycle import Status
from coordinator.samples.custody import Status as SampleStatus
from coordinator.studies.schema import StudyDefinition

_SEX = {"F": N_("Female"), "M": N_("Male")}
_ASSENT = {"given": N_("given"), "refused": N_("refused")}
_CATEGORY = {"inclusion": N_("Inclusion"), "exclusion": N_("Exclusion")}
_YES_NO = {"yes": N_("Yes"), "no": N_("No")}


def options(record: str, value: str, definition: StudyDefinition) -> dict[str, str]:
    """The options of a choice value, code -> label, in the order they are printed."""
    match record, value:
        case "subject", "site":
            return {str(site.number): f"{site.number} {site.name}" for site in definition.sites}
        case "subject", "sex":
            return {code: _(label) for code, label in _SEX.items()}
        case "subject", "status":
            return {status.value: status.label for status in Status}
        case ("subject" | "allocation"), "arm":
            return {arm.code: arm.label for arm in definition.arms}
        case ("consent", "role") | ("withdrawal", "by_role"):
            return {role.value: role.label for role in Role}
        case "consent", "assent":
            return {code: _(label) for code, label in _ASSENT.items()}
        case "consent", "exception":
            return {exception.value: exception.label for exception in OneHolderException}
        case "eligibility", "decision":
            return {decision.value: decision.label for decision in Decision}
        case "criterion", "category":
            return {code: _(label) for code, label in _CATEGORY.items()}
        case "criterion", "result":
            return {state.value: state.label for state in State}
        case "sample", "type":
            return {kind.id: kind.label for kind in definition.samples.types} if definition.samples else {}
        case "sample", "status":
            return {status.value: status.label for status in SampleStatus}
    raise KeyError(f"{record}.{value} has no code list")


def yes_no() -> dict[str, str]:
    return {code: _(label) for code, label in _YES_NO.items()}
