"""Facts built by hand for the criteria tests: the real study files, a fixed assessment day, no database.

A study's test file declares the values that make a participant eligible (`base`) and cases that change some of
them; `result` assesses one criterion over the changed facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache

from coordinator.eligibility.criteria import CriterionResult, Verdict, assess, verdict
from coordinator.eligibility.rules import Facts, Observation, State
from coordinator.participants.age import birthday
from coordinator.paths import studies_dir
from coordinator.studies.loader import load_file
from coordinator.studies.schema import StudyDefinition

DAY = date(2026, 11, 21)  # the day the criteria are assessed
MET, NOT_MET, MISSING, NOT_APPLICABLE = State.met, State.not_met, State.missing, State.not_applicable
DROP = None  # a value of None in `changes` removes the item from the facts


@cache
def study(code: str) -> StudyDefinition:
    loaded = load_file(studies_dir() / f"{code}.yaml")
    assert not isinstance(loaded, list), loaded
    return loaded.definition


def ago(days: int, on: date = DAY) -> date:
    return on - timedelta(days=days)


def born(age: int, on: date = DAY, days_past_birthday: int = 100) -> date:
    """A birth date that makes someone `age` full years old on `on`, `days_past_birthday` after the birthday."""
    birth = on - timedelta(days=days_past_birthday)
    return birth.replace(year=birth.year - age)


def turning(age: int, on: date = DAY) -> date:
    """A birth date whose `age`-th birthday is `on`."""
    birth = on.replace(year=on.year - age)
    assert birthday(birth, age) == on
    return birth


def lab(value: str, unit: str | None = None, days_before: int = 1, uln: float | None = None,
        on: date = DAY) -> Observation:
    """A measured value, `days_before` the day `on` (negative: after it)."""
    return Observation(value, unit, uln, ago(days_before, on), "Laboratory report")


def answer(value: str) -> Observation:
    """A choice or yes/no value."""
    return Observation(value, source="Medical record")


def dated(days_before: int, on: date = DAY) -> Observation:
    """A date item's value, `days_before` the day `on`."""
    return Observation(ago(days_before, on).isoformat(), source="Medical record")


def never() -> Observation:
    return Observation("none", source="Medical record")


def facts(code: str, values: Mapping[str, Observation | None], *, birth: date | None = None, sex: str = "F",
          on: date = DAY, consent: date | None = DAY) -> Facts:
    kept = {name: observed for name, observed in values.items() if observed is not None}
    return Facts(birth or born(10, on), sex, on, consent, kept, study(code).items)


def result(code: str, criterion: str, base: Mapping[str, object], changes: Mapping[str, object] | None = None,
           **person: object) -> CriterionResult:
    """One criterion assessed over the base values with some changed. Lower-case keys of `changes` (birth, sex,
    consent, on) describe the person and the day rather than an item."""
    merged = {**base, **(changes or {})}
    person = {**{key: value for key, value in merged.items() if key.islower()}, **person}
    values = {key: value for key, value in merged.items() if not key.islower()}
    found = assess(study(code), facts(code, values, **person))
    return next(r for r in found if r.criterion.id == criterion)


def overall(code: str, values: Mapping[str, Observation | None], stage: str = "enrollment",
            **person: object) -> Verdict:
    return verdict(assess(study(code), facts(code, values, **person)), stage)


def computable(code: str) -> set[tuple[str, State]]:
    """A met and a not-met case are due for every criterion with a rule."""
    eligibility = study(code).eligibility
    assert eligibility is not None
    return {(c.id, state) for c in eligibility.criteria if c.rule is not None for state in (MET, NOT_MET)}


def covered(cases: Iterable[object]) -> set[tuple[str, State]]:
    """The (criterion, state) pairs a parametrize list of (criterion, changes, expected) exercises."""
    pairs = set()
    for case in cases:
        criterion, _changes, expected = getattr(case, "values", case)  # a pytest.param or a plain tuple
        pairs.add((criterion, expected))
    return pairs
