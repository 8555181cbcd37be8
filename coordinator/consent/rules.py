"""Consent law as data: one file per jurisdiction under resources/consent/, validated here.

A rule file gives the age of majority and age bands; each band names the roles that must sign and those that are
sought but optional, and which one-holder exceptions the law allows. Which band applies is a plain function of age;
a birthday that changes who must sign calls for consent again (majority, the Dutch age of 12).
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, model_validator

from coordinator.errors import EnvironmentProblem
from coordinator.i18n import N_, _
from coordinator.paths import resources_dir
from coordinator.studies.loader import field_path
from coordinator.studies.schema import Strict


class Role(str, Enum):
    holder1 = "holder1"
    holder2 = "holder2"
    guardian = "guardian"
    participant = "participant"
    assent = "assent"
    witness = "witness"
    investigator = "investigator"

    @property
    def label(self) -> str:
        return _(_LABELS[self])


_LABELS = {
    Role.holder1: N_("first holder of parental authority"),
    Role.holder2: N_("second holder of parental authority"),
    Role.guardian: N_("legal guardian"),
    Role.participant: N_("participant"),
    Role.assent: N_("child (assent)"),
    Role.witness: N_("witness"),
    Role.investigator: N_("investigator who obtained consent"),
}

ALWAYS_PERMITTED = frozenset({Role.witness})  # a witness may sign whatever the age


class OneHolderException(str, Enum):
    """The French one-holder exceptions (Code de la santé publique L1122-2)."""

    sole_holder = "sole_holder"  # only one person holds parental authority; the document is named
    l1122_2 = "l1122_2"  # minimal risk, not a healthy volunteer, other holder unreachable in time: all confirmed

    @property
    def label(self) -> str:
        return _(_EXCEPTION_LABELS[self])


_EXCEPTION_LABELS = {
    OneHolderException.sole_holder: N_("only one person holds parental authority"),
    OneHolderException.l1122_2: N_("the three conditions of L1122-2 are met"),
}

L1122_2_CONDITIONS = ("minimal_risk", "not_healthy_volunteer", "other_holder_unreachable")
_CONDITION_LABELS = {
    "minimal_risk": N_("the research carries only minimal risks and constraints"),
    "not_healthy_volunteer": N_("the minor is not a healthy volunteer"),
    "other_holder_unreachable": N_("the other holder cannot be reached in time"),
}


def condition_label(condition: str) -> str:
    return _(_CONDITION_LABELS[condition])


class AgeBand(Strict):
    """Ages in full years at the date considered; `below` is exclusive, a missing `below` means no upper bound."""

    from_age: int = Field(ge=0)
    below: int | None = Field(default=None, ge=1)
    required: list[Role] = Field(min_length=1)
    optional: tuple[Role, ...] = ()
    one_holder_exceptions: tuple[OneHolderException, ...] = ()

    def contains(self, age: int) -> bool:
        return age >= self.from_age and (self.below is None or age < self.below)

    @property
    def permitted(self) -> frozenset[Role]:
        return frozenset(self.required) | frozenset(self.optional) | ALWAYS_PERMITTED


class JurisdictionRule(Strict):
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    law: str = Field(min_length=1)  # the text the rule comes from, shown to the coordinator
    age_of_majority: int = Field(ge=1)
    bands: list[AgeBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> JurisdictionRule:
        for index, band in enumerate(self.bands):
            expected = 0 if index == 0 else self.bands[index - 1].below
            if band.from_age != expected:
                raise ValueError(f"the age bands must follow each other from 0: band {index + 1} starts at "
                                 f"{band.from_age}, expected {expected}")
            if (band.below is None) != (index == len(self.bands) - 1):
                raise ValueError("the last age band, and only it, has no upper bound")
        return self

    def band(self, age: int) -> AgeBand:
        return next(band for band in self.bands if band.contains(age))


class ConsentRuleProblem(EnvironmentProblem):
    """A rule file is missing or wrong: the installation is broken, not the user's input."""


def rules_dir() -> Path:
    return resources_dir() / "consent"


@cache
def rule_for(jurisdiction: str) -> JurisdictionRule:
    """The validated rule of a jurisdiction; a missing or bad file is reported with file, field and reason."""
    path = rules_dir() / f"{jurisdiction}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise ConsentRuleProblem(_("No consent rule file for the jurisdiction {code} ({path}).").format(
            code=jurisdiction, path=path)) from None
    try:
        rule = JurisdictionRule.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise ConsentRuleProblem(_("{file}: {field}: {reason}").format(
            file=path.name, field=field_path(first["loc"]), reason=first["msg"])) from None
    if rule.jurisdiction != jurisdiction:
        raise ConsentRuleProblem(_("{file}: jurisdiction: {code} does not match the file name").format(
            file=path.name, code=rule.jurisdiction))
    return rule
