"""NK-HSCT criteria over the real study file: the enrollment criteria (age at HSCT, indication, donor) and the
day-of-infusion exclusions (stage infusion), whose labs count only when measured just before the infusion date."""

import pytest

from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.rules import Observation
from tests.unit.criteria_facts import (
    DROP,
    MET,
    MISSING,
    NOT_MET,
    ago,
    answer,
    born,
    dated,
    lab,
    overall,
    result,
    study,
)

CODE = "NK-HSCT"
HSCT = ago(30)
INFUSION = ago(2)  # the infusion took place two days before this assessment

ENROLLMENT = {
    "HSCTDAT": dated(30), "INDIC": answer("ALL"), "DONOR": answer("URD"), "LIFEEXP": lab("12", "months"),
    "DONORLK": answer("yes"), "EX05": answer("no"),
}
INFUSION_DAY = {
    "INFDAT": dated(2), "BMBLAST": lab("2", "%", 10, on=INFUSION), "PBBLAST": lab("0", "%", 0, on=INFUSION),
    "EMPROG": answer("no"), "NEUT": lab("1.2", "10^9/L", 1, on=INFUSION), "AGVHD": lab("1", "grade", 0, on=INFUSION),
    "STEROID": lab("0.5", "mg/kg/day", 0, on=INFUSION), "SOURCE": answer("PBSC"),
}
BASE = {**ENROLLMENT, **INFUSION_DAY}


def at_infusion(value: str, unit: str, days_before: int = 0) -> Observation:
    return lab(value, unit, days_before, on=INFUSION)


CASES = [
    pytest.param("IN01", {}, MET, id="IN01-age-10-at-HSCT"),
    pytest.param("IN01", {"birth": born(1, HSCT, 0)}, MET, id="IN01-first-birthday-on-HSCT-day"),
    pytest.param("IN01", {"birth": born(1, HSCT, -1)}, NOT_MET, id="IN01-aged-0-at-HSCT"),
    pytest.param("IN01", {"birth": born(18, HSCT, 364)}, MET, id="IN01-aged-18-at-HSCT"),
    pytest.param("IN01", {"birth": born(19, HSCT, 0)}, NOT_MET, id="IN01-aged-19-at-HSCT"),
    pytest.param("IN01", {"HSCTDAT": DROP}, MISSING, id="IN01-HSCT-date-missing"),
    pytest.param("IN02", {"INDIC": answer("AML")}, MET, id="IN02-AML"),
    pytest.param("IN02", {"INDIC": answer("OTHER")}, NOT_MET, id="IN02-other-indication"),
    pytest.param("IN03", {"DONOR": answer("MMFD")}, MET, id="IN03-mismatched-family"),
    pytest.param("IN03", {"DONOR": answer("MFD")}, NOT_MET, id="IN03-matched-family"),
    pytest.param("IN04", {"LIFEEXP": lab("4", "months")}, MET, id="IN04-4-months"),
    pytest.param("IN04", {"LIFEEXP": lab("1", "years")}, MET, id="IN04-1-year"),
    pytest.param("IN04", {"LIFEEXP": lab("3", "months")}, NOT_MET, id="IN04-exactly-3-months"),
    pytest.param("IN05", {}, MET, id="IN05-donor-willing"),
    pytest.param("IN05", {"DONORLK": answer("no")}, NOT_MET, id="IN05-donor-unwilling"),
    # day of infusion: progressive disease by marrow, blood or extramedullary disease
    pytest.param("EX01", {"BMBLAST": at_infusion("25", "%", 10)}, MET, id="EX01-marrow-blasts-25"),
    pytest.param("EX01", {"PBBLAST": at_infusion("5", "%")}, MET, id="EX01-circulating-blasts-5"),
    pytest.param("EX01", {"EMPROG": answer("yes")}, MET, id="EX01-extramedullary"),
    pytest.param("EX01", {"BMBLAST": at_infusion("24.9", "%", 10), "PBBLAST": at_infusion("4.9", "%")}, NOT_MET,
                 id="EX01-just-below"),
    pytest.param("EX01", {"BMBLAST": DROP, "PBBLAST": at_infusion("6", "%")}, MET, id="EX01-blood-decides-alone"),
    pytest.param("EX01", {"BMBLAST": DROP}, MISSING, id="EX01-marrow-missing"),
    pytest.param("EX02", {"NEUT": at_infusion("0.4", "10^9/L")}, MET, id="EX02-no-engraftment"),
    pytest.param("EX02", {"NEUT": at_infusion("0.5", "10^9/L")}, NOT_MET, id="EX02-engrafted-at-limit"),
    pytest.param("EX02", {"NEUT": at_infusion("499", "/µL")}, MET, id="EX02-per-microlitre-below"),
    pytest.param("EX02", {"NEUT": at_infusion("500", "/µL")}, NOT_MET, id="EX02-per-microlitre-at-limit"),
    pytest.param("EX03", {"AGVHD": at_infusion("2", "grade")}, MET, id="EX03-GvHD-grade-2"),
    pytest.param("EX03", {"AGVHD": at_infusion("1", "grade")}, NOT_MET, id="EX03-GvHD-grade-1"),
    pytest.param("EX04", {"STEROID": at_infusion("1.1", "mg/kg/day")}, MET, id="EX04-steroids-above-1"),
    pytest.param("EX04", {"STEROID": at_infusion("1", "mg/kg/day")}, NOT_MET, id="EX04-steroids-at-1"),
    pytest.param("EX06", {"SOURCE": answer("CORD")}, MET, id="EX06-cord-blood"),
    pytest.param("EX06", {"SOURCE": answer("BM")}, NOT_MET, id="EX06-bone-marrow"),
]


def test_enrollment_and_infusion_are_separate_stages():
    stages = {c.id: c.stage for c in study(CODE).eligibility.criteria}
    assert {code for code, stage in stages.items() if stage == "infusion"} == {"EX01", "EX02", "EX03", "EX04", "EX06"}
    assert overall(CODE, ENROLLMENT).decision is Decision.eligible  # nothing of the infusion day needed yet
    assert overall(CODE, ENROLLMENT, "infusion").decision is Decision.incomplete
    assert overall(CODE, BASE, "infusion").decision is Decision.eligible
    refused = overall(CODE, {**BASE, "NEUT": at_infusion("0.3", "10^9/L")}, "infusion")
    assert refused.decision is Decision.not_eligible and refused.failing == ("EX02",)
    assert overall(CODE, {**ENROLLMENT, "DONOR": answer("MFD")}).failing == ("IN03",)


@pytest.mark.parametrize(("item", "criterion", "days", "expected"), [
    ("NEUT", "EX02", 1, NOT_MET), ("NEUT", "EX02", 2, MISSING),
    ("PBBLAST", "EX01", 1, NOT_MET), ("PBBLAST", "EX01", 2, MISSING),
    ("AGVHD", "EX03", 1, NOT_MET), ("AGVHD", "EX03", 2, MISSING),
    ("STEROID", "EX04", 0, NOT_MET), ("STEROID", "EX04", 1, MISSING),
    ("BMBLAST", "EX01", 14, NOT_MET), ("BMBLAST", "EX01", 15, MISSING),
])
def test_an_infusion_day_lab_counts_up_to_the_edge_of_its_window(item, criterion, days, expected):
    value = BASE[item]
    found = result(CODE, criterion, BASE, {item: at_infusion(value.value, value.unit, days)})
    assert found.state is expected
    if expected is MISSING:
        assert "before date of nk-cell infusion" in found.reason and "measure it again" in found.reason


def test_a_lab_dated_after_the_infusion_is_missing():
    found = result(CODE, "EX02", BASE, {"NEUT": at_infusion("1.2", "10^9/L", -1)})
    assert found.state is MISSING and "after date of nk-cell infusion" in found.reason


def test_without_the_infusion_date_the_infusion_labs_are_missing():
    found = result(CODE, "EX02", BASE, {"INFDAT": DROP})
    assert found.state is MISSING and "Date of NK-cell infusion is not recorded" in found.reason
