"""Source values and the rules over them, as a study file declares them: eligibility criteria, arm assignment,
randomization and risk groups. Plain data; `coordinator.eligibility.rules` evaluates it.

A rule is a mapping with one key naming its kind, e.g. `{value: {item: CREAT, op: "<=", limit: 1.2,
unit: mg/dL}}` or `{any: [rule, rule]}`.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

ITEM_ID = r"^[A-Z][A-Z0-9]{0,7}$"  # CDASH-style short names: IETESTCD, LBTESTCD
ULN = "xULN"  # the unit of a value given as a multiple of the laboratory's upper limit of normal
BUILT_IN_REFERENCES = ("consent", "assessment")  # consent complete; the day the criteria are assessed

Operator = Literal["<", "<=", ">", ">="]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ItemKind(str, Enum):
    number = "number"
    date = "date"
    choice = "choice"
    yes_no = "yes_no"


class Window(Strict):
    """The value counts only when measured within `days` days before the reference event (0: that day)."""

    days: int = Field(ge=0)
    before: str = "assessment"  # a built-in reference or a date item


class Item(Strict):
    """One source value the coordinator records (a lab, a date, a diagnosis...)."""

    id: str = Field(pattern=ITEM_ID)
    label: str = Field(min_length=1)
    kind: ItemKind
    unit: str | None = None  # numbers: the unit the rules compare in
    units: dict[str, float] = {}  # other accepted units: value in `unit` = value x factor
    uln: bool = False  # may be given as a multiple of the upper limit of normal (unit xULN)
    choices: dict[str, str] = {}  # choice: code -> label
    window: Window | None = None
    none_allowed: bool = False  # dates: "none" records that it never happened (wash-outs)
    minimum: float | None = None  # plausible range of a number, in `unit`
    maximum: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if self.kind is ItemKind.number and not self.unit:
            raise ValueError(f"{self.id}: a number needs its unit")
        if self.kind is not ItemKind.number and (self.unit or self.units or self.uln):
            raise ValueError(f"{self.id}: only numbers have units")
        if (self.kind is ItemKind.choice) != bool(self.choices):
            raise ValueError(f"{self.id}: choices belong to, and are required by, a choice item")
        if self.none_allowed and self.kind is not ItemKind.date:
            raise ValueError(f"{self.id}: none_allowed is for dates")
        if any(factor <= 0 for factor in self.units.values()):
            raise ValueError(f"{self.id}: unit factors must be positive")
        return self

    def accepts(self, unit: str) -> bool:
        return unit == self.unit or unit in self.units or (self.uln and unit == ULN)


class AgeRange(Strict):
    minimum: int | None = Field(default=None, ge=0)  # in full years, both bounds included
    maximum: int | None = Field(default=None, ge=0)
    at: str  # the reference event


class Comparison(Strict):
    item: str
    op: Operator
    limit: float
    unit: str  # the limit's unit; xULN compares with the upper limit of normal


class Choice(Strict):
    item: str
    values: list[str] = Field(alias="in", min_length=1)


class Band(Strict):
    from_age: int = Field(ge=0)  # included
    below_age: int | None = None  # excluded; None: no upper bound
    F: float
    M: float


class AgeSexTable(Strict):
    """A limit that depends on age band and sex (REL-ALL creatinine)."""

    item: str
    op: Operator
    unit: str
    at: str
    bands: list[Band] = Field(min_length=1)


class ByAge(Strict):
    """One rule below an age, another from it on (Lansky below 16, Karnofsky from 16)."""

    at: str
    below: int = Field(ge=1)
    then: Rule
    otherwise: Rule


class Within(Strict):
    """A dated event (last chemotherapy...) within `days` days before the reference: the wash-out is not over."""

    item: str
    days: int = Field(ge=1)
    before: str = "assessment"


class Interval(Strict):
    """At least `minimum_years` full years from one date to another (late relapse)."""

    start: str = Field(alias="from")
    end: str = Field(alias="to")
    minimum_years: int = Field(ge=0)


class ValueRule(Strict):
    value: Comparison


class ChoiceRule(Strict):
    choice: Choice


class AgeRule(Strict):
    age: AgeRange


class TableRule(Strict):
    table: AgeSexTable


class ByAgeRule(Strict):
    by_age: ByAge


class WithinRule(Strict):
    within: Within


class IntervalRule(Strict):
    interval: Interval


class AnyRule(Strict):
    any: list[Rule] = Field(min_length=2)


class AllRule(Strict):
    all: list[Rule] = Field(min_length=2)


def _rule_kind(raw: object) -> str | None:
    if isinstance(raw, dict) and len(raw) == 1:
        return str(next(iter(raw)))
    if isinstance(raw, BaseModel):
        return next(iter(type(raw).model_fields))
    return None


Rule = Annotated[
    Annotated[ValueRule, Tag("value")] | Annotated[ChoiceRule, Tag("choice")] | Annotated[AgeRule, Tag("age")]
    | Annotated[TableRule, Tag("table")] | Annotated[ByAgeRule, Tag("by_age")]
    | Annotated[WithinRule, Tag("within")] | Annotated[IntervalRule, Tag("interval")]
    | Annotated[AnyRule, Tag("any")] | Annotated[AllRule, Tag("all")],
    Discriminator(_rule_kind, custom_error_type="rule_kind", custom_error_message=(
        "a rule is one of value, choice, age, table, by_age, within, interval, any, all")),
]

for _model in (ByAge, AnyRule, AllRule):
    _model.model_rebuild()


class Category(str, Enum):
    inclusion = "inclusion"
    exclusion = "exclusion"


class Criterion(Strict):
    """An inclusion or exclusion criterion (CDASH IE). Without a rule, the coordinator answers yes or no."""

    id: str = Field(pattern=ITEM_ID)  # IETESTCD
    category: Category  # IECAT
    text: str = Field(min_length=1)  # IETEST, as in the protocol
    groups: list[str] = []  # arm codes it applies to; empty: every participant
    sexes: list[Literal["F", "M"]] = []  # the sexes it applies to (pregnancy: F); empty: both
    stage: str = Field(default="enrollment", pattern=r"^[a-z_]+$")  # e.g. infusion: checked on that day
    rule: Rule | None = None


class Eligibility(Strict):
    items: list[Item] = []
    criteria: list[Criterion] = Field(min_length=1)


class ArmByValue(Strict):
    """The arm follows from a recorded value (MILA: leukemia patient or surgical control)."""

    item: str
    arms: dict[str, str] = Field(min_length=1)  # choice code -> arm code


class Randomization(Strict):
    """Stratified permuted blocks with randomly varied sizes; each size a multiple of the ratio's sum."""

    block_sizes: list[Annotated[int, Field(ge=1, le=100)]] = Field(min_length=1)
    strata: list[str] = []  # "site" or choice items
    list_length: int = Field(default=200, ge=1, le=10000)  # allocations generated per stratum at setup


class RiskGroup(Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label: str = Field(min_length=1)
    when: list[Rule] = Field(min_length=1)  # all must hold; groups are tried in order


class RiskRules(Strict):
    version: str = Field(min_length=1)  # stored with each computed group
    items: list[str] = Field(min_length=1)  # the values the rules read, shown together
    groups: list[RiskGroup] = Field(min_length=1)


def rule_items(rule: Rule) -> list[str]:
    """The items a rule reads, in order, reference dates included."""
    match rule:
        case ValueRule(value=spec):
            return [spec.item]
        case ChoiceRule(choice=spec):
            return [spec.item]
        case AgeRule(age=spec):
            return [spec.at]
        case TableRule(table=spec):
            return [spec.item, spec.at]
        case ByAgeRule(by_age=spec):
            return _merge([spec.at], rule_items(spec.then), rule_items(spec.otherwise))
        case WithinRule(within=spec):
            return [spec.item, spec.before]
        case IntervalRule(interval=spec):
            return [spec.start, spec.end]
        case AnyRule(any=rules) | AllRule(all=rules):
            return _merge(*(rule_items(part) for part in rules))
    raise TypeError(rule)  # pragma: no cover - the union is closed


def _merge(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(name for names in lists for name in names))
