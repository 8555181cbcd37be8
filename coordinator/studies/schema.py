"""The schema of a study file. Every rule a study brings is declared here as data, never coded per study."""

from __future__ import annotations

from datetime import date
from enum import Enum
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coordinator.studies.crf_schema import CaseReportForms, check_forms
from coordinator.studies.rule_schema import (
    BUILT_IN_REFERENCES,
    ULN,
    AgeRule,
    AgeSexTable,
    AllRule,
    AnyRule,
    ArmByValue,
    ByAgeRule,
    ChoiceRule,
    Eligibility,
    IntervalRule,
    Item,
    ItemKind,
    Randomization,
    RiskRules,
    Rule,
    TableRule,
    ValueRule,
    WithinRule,
    rule_items,
)
from coordinator.studies.sample_schema import SamplePlan

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArmKind(str, Enum):
    """ClinicalTrials.gov arm group types."""

    experimental = "experimental"
    active_comparator = "active_comparator"
    placebo_comparator = "placebo_comparator"
    sham_comparator = "sham_comparator"
    no_intervention = "no_intervention"
    other = "other"


class Allocation(str, Enum):
    randomized = "randomized"
    non_randomized = "non_randomized"
    not_applicable = "not_applicable"  # single arm


class RegistryId(Strict):
    registry: str = Field(min_length=1)
    id: str = Field(min_length=1)


class Arm(Strict):
    code: str = Field(pattern=CODE_PATTERN, max_length=20)
    label: str = Field(min_length=1)
    kind: ArmKind
    description: str = ""
    target: int | None = Field(default=None, ge=1)


class Design(Strict):
    study_type: str = Field(min_length=1)  # interventional, observational
    purpose: str = Field(min_length=1)  # treatment, diagnostic, ...
    phase: str | None = None
    allocation: Allocation
    allocation_ratio: list[int] | None = None  # one number per arm, randomized studies only
    model: str = Field(min_length=1)  # parallel, single_group
    masking: str = "none"


class AgeLimits(Strict):
    """Ages in full years; a missing bound means no bound. `reference` names the event the age is taken at."""

    minimum: int | None = Field(default=None, ge=0)
    maximum: int | None = Field(default=None, ge=0)
    reference: str = "inclusion"
    registry_text: str | None = None  # what the registry page says, when it says something else
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AgeLimits:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("the minimum age is above the maximum age")
        return self


class Site(Strict):
    number: int = Field(ge=1, le=99)
    name: str = Field(min_length=1)
    city: str | None = None


class ConsentDocument(Strict):
    name: str = Field(min_length=1)  # e.g. "Information and consent form"
    version: str = Field(min_length=1)
    language: str = Field(pattern=r"^[a-z]{2}$")  # ISO 639-1
    effective: date
    requires_reconsent: bool = False  # participants already on study sign this version again
    covers: list[str] = []  # the consent scopes this version asks for (samples, storage for research, ...)


class Assent(Strict):
    """The child's own agreement: from which age it is recorded, and whether the study requires it then."""

    from_age: int = Field(ge=0)
    required: bool = False


class ConsentPlan(Strict):
    jurisdiction: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # default: the study's jurisdiction
    documents: list[ConsentDocument] = Field(min_length=1)
    assent: Assent | None = None
    scopes: dict[str, str] = {}  # what a document can cover beyond taking part: id -> label

    @model_validator(mode="after")
    def _versions_unique(self) -> ConsentPlan:
        _unique("documents", [(document.name, document.version) for document in self.documents])
        for document in self.documents:
            unknown = set(document.covers) - set(self.scopes)
            if unknown:
                raise ValueError(f"consent document {document.name} {document.version}: unknown scope(s) "
                                 f"{', '.join(sorted(unknown))}; declare them under consent.scopes")
        return self


class StudyDefinition(Strict):
    short_name: str = Field(pattern=CODE_PATTERN, max_length=20)
    title: str = Field(min_length=1)
    registry_ids: list[RegistryId] = Field(min_length=1)
    sponsor: str | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
    jurisdiction: str = Field(min_length=2)  # which consent law applies: FR, NL, KR, ...
    conditions: list[str] = []
    design: Design
    arms: list[Arm] = Field(min_length=1)
    target_enrollment: int | None = Field(default=None, ge=1)
    age: AgeLimits
    sites: list[Site] = Field(min_length=1)
    consent: ConsentPlan
    eligibility: Eligibility | None = None
    assignment: ArmByValue | None = None  # non-randomized studies whose arm follows from a recorded value
    randomization: Randomization | None = None
    risk: RiskRules | None = None
    samples: SamplePlan | None = None
    crf: CaseReportForms | None = None

    @model_validator(mode="after")
    def _consistent(self) -> StudyDefinition:
        _unique("arms", [arm.code for arm in self.arms])
        _unique("sites", [site.number for site in self.sites])
        if self.design.allocation is Allocation.randomized:
            ratio = self.design.allocation_ratio
            if ratio is None or len(ratio) != len(self.arms) or min(ratio) < 1:
                raise ValueError("a randomized design needs an allocation_ratio with one whole number per arm")
            if self.randomization is None:
                raise ValueError("a randomized design needs a randomization section (block sizes, strata)")
            if any(size % sum(ratio) for size in self.randomization.block_sizes):
                raise ValueError(f"randomization: every block size must be a multiple of {sum(ratio)}, "
                                 "the sum of the allocation ratio")
        elif self.design.allocation_ratio is not None or self.randomization is not None:
            raise ValueError("allocation_ratio and randomization are only for randomized designs")
        if self.assignment is not None and self.design.allocation is Allocation.randomized:
            raise ValueError("assignment by value is for non-randomized designs")
        _RuleCheck(self).run()
        for kind in self.samples.types if self.samples else []:
            if not any(kind.consent in document.covers for document in self.consent.documents):
                raise ValueError(f"sample type {kind.id}: no consent document covers the scope {kind.consent}")
        if self.crf is not None:
            check_forms(self.crf, {part for part in ("eligibility", "samples", "randomization", "risk")
                                   if getattr(self, part) is not None})
        return self

    @property
    def items(self) -> dict[str, Item]:
        return {item.id: item for item in self.eligibility.items} if self.eligibility else {}

    def arm(self, code: str) -> Arm | None:
        return next((arm for arm in self.arms if arm.code == code), None)

    def site(self, number: int) -> Site | None:
        return next((site for site in self.sites if site.number == number), None)

    @property
    def consent_jurisdiction(self) -> str:
        return self.consent.jurisdiction or self.jurisdiction

    @property
    def registry_label(self) -> str:
        return ", ".join(entry.id for entry in self.registry_ids)


class _RuleCheck:
    """Every name a rule uses must exist, with the right kind: a study file fails to load rather than at screening."""

    def __init__(self, definition: StudyDefinition) -> None:
        self.definition = definition
        self.items = definition.items

    def run(self) -> None:
        definition = self.definition
        eligibility = definition.eligibility
        if eligibility is not None:
            _unique("eligibility items and criteria", [item.id for item in eligibility.items]
                    + [criterion.id for criterion in eligibility.criteria])
            for item in eligibility.items:
                if item.window is not None:
                    self.reference(item.window.before, f"item {item.id}")
            arms = {arm.code for arm in definition.arms}
            for criterion in eligibility.criteria:
                unknown = set(criterion.groups) - arms
                if unknown:
                    raise ValueError(f"criterion {criterion.id}: unknown arm(s) {', '.join(sorted(unknown))}")
                if criterion.rule is not None:
                    self.rule(criterion.rule, f"criterion {criterion.id}")
        if definition.assignment is not None:
            item = self.choice_item(definition.assignment.item, "assignment")
            for code, arm in definition.assignment.arms.items():
                if code not in item.choices:
                    raise ValueError(f"assignment: {code} is not a choice of {item.id}")
                if definition.arm(arm) is None:
                    raise ValueError(f"assignment: unknown arm {arm}")
        if definition.randomization is not None:
            for stratum in definition.randomization.strata:
                if stratum != "site":
                    self.choice_item(stratum, "randomization strata")
        if definition.risk is not None:
            for name in definition.risk.items:
                self.item(name, "risk")
            for group in definition.risk.groups:
                for rule in group.when:
                    self.rule(rule, f"risk group {group.code}")

    def item(self, name: str, where: str) -> Item:
        if name not in self.items:
            raise ValueError(f"{where}: {name} is not an item of the study's eligibility section")
        return self.items[name]

    def choice_item(self, name: str, where: str) -> Item:
        item = self.item(name, where)
        if item.kind is not ItemKind.choice:
            raise ValueError(f"{where}: {name} must be a choice item")
        return item

    def reference(self, name: str, where: str) -> None:
        if name not in BUILT_IN_REFERENCES and self.item(name, where).kind is not ItemKind.date:
            raise ValueError(f"{where}: the reference {name} must be a date item, consent or assessment")

    def rule(self, rule: Rule, where: str) -> None:
        for name in rule_items(rule):
            if name not in BUILT_IN_REFERENCES:
                self.item(name, where)
        match rule:
            case ValueRule(value=spec):
                self.unit(spec.item, spec.unit, where)
            case TableRule(table=spec):
                self.unit(spec.item, spec.unit, where)
                self.bands(spec, where)
            case ChoiceRule(choice=spec):
                item = self.items[spec.item]
                allowed = set(item.choices) if item.kind is ItemKind.choice else {"yes", "no"}
                unknown = set(spec.values) - allowed
                if unknown:
                    raise ValueError(f"{where}: {', '.join(sorted(unknown))} not among the values of {spec.item}")
            case AgeRule(age=spec):
                self.reference(spec.at, where)
            case WithinRule(within=spec):
                self.reference(spec.before, where)
                if self.items[spec.item].kind is not ItemKind.date:
                    raise ValueError(f"{where}: {spec.item} must be a date item")
            case ByAgeRule(by_age=spec):
                self.reference(spec.at, where)
                self.rule(spec.then, where)
                self.rule(spec.otherwise, where)
            case IntervalRule(interval=spec):
                self.reference(spec.start, where)
                self.reference(spec.end, where)
            case AnyRule(any=parts) | AllRule(all=parts):
                for part in parts:
                    self.rule(part, where)

    def unit(self, name: str, unit: str, where: str) -> None:
        item = self.items[name]
        if item.kind is not ItemKind.number:
            raise ValueError(f"{where}: {name} must be a number item")
        if not (unit == item.unit or unit in item.units or (unit == ULN and item.uln)):
            raise ValueError(f"{where}: {name} cannot be compared in {unit}")

    @staticmethod
    def bands(table: AgeSexTable, where: str) -> None:
        for band, following in pairwise(table.bands):
            if band.below_age != following.from_age:
                raise ValueError(f"{where}: age bands must follow each other without gap or overlap")


def _unique(what: str, values: list[object]) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what}: {value} appears twice")
        seen.add(value)
