"""The code lists a CRF prints as options: fixed ones (sex, roles, statuses, results) and those the study file
gives (sites, arms, sample types). Codes as stored, labels in the coordinator's words."""

from __future__ import annotations

from coordinator.consent.rules import OneHolderException, Role, rule_for
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
_STAGES = {"enrollment": N_("enrollment"), "infusion": N_("day of infusion")}


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
            return {role.value: role.label for role in study_roles(definition)}
        case "consent", "assent":
            return {code: _(label) for code, label in _ASSENT.items()}
        case "consent", "exception":
            return {exception.value: exception.label for exception in OneHolderException}
        case "eligibility", "decision":
            return {decision.value: decision.label for decision in Decision}
        case "criterion", "category":
            return {code: _(label) for code, label in _CATEGORY.items()}
        case "criterion", "stage":
            stages = dict.fromkeys(c.stage for c in definition.eligibility.criteria) if definition.eligibility else {}
            return {stage: _(_STAGES[stage]) if stage in _STAGES else stage.replace("_", " ") for stage in stages}
        case "risk", "risk_group":
            return {group.code: group.label for group in definition.risk.groups} if definition.risk else {}
        case "criterion", "result":
            return {state.value: state.label for state in State}
        case "sample", "type":
            return {kind.id: kind.label for kind in definition.samples.types} if definition.samples else {}
        case "sample", "status":
            return {status.value: status.label for status in SampleStatus}
    raise KeyError(f"{record}.{value} has no code list")


def study_roles(definition: StudyDefinition) -> list[Role]:
    """Who may sign for a participant of the study: the roles of the consent law's age bands from the study's
    youngest age on (an adults-only study has no parents), the child's assent only where the study seeks it."""
    rule = rule_for(definition.consent_jurisdiction)
    youngest = definition.age.minimum or 0
    roles = {role for band in rule.bands if band.below is None or band.below > youngest for role in band.permitted}
    if definition.consent.assent is None:
        roles.discard(Role.assent)
    return [role for role in Role if role in roles]


def yes_no() -> dict[str, str]:
    return {code: _(label) for code, label in _YES_NO.items()}
