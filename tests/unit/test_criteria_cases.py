"""Every study's criterion cases, run by one test: each case's state, and a met and a not-met case for every
computable criterion (a rule added to a study file without its cases fails here)."""

import pytest

from tests.unit import (
    test_criteria_blina_mrd,
    test_criteria_elit_aml01,
    test_criteria_mila,
    test_criteria_nk_hsct,
    test_criteria_rel_all,
)
from tests.unit.criteria_facts import computable, covered, result

STUDIES = [test_criteria_mila, test_criteria_rel_all, test_criteria_blina_mrd, test_criteria_nk_hsct,
           test_criteria_elit_aml01]


@pytest.mark.parametrize(("study", "criterion", "changes", "expected"), [
    pytest.param(study, *case.values, id=f"{study.CODE}-{case.id}") for study in STUDIES for case in study.CASES])
def test_criterion(study, criterion, changes, expected):
    assert result(study.CODE, criterion, study.BASE, changes).state is expected


@pytest.mark.parametrize("study", STUDIES, ids=[study.CODE for study in STUDIES])
def test_every_computable_criterion_has_a_met_and_a_not_met_case(study):
    assert computable(study.CODE) <= covered(study.CASES)
