"""REL-ALL criteria and risk groups over the real study file: a met and a not-met case for every computable
criterion, the creatinine table by age and sex, the echo either-or, Lansky/Karnofsky at 16, lab windows, and the
risk groups in order."""

from datetime import timedelta

import pytest

from coordinator.assignment.risk import compute
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.rules import Observation
from tests.unit.criteria_facts import (
    DROP,
    MET,
    MISSING,
    NOT_APPLICABLE,
    NOT_MET,
    ago,
    answer,
    born,
    dated,
    facts,
    lab,
    overall,
    result,
    study,
    turning,
)

CODE = "REL-ALL"
RELAPSE = ago(14)

BASE = {
    "RELDAT": dated(14), "DIAG": answer("BALL"), "FIRSTREL": answer("yes"), "RELSITE": answer("BM"),
    "PRIALLO": answer("no"), "PRIBLIN": answer("no"), "CREAT": lab("0.5", "mg/dL"), "BILDIR": lab("0.4", "mg/dL"),
    "SF": lab("34", "%", 5), "LVEF": lab("62", "%", 5), "LANSKY": lab("80", "%"), "KARNOF": lab("80", "%"),
    "LIFEEXP": lab("24", "months"), "PHPOS": answer("no"), "CD19": answer("POS"), "SYNDROME": answer("NONE"),
    "HIV": answer("no"), "PREG": answer("NEG"),
    "IN11": answer("yes"), "IN12": answer("yes"), "EX04": answer("no"), "EX09": answer("no"), "EX10": answer("no"),
    "EX11": answer("no"), "EX12": answer("no"),
}  # a girl aged 10 at the assessment (the default person)

CASES = [
    pytest.param("IN01", {}, MET, id="IN01-age-10-at-relapse"),
    pytest.param("IN01", {"birth": born(1, RELAPSE, 0)}, MET, id="IN01-first-birthday-on-relapse-day"),
    pytest.param("IN01", {"birth": born(1, RELAPSE, -1)}, NOT_MET, id="IN01-aged-0-at-relapse"),
    pytest.param("IN01", {"birth": born(22, RELAPSE, 364)}, MET, id="IN01-aged-22-at-relapse"),
    pytest.param("IN01", {"birth": born(23, RELAPSE, 0)}, NOT_MET, id="IN01-aged-23-at-relapse"),
    pytest.param("IN01", {"RELDAT": DROP}, MISSING, id="IN01-relapse-date-missing"),
    pytest.param("IN02", {"DIAG": answer("TALL")}, MET, id="IN02-T-ALL"),
    pytest.param("IN02", {"DIAG": answer("MPAL")}, NOT_MET, id="IN02-mixed-phenotype"),
    pytest.param("IN03", {"RELSITE": answer("COMB")}, MET, id="IN03-combined-relapse"),
    pytest.param("IN03", {"RELSITE": answer("EM")}, NOT_MET, id="IN03-isolated-extramedullary"),
    pytest.param("IN03", {"FIRSTREL": answer("no")}, NOT_MET, id="IN03-second-relapse"),
    pytest.param("IN04", {}, MET, id="IN04-no-allo-SCT"),
    pytest.param("IN04", {"PRIALLO": answer("yes")}, NOT_MET, id="IN04-prior-allo-SCT"),
    pytest.param("IN05", {}, MET, id="IN05-no-blinatumomab"),
    pytest.param("IN05", {"PRIBLIN": answer("yes")}, NOT_MET, id="IN05-prior-blinatumomab"),
    # creatinine: the band of the age at assessment, the column of the sex
    pytest.param("IN06", {"birth": born(14), "CREAT": lab("1.45", "mg/dL")}, NOT_MET, id="IN06-girl-14-at-1.45"),
    pytest.param("IN06", {"birth": born(14), "sex": "M", "CREAT": lab("1.45", "mg/dL")}, MET, id="IN06-boy-14-at-1.45"),
    pytest.param("IN06", {"birth": born(14), "CREAT": lab("1.4", "mg/dL")}, MET, id="IN06-girl-14-at-limit"),
    pytest.param("IN06", {"birth": born(14), "CREAT": lab("123.76", "µmol/L")}, MET, id="IN06-umol-at-limit"),
    pytest.param("IN06", {"birth": born(14), "CREAT": lab("128.2", "µmol/L")}, NOT_MET, id="IN06-umol-above"),
    pytest.param("IN06", {"birth": born(1), "CREAT": lab("0.6", "mg/dL")}, MET, id="IN06-age-1-at-limit"),
    pytest.param("IN06", {"birth": born(1), "CREAT": lab("0.7", "mg/dL")}, NOT_MET, id="IN06-age-1-above"),
    pytest.param("IN06", {"birth": born(5), "CREAT": lab("0.81", "mg/dL")}, NOT_MET, id="IN06-age-5-above"),
    pytest.param("IN06", {"birth": turning(6), "CREAT": lab("0.9", "mg/dL")}, MET, id="IN06-sixth-birthday"),
    pytest.param("IN06", {"birth": born(12), "CREAT": lab("1.3", "mg/dL")}, NOT_MET, id="IN06-age-12-above"),
    pytest.param("IN06", {"birth": born(20), "sex": "M", "CREAT": lab("1.7", "mg/dL")}, MET, id="IN06-man-20"),
    pytest.param("IN06", {"birth": born(20), "CREAT": lab("1.7", "mg/dL")}, NOT_MET, id="IN06-woman-20"),
    pytest.param("IN07", {"BILDIR": lab("2.9", "mg/dL")}, MET, id="IN07-below"),
    pytest.param("IN07", {"BILDIR": lab("3.0", "mg/dL")}, NOT_MET, id="IN07-at-limit"),
    pytest.param("IN07", {"BILDIR": lab("50", "µmol/L")}, MET, id="IN07-umol-below"),
    pytest.param("IN07", {"BILDIR": lab("51.3", "µmol/L")}, NOT_MET, id="IN07-umol-at-limit"),
    # either-or: one echo value that passes is enough
    pytest.param("IN08", {"SF": lab("20", "%"), "LVEF": lab("55", "%")}, MET, id="IN08-SF-fails-EF-passes"),
    pytest.param("IN08", {"SF": lab("27", "%"), "LVEF": DROP}, MET, id="IN08-SF-at-limit-alone"),
    pytest.param("IN08", {"SF": lab("26", "%"), "LVEF": lab("49", "%")}, NOT_MET, id="IN08-both-fail"),
    pytest.param("IN08", {"SF": lab("26", "%"), "LVEF": DROP}, MISSING, id="IN08-SF-fails-EF-missing"),
    # Lansky below 16, Karnofsky from the 16th birthday on
    pytest.param("IN09", {"LANSKY": lab("60", "%"), "KARNOF": DROP}, MET, id="IN09-Lansky-at-limit"),
    pytest.param("IN09", {"LANSKY": lab("50", "%")}, NOT_MET, id="IN09-Lansky-below"),
    pytest.param("IN09", {"birth": turning(16), "LANSKY": lab("50", "%"), "KARNOF": lab("70", "%")}, MET,
                 id="IN09-16th-birthday-Karnofsky"),
    pytest.param("IN09", {"birth": turning(16) + timedelta(days=1), "LANSKY": lab("50", "%"),
                          "KARNOF": lab("70", "%")}, NOT_MET, id="IN09-day-before-16th-birthday-Lansky"),
    pytest.param("IN09", {"birth": born(18), "LANSKY": lab("90", "%"), "KARNOF": lab("50", "%")}, NOT_MET,
                 id="IN09-Karnofsky-below"),
    pytest.param("IN09", {"birth": born(18), "KARNOF": DROP}, MISSING, id="IN09-Karnofsky-missing-at-18"),
    pytest.param("IN10", {"LIFEEXP": lab("12", "months")}, MET, id="IN10-12-months"),
    pytest.param("IN10", {"LIFEEXP": lab("1", "years")}, MET, id="IN10-1-year"),
    pytest.param("IN10", {"LIFEEXP": lab("11", "months")}, NOT_MET, id="IN10-11-months"),
    pytest.param("IN10", {"LIFEEXP": lab("0.5", "years")}, NOT_MET, id="IN10-half-a-year"),
    pytest.param("EX01", {"DIAG": answer("MATB")}, MET, id="EX01-Burkitt"),
    pytest.param("EX01", {}, NOT_MET, id="EX01-precursor-B"),
    pytest.param("EX02", {"PHPOS": answer("yes")}, MET, id="EX02-Ph-positive"),
    pytest.param("EX02", {}, NOT_MET, id="EX02-Ph-negative"),
    pytest.param("EX03", {"CD19": answer("NEG")}, MET, id="EX03-B-ALL-CD19-negative"),
    pytest.param("EX03", {}, NOT_MET, id="EX03-B-ALL-CD19-positive"),
    pytest.param("EX03", {"DIAG": answer("TALL"), "CD19": DROP}, NOT_MET, id="EX03-T-ALL-needs-no-CD19"),
    pytest.param("EX03", {"CD19": DROP}, MISSING, id="EX03-B-ALL-CD19-missing"),
    pytest.param("EX05", {"DIAG": answer("MPAL")}, MET, id="EX05-mixed-phenotype"),
    pytest.param("EX05", {}, NOT_MET, id="EX05-B-ALL"),
    pytest.param("EX06", {"SYNDROME": answer("DOWN")}, MET, id="EX06-Down"),
    pytest.param("EX06", {"SYNDROME": answer("SHWACHMA")}, MET, id="EX06-Shwachman"),
    pytest.param("EX06", {}, NOT_MET, id="EX06-none"),
    pytest.param("EX07", {"HIV": answer("yes")}, MET, id="EX07-HIV"),
    pytest.param("EX07", {}, NOT_MET, id="EX07-no-HIV"),
    pytest.param("EX08", {"PREG": answer("POS")}, MET, id="EX08-pregnant"),
    pytest.param("EX08", {"PREG": answer("UNK")}, MET, id="EX08-not-excluded"),
    pytest.param("EX08", {}, NOT_MET, id="EX08-negative"),
    pytest.param("EX08", {"sex": "M"}, NOT_APPLICABLE, id="EX08-boy"),
]


def test_the_base_values_make_an_eligible_participant():
    assert overall(CODE, BASE).decision is Decision.eligible
    assert overall(CODE, {**BASE, "CREAT": lab("1.3", "mg/dL")}).decision is Decision.not_eligible


def test_the_creatinine_reason_names_the_limit_for_the_sex_and_age():
    girl = result(CODE, "IN06", BASE, {"CREAT": lab("1.45", "mg/dL")}, birth=born(14))
    boy = result(CODE, "IN06", BASE, {"CREAT": lab("1.45", "mg/dL")}, birth=born(14), sex="M")
    assert "≤ 1.4 mg/dL" in girl.reason and "girl" in girl.reason and "14" in girl.reason
    assert "≤ 1.5 mg/dL" in boy.reason and "boy" in boy.reason


def test_a_value_in_micromoles_is_converted_and_shown_both_ways():
    found = result(CODE, "IN06", BASE, {"CREAT": lab("132.6", "µmol/L")}, birth=born(14))
    assert found.state is NOT_MET
    assert "132.6 µmol/L = 1.5 mg/dL" in found.reason


def test_the_16th_birthday_switches_to_karnofsky_and_says_so():
    on_birthday = result(CODE, "IN09", BASE, {"LANSKY": lab("50", "%"), "KARNOF": lab("70", "%")},
                         birth=turning(16))
    assert "Karnofsky" in on_birthday.reason and "aged 16" in on_birthday.reason
    day_before = result(CODE, "IN09", BASE, {"LANSKY": lab("50", "%"), "KARNOF": lab("70", "%")},
                        birth=turning(16) + timedelta(days=1))
    assert "Lansky" in day_before.reason and "aged 15" in day_before.reason


@pytest.mark.parametrize(("item", "criterion", "days", "expected"), [
    ("CREAT", "IN06", 14, MET), ("CREAT", "IN06", 15, MISSING),
    ("BILDIR", "IN07", 14, MET), ("BILDIR", "IN07", 15, MISSING),
    ("LANSKY", "IN09", 14, MET), ("LANSKY", "IN09", 15, MISSING),
])
def test_a_lab_counts_up_to_the_edge_of_its_window(item, criterion, days, expected):
    value = BASE[item]
    found = result(CODE, criterion, BASE, {item: lab(value.value, value.unit, days)})
    assert found.state is expected
    if expected is MISSING:
        assert "more than 14 days before assessment" in found.reason and "measure it again" in found.reason


def test_an_echo_one_day_outside_its_window_is_missing_and_the_other_decides():
    stale = {"SF": lab("34", "%", 29), "LVEF": lab("62", "%", 28)}
    assert result(CODE, "IN08", BASE, stale).state is MET  # EF at the 28-day edge still counts
    both = result(CODE, "IN08", BASE, {"SF": lab("34", "%", 29), "LVEF": lab("62", "%", 29)})
    assert both.state is MISSING and "more than 28 days" in both.reason


def test_a_lab_dated_after_the_assessment_is_missing_with_the_reason():
    found = result(CODE, "IN07", BASE, {"BILDIR": lab("0.4", "mg/dL", -1)})
    assert found.state is MISSING and "after assessment" in found.reason


def test_a_value_not_recorded_is_missing_and_the_verdict_incomplete():
    found = result(CODE, "IN07", BASE, {"BILDIR": DROP})
    assert found.state is MISSING and "Direct bilirubin is not recorded" in found.reason
    verdict = overall(CODE, {**BASE, "BILDIR": None})
    assert verdict.decision is Decision.incomplete and verdict.missing == ("IN07",)


def test_a_lab_without_its_date_is_missing():
    found = result(CODE, "IN07", BASE, {"BILDIR": Observation("0.4", "mg/dL")})
    assert found.state is MISSING and "date it was measured" in found.reason


# Risk groups at end of induction: late B-ALL marrow relapse with low MRD and an M1 marrow is Standard.
RISK = {
    "DIAG": answer("BALL"), "RELSITE": answer("BM"), "RELDAT": dated(14), "EOTDAT": dated(14 + 400),
    "EOIMRD": lab("0.005", "%"), "EOIBM": answer("M1"),
}
ONE_YEAR_BEFORE_RELAPSE = RELAPSE.replace(year=RELAPSE.year - 1)


def risk_group(changes: dict) -> str | None:
    definition = study(CODE)
    assert definition.risk is not None
    found = compute(definition.risk, facts(CODE, {**RISK, **changes}))
    assert found.version == definition.risk.version
    return found.group.code if found.group else None


@pytest.mark.parametrize(("changes", "expected"), [
    pytest.param({}, "STANDARD", id="late-low-MRD-M1"),
    pytest.param({"RELSITE": answer("COMB")}, "STANDARD", id="late-combined"),
    pytest.param({"EOIMRD": lab("0.00005", "fraction")}, "STANDARD", id="MRD-as-fraction"),
    pytest.param({"EOTDAT": Observation(ONE_YEAR_BEFORE_RELAPSE.isoformat())}, "STANDARD", id="exactly-one-year"),
    pytest.param({"EOTDAT": Observation((ONE_YEAR_BEFORE_RELAPSE + timedelta(days=1)).isoformat())}, "HIGH",
                 id="one-day-short-of-a-year"),
    pytest.param({"EOIMRD": lab("0.01", "%")}, "HIGH", id="MRD-at-0.01-percent"),
    pytest.param({"EOTDAT": dated(14 + 200)}, "HIGH", id="early-relapse"),
    pytest.param({"EOTDAT": dated(14 + 200), "EOIMRD": DROP}, "HIGH", id="early-relapse-needs-no-MRD"),
    pytest.param({"DIAG": answer("TALL")}, "HIGH", id="T-ALL-late-low-MRD"),
    pytest.param({"DIAG": answer("TALL"), "EOIBM": answer("M3")}, "HIGH", id="T-ALL-M3-is-not-very-high"),
    pytest.param({"DIAG": answer("TALL"), "EOIBM": DROP, "EOIMRD": DROP, "EOTDAT": DROP}, "HIGH",
                 id="T-ALL-any-timing"),
    pytest.param({"EOIBM": answer("M2")}, "VERY_HIGH", id="M2-before-standard"),
    pytest.param({"EOIBM": answer("M3"), "EOTDAT": dated(14 + 200)}, "VERY_HIGH", id="M3-early"),
    pytest.param({"EOIBM": DROP}, None, id="EOI-marrow-missing"),
    pytest.param({"EOIMRD": DROP}, None, id="late-relapse-MRD-missing"),
    pytest.param({"EOTDAT": DROP}, None, id="end-of-treatment-missing"),
    pytest.param({"RELSITE": answer("EM")}, None, id="isolated-extramedullary-matches-no-group"),
])
def test_risk_group(changes, expected):
    assert risk_group(changes) == expected


def test_a_missing_input_leaves_the_group_not_determined_with_the_reason():
    definition = study(CODE)
    found = compute(definition.risk, facts(CODE, {**RISK, "EOIBM": None}))
    assert found.group is None and found.label == "Not determined"
    assert "cannot decide yet" in found.explanation and "Bone marrow status at end of induction" in found.explanation


def test_a_changed_input_changes_the_group():
    assert risk_group({}) == "STANDARD"
    assert risk_group({"EOIMRD": lab("0.02", "%")}) == "HIGH"
    assert risk_group({"EOIMRD": lab("0.02", "%"), "EOIBM": answer("M2")}) == "VERY_HIGH"


def test_the_risk_items_are_eligibility_items():
    definition = study(CODE)
    assert set(definition.risk.items) <= set(definition.items)
    assert [group.code for group in definition.risk.groups] == ["VERY_HIGH", "STANDARD", "HIGH"]
