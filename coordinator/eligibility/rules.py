"""Evaluating a study's rules over a participant's recorded values: plain functions over plain data.

Each rule comes out met, not met, or missing (a value, its date or a reference event is not known, or a lab is
out of its window), always with the reason in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from coordinator.eligibility.units import factor
from coordinator.i18n import N_, _
from coordinator.participants.age import age_in_years
from coordinator.studies.rule_schema import (
    ULN,
    AgeRule,
    AllRule,
    AnyRule,
    ByAgeRule,
    ChoiceRule,
    Comparison,
    IntervalRule,
    Item,
    ItemKind,
    Rule,
    TableRule,
    ValueRule,
    WithinRule,
)

NONE = "none"  # a date item's value when the event never happened
_TOLERANCE = 1e-9  # relative: 1.4 mg/dL converted to µmol/L and back still equals 1.4


class State(str, Enum):
    met = "met"
    not_met = "not met"
    missing = "missing"
    not_applicable = "not applicable"

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    State.met: N_("Met"),
    State.not_met: N_("Not met"),
    State.missing: N_("Missing"),
    State.not_applicable: N_("Not applicable"),
}


@dataclass(frozen=True)
class Observation:
    """A recorded value as stored: the text, its unit and the laboratory's upper limit of normal."""

    value: str
    unit: str | None = None
    uln: float | None = None
    measured_on: date | None = None
    source: str | None = None


@dataclass(frozen=True)
class Facts:
    """Everything the rules may read about one participant."""

    birth_date: date
    sex: str  # F or M
    assessed_on: date
    consent_on: date | None  # the day consent became complete
    values: Mapping[str, Observation]
    items: Mapping[str, Item]


@dataclass(frozen=True)
class Outcome:
    state: State
    reason: str

    @staticmethod
    def of(condition: bool, reason: str) -> Outcome:
        return Outcome(State.met if condition else State.not_met, reason)


class _Missing(Exception):  # control flow inside this module: a rule cannot be decided
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def evaluate(rule: Rule, facts: Facts) -> Outcome:
    try:
        return _evaluate(rule, facts)
    except _Missing as missing:
        return Outcome(State.missing, missing.reason)


def _evaluate(rule: Rule, facts: Facts) -> Outcome:
    match rule:
        case ValueRule(value=spec):
            return _compare(spec, facts)
        case ChoiceRule(choice=spec):
            item = facts.items[spec.item]
            value = _value(facts, spec.item).value
            wanted = " / ".join(choice_label(item, code) for code in spec.values)
            return Outcome.of(value in spec.values, _("{label}: {value} (criterion: {wanted})").format(
                label=item.label, value=choice_label(item, value), wanted=wanted))
        case AgeRule(age=spec):
            on, event = reference(facts, spec.at)
            age = age_in_years(facts.birth_date, on)
            inside = (spec.minimum is None or age >= spec.minimum) and (spec.maximum is None or age <= spec.maximum)
            return Outcome.of(inside, _("aged {age} at {event} ({date}); criterion {range}").format(
                age=age, event=event, date=on.isoformat(), range=_age_range(spec.minimum, spec.maximum)))
        case TableRule(table=spec):
            on, _event = reference(facts, spec.at)
            age = age_in_years(facts.birth_date, on)
            band = next((b for b in spec.bands if age >= b.from_age and (b.below_age is None or age < b.below_age)),
                        None)
            if band is None:
                return Outcome(State.not_met, _("no limit is defined for age {age}").format(age=age))
            limit = band.F if facts.sex == "F" else band.M
            who = _("a girl or woman aged {age}") if facts.sex == "F" else _("a boy or man aged {age}")
            comparison = Comparison(item=spec.item, op=spec.op, limit=limit, unit=spec.unit)
            outcome = _compare(comparison, facts)
            return Outcome(outcome.state, _("{reason}, the limit for {who}").format(
                reason=outcome.reason, who=who.format(age=age)))
        case ByAgeRule(by_age=spec):
            on, event = reference(facts, spec.at)
            age = age_in_years(facts.birth_date, on)
            chosen = spec.then if age < spec.below else spec.otherwise
            outcome = _evaluate(chosen, facts)
            return Outcome(outcome.state, _("{reason} (aged {age} at {event})").format(
                reason=outcome.reason, age=age, event=event))
        case WithinRule(within=spec):
            item = facts.items[spec.item]
            observed = _value(facts, spec.item)
            if observed.value == NONE:
                return Outcome(State.not_met, _("{label}: none").format(label=item.label))
            when = date.fromisoformat(observed.value)
            on, event = reference(facts, spec.before)
            since = (on - when).days
            return Outcome.of(0 <= since < spec.days, _("{label}: {date}, {days} days before {event} "
                                                        "(wash-out {needed} days)").format(
                label=item.label, date=when.isoformat(), days=since, event=event, needed=spec.days))
        case IntervalRule(interval=spec):
            start, start_event = reference(facts, spec.start)
            end, end_event = reference(facts, spec.end)
            years = age_in_years(start, end)
            return Outcome.of(years >= spec.minimum_years, _(
                "{years} full years from {start} ({start_date}) to {end} ({end_date}); "
                "criterion at least {minimum}").format(
                years=years, start=start_event, start_date=start.isoformat(), end=end_event,
                end_date=end.isoformat(), minimum=spec.minimum_years))
        case AnyRule(any=parts):
            return _combine(parts, facts, State.met, _(" or "))
        case AllRule(all=parts):
            return _combine(parts, facts, State.not_met, _(" and "))
    raise TypeError(rule)  # pragma: no cover - the union is closed


def _combine(parts: list[Rule], facts: Facts, decisive: State, joiner: str) -> Outcome:
    """any: one met decides; all: one not met decides. Otherwise a missing part leaves it undecided."""
    outcomes = [evaluate(part, facts) for part in parts]
    deciding = [o for o in outcomes if o.state is decisive]
    if deciding:
        return Outcome(decisive, joiner.join(o.reason for o in deciding))
    undecided = [o for o in outcomes if o.state is State.missing]
    if undecided:
        return Outcome(State.missing, joiner.join(o.reason for o in undecided))
    other = State.not_met if decisive is State.met else State.met
    return Outcome(other, joiner.join(o.reason for o in outcomes))


def _compare(spec: Comparison, facts: Facts) -> Outcome:
    item = facts.items[spec.item]
    observed = _value(facts, spec.item)
    measured = _in_unit(item, observed, spec.unit)
    margin = _TOLERANCE * max(abs(spec.limit), 1.0)
    holds = {
        "<": measured < spec.limit - margin, "<=": measured <= spec.limit + margin,
        ">": measured > spec.limit + margin, ">=": measured >= spec.limit - margin,
    }[spec.op]
    shown = observed.value + (f" {observed.unit}" if observed.unit else "")
    if observed.unit and observed.unit != spec.unit:
        shown += f" = {measured:.4g} {spec.unit}"
    return Outcome.of(holds, _("{label} {value}; criterion {op} {limit} {unit}").format(
        label=item.label, value=shown, op=_OPERATORS[spec.op], limit=_number(spec.limit), unit=spec.unit))


_OPERATORS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _in_unit(item: Item, observed: Observation, unit: str) -> float:
    given = observed.unit or item.unit or ""
    try:
        value = float(observed.value)
    except ValueError:
        raise _Missing(_("{label} was recorded as {value}, which the study file no longer reads as a number: record "
                         "it again").format(label=item.label, value=observed.value)) from None
    if not item.accepts(given):
        raise _Missing(_("{label} was recorded in {unit}, a unit the study file no longer accepts: record it "
                         "again").format(label=item.label, unit=given))
    if unit == ULN:
        if given == ULN:
            return value
        if observed.uln is None:
            raise _Missing(_("{label}: the laboratory's upper limit of normal is not recorded").format(
                label=item.label))
        return value / observed.uln
    if given == ULN:
        raise _Missing(_("{label} is recorded as a multiple of the upper limit of normal; the rule needs it in "
                         "{unit}").format(label=item.label, unit=unit))
    return value * factor(item, given) / factor(item, unit)


def _value(facts: Facts, name: str) -> Observation:
    """The recorded value of an item, checked against its measurement window."""
    item = facts.items[name]
    observed = facts.values.get(name)
    if observed is None:
        raise _Missing(_("{label} is not recorded").format(label=item.label))
    if item.window is not None:
        on, event = reference(facts, item.window.before)
        if observed.measured_on is None:
            raise _Missing(_("{label}: the date it was measured is not recorded").format(label=item.label))
        if observed.measured_on > on:
            raise _Missing(_("{label} was measured on {date}, after {event} ({reference}): record a value measured "
                             "before").format(label=item.label, date=observed.measured_on.isoformat(), event=event,
                                              reference=on.isoformat()))
        if (on - observed.measured_on).days > item.window.days:
            raise _Missing(_("{label} was measured on {date}, more than {days} days before {event} ({reference}): "
                             "measure it again").format(label=item.label, date=observed.measured_on.isoformat(),
                                                        days=item.window.days, event=event,
                                                        reference=on.isoformat()))
    return observed


def reference(facts: Facts, name: str) -> tuple[date, str]:
    """The date of a reference event and how to name it in a sentence."""
    if name == "assessment":
        return facts.assessed_on, _("assessment")
    if name == "consent":
        if facts.consent_on is None:
            raise _Missing(_("consent is not complete yet"))
        return facts.consent_on, _("consent")
    item = facts.items[name]
    observed = facts.values.get(name)
    if observed is None or observed.value == NONE:
        raise _Missing(_("{label} is not recorded").format(label=item.label))
    return date.fromisoformat(observed.value), item.label.lower()


def reference_date(facts: Facts, name: str) -> tuple[date, str] | None:
    """The date of a reference event when it is known."""
    try:
        return reference(facts, name)
    except _Missing:
        return None


def choice_label(item: Item, code: str) -> str:
    if item.kind is ItemKind.yes_no:
        return _("yes") if code == "yes" else _("no")
    return item.choices.get(code, code)


def _age_range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return _("{minimum} to {maximum} years").format(minimum=minimum, maximum=maximum)
    if minimum is not None:
        return _("at least {minimum} years").format(minimum=minimum)
    return _("at most {maximum} years").format(maximum=maximum)


def _number(value: float) -> str:
    return f"{value:.6g}"

