"""MILA criteria over the real study file: a met and a not-met case for every computable criterion, and the
criteria of the other group (leukemia vs control) not applicable."""

import pytest

from coordinator.eligibility.criteria import Decision
from tests.unit.criteria_facts import (
    DROP,
    MET,
    MISSING,
    NOT_APPLICABLE,
    NOT_MET,
    ago,
    answer,
    born,
    overall,
    result,
)

CODE = "MILA"

LEUKEMIA = {
    "COHORT": answer("AL"), "DIAG": answer("ALLB"), "PRIORTX": answer("no"), "RELAPSE": answer("no"),
    "SOCSEC": answer("yes"), "IN04": answer("yes"), "EX01": answer("no"), "EX03": answer("no"),
}
CONTROL = {
    "COHORT": answer("CONTROL"), "ORTHO": answer("yes"), "HEMPATH": answer("no"), "MARROWTX": answer("no"),
    "SOCSEC": answer("yes"), "IN04": answer("yes"), "EX03": answer("no"),
}
BASE = LEUKEMIA
AS_CONTROL = {**CONTROL, "DIAG": DROP, "PRIORTX": DROP, "RELAPSE": DROP, "EX01": DROP}

CASES = [
    pytest.param("IN01", {}, MET, id="IN01-B-ALL"),
    pytest.param("IN01", {"DIAG": answer("AML")}, MET, id="IN01-AML"),
    pytest.param("IN01", {"DIAG": answer("OTHER")}, NOT_MET, id="IN01-other-diagnosis"),
    pytest.param("IN02", {}, MET, id="IN02-untreated"),
    pytest.param("IN02", {"PRIORTX": answer("yes")}, NOT_MET, id="IN02-treated"),
    pytest.param("IN03", {"birth": born(1, days_past_birthday=0)}, MET, id="IN03-first-birthday"),
    pytest.param("IN03", {"birth": born(15, days_past_birthday=364)}, MET, id="IN03-aged-15"),
    pytest.param("IN03", {"birth": born(16, days_past_birthday=0)}, NOT_MET, id="IN03-16th-birthday"),
    pytest.param("IN03", {"birth": born(1, days_past_birthday=-1)}, NOT_MET, id="IN03-aged-0"),
    pytest.param("IN03", {"birth": born(16, days_past_birthday=5), "consent": ago(10)}, MET,
                 id="IN03-15-at-consent-16-now"),
    pytest.param("IN03", {"consent": None}, MISSING, id="IN03-consent-not-complete"),
    pytest.param("IN05", {}, MET, id="IN05-social-security"),
    pytest.param("IN05", {"SOCSEC": answer("no")}, NOT_MET, id="IN05-no-social-security"),
    pytest.param("IN06", AS_CONTROL, MET, id="IN06-osteotomy"),
    pytest.param("IN06", {**AS_CONTROL, "ORTHO": answer("no")}, NOT_MET, id="IN06-no-surgery"),
    pytest.param("IN07", AS_CONTROL, MET, id="IN07-no-hematological-pathology"),
    pytest.param("IN07", {**AS_CONTROL, "HEMPATH": answer("yes")}, NOT_MET, id="IN07-hematological-pathology"),
    pytest.param("IN08", AS_CONTROL, MET, id="IN08-no-marrow-treatment"),
    pytest.param("IN08", {**AS_CONTROL, "MARROWTX": answer("yes")}, NOT_MET, id="IN08-marrow-treatment"),
    pytest.param("EX02", {"RELAPSE": answer("yes")}, MET, id="EX02-relapsed"),
    pytest.param("EX02", {}, NOT_MET, id="EX02-at-diagnosis"),
    # the other group's criteria do not apply
    pytest.param("IN06", {}, NOT_APPLICABLE, id="IN06-leukemia-patient"),
    pytest.param("IN07", {}, NOT_APPLICABLE, id="IN07-leukemia-patient"),
    pytest.param("IN08", {}, NOT_APPLICABLE, id="IN08-leukemia-patient"),
    pytest.param("IN01", AS_CONTROL, NOT_APPLICABLE, id="IN01-control"),
    pytest.param("IN02", AS_CONTROL, NOT_APPLICABLE, id="IN02-control"),
    pytest.param("EX01", AS_CONTROL, NOT_APPLICABLE, id="EX01-control"),
    pytest.param("EX02", AS_CONTROL, NOT_APPLICABLE, id="EX02-control"),
    pytest.param("IN01", {"COHORT": DROP}, MISSING, id="IN01-cohort-not-recorded"),
    pytest.param("IN05", {"COHORT": DROP}, MET, id="IN05-applies-to-every-cohort"),
]


def test_each_group_is_eligible_without_the_other_groups_values():
    assert overall(CODE, LEUKEMIA).decision is Decision.eligible
    assert overall(CODE, CONTROL).decision is Decision.eligible
    failed = overall(CODE, {**CONTROL, "HEMPATH": answer("yes")})
    assert failed.decision is Decision.not_eligible and failed.failing == ("IN07",)


def test_a_criterion_of_the_other_group_says_whom_it_applies_to():
    found = result(CODE, "IN06", BASE)
    assert found.ok is True and "applies to Control only" in found.reason
    unknown = result(CODE, "IN01", BASE, {"COHORT": DROP})
    assert "record Cohort first" in unknown.reason
