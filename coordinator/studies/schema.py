"""The schema of a study file. Every rule a study brings is declared here as data, never coded per study."""

from __future__ import annotations

from datetime import date
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class Assent(Strict):
    """The child's own agreement: from which age it is recorded, and whether the study requires it then."""

    from_age: int = Field(ge=0)
    required: bool = False


class ConsentPlan(Strict):
    jurisdiction: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # default: the study's jurisdiction
    documents: list[ConsentDocument] = Field(min_length=1)
    assent: Assent | None = None

    @model_validator(mode="after")
    def _versions_unique(self) -> ConsentPlan:
        _unique("documents", [(document.name, document.version) for document in self.documents])
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

    @model_validator(mode="after")
    def _consistent(self) -> StudyDefinition:
        _unique("arms", [arm.code for arm in self.arms])
        _unique("sites", [site.number for site in self.sites])
        if self.design.allocation is Allocation.randomized:
            ratio = self.design.allocation_ratio
            if ratio is None or len(ratio) != len(self.arms) or min(ratio) < 1:
                raise ValueError("a randomized design needs an allocation_ratio with one whole number per arm")
        elif self.design.allocation_ratio is not None:
            raise ValueError("allocation_ratio is only for randomized designs")
        return self

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


def _unique(what: str, values: list[object]) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what}: {value} appears twice")
        seen.add(value)
