"""The demo values of every study (resources/demo/STUDY.yaml), typed in through the entry checks: they make a
participant of each arm eligible at the youngest and the oldest age the demo draws, and the failing values make
them not eligible."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from coordinator.assignment.risk import compute
from coordinator.demo_values import demo_values
from coordinator.eligibility.criteria import Decision, assess, verdict
from coordinator.eligibility.entry import ValueInput, check_entry
from coordinator.eligibility.rules import Facts, Observation
from coordinator.studies.schema import StudyDefinition
from tests.unit.criteria_facts import DAY, study

CODES = ["MILA", "REL-ALL", "BLINA-MRD", "NK-HSCT", "ELIT-AML01"]
SCREENED_AFTER = 7  # the demo screens a participant a week after registration (coordinator/demo.py)


def demo_births(definition: StudyDefinition) -> dict[str, date]:
    """The youngest and the oldest birth dates the demo draws at registration (coordinator/demo.py)."""
    low = definition.age.minimum or 1
    high = definition.age.maximum if definition.age.maximum is not None else low + 40
    return {"youngest": DAY - timedelta(days=low * 366 + 10 + SCREENED_AFTER),
            "oldest": DAY - timedelta(days=(high + 1) * 365 - 10 + SCREENED_AFTER)}


def typed(definition: StudyDefinition, entries: list[ValueInput], birth: date, sex: str,
          recorded: dict[str, Observation] | None = None) -> Facts:
    """Facts after the values are typed in, each one through the checks that `eligibility record` applies."""
    before = Facts(birth, sex, DAY, DAY, dict(recorded or {}), definition.items)
    values = dict(before.values)
    for given in entries:
        entry = check_entry(definition, given, before, DAY)
        values[entry.key] = Observation(entry.value, entry.unit, entry.uln, entry.measured_on, entry.source)
    return replace(before, values=values)


CASES = [
    pytest.param(code, arm.code, who, sex, id=f"{code}-{arm.code}-{who}-{sex}")
    for code in CODES for arm in study(code).arms for who in ("youngest", "oldest") for sex in "FM"
]


@pytest.mark.parametrize(("code", "arm", "who", "sex"), CASES)
def test_the_demo_values_make_each_arm_eligible_and_the_failing_ones_not(code, arm, who, sex):
    definition = study(code)
    values = demo_values(code)
    assert values is not None, f"resources/demo/{code}.yaml is missing"
    birth = demo_births(definition)[who]
    eligible = typed(definition, values.eligible(arm, DAY), birth, sex)
    found = verdict(assess(definition, eligible))
    assert found.decision is Decision.eligible, found
    failing = typed(definition, values.failure(DAY), birth, sex, eligible.values)
    refused = verdict(assess(definition, failing))
    assert refused.decision is Decision.not_eligible and refused.failing, refused
    if definition.risk is not None:
        assert compute(definition.risk, eligible).group is not None


def test_every_study_has_demo_values():
    assert all(demo_values(code) is not None for code in CODES)
