"""BLINA-MRD criteria over the real study file: a met and a not-met case for every computable criterion, unit
conversions (/µL and 10^9/L, g/dL and g/L, fraction and %), multiples of the upper limit of normal with and
without the laboratory's limit, lab windows and the wash-outs counted in days."""

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
    dated,
    lab,
    never,
    overall,
    result,
)

CODE = "BLINA-MRD"

BASE = {
    "DIAG": answer("BCP19"), "BMBLAST": lab("1", "%", 7), "BLOCKS": lab("3", "blocks"),
    "MRD": lab("0.001", "fraction", 7), "MRDSENS": lab("0.00001", "fraction"),
    "NEUT": lab("1500", "/µL"), "PLAT": lab("120000", "/µL"), "HGB": lab("10.5", "g/dL"),
    "AST": lab("30", "U/L", uln=40), "ALT": lab("1.2", "xULN"), "ALP": lab("250", "U/L", uln=420),
    "BILI": lab("0.6", "mg/dL", uln=1.2), "CREATCLR": lab("110", "mL/min"),
    "HIV": answer("NEG"), "HBSAG": answer("NEG"), "HCVAB": answer("NEG"), "PREGTEST": answer("NEG"),
    "CHEMODAT": dated(21), "RTDAT": never(), "AUTODAT": never(), "MABDAT": never(), "IPDAT": never(),
    **{code: answer("no") for code in ("EX01", "EX02", "EX03", "EX04", "EX10", "EX11", "EX12")},
}

CASES = [
    pytest.param("IN01", {}, MET, id="IN01-CD19-positive"),
    pytest.param("IN01", {"DIAG": answer("BCPNEG")}, NOT_MET, id="IN01-CD19-negative"),
    pytest.param("IN02", {"birth": born(17, days_past_birthday=364)}, MET, id="IN02-17-at-consent"),
    pytest.param("IN02", {"birth": born(18, days_past_birthday=0)}, NOT_MET, id="IN02-18th-birthday-at-consent"),
    pytest.param("IN02", {"birth": born(18, days_past_birthday=5), "consent": ago(10)}, MET,
                 id="IN02-18-now-but-17-at-consent"),
    pytest.param("IN02", {"consent": None}, MISSING, id="IN02-consent-not-complete"),
    pytest.param("IN03", {"BMBLAST": lab("4.9", "%", 7)}, MET, id="IN03-blasts-below-5"),
    pytest.param("IN03", {"BMBLAST": lab("5", "%", 7)}, NOT_MET, id="IN03-blasts-at-5"),
    pytest.param("IN03", {"BLOCKS": lab("2", "blocks")}, NOT_MET, id="IN03-two-blocks"),
    pytest.param("IN04", {"MRD": lab("0.0001", "fraction", 7)}, MET, id="IN04-MRD-at-1e-4"),
    pytest.param("IN04", {"MRD": lab("0.01", "%", 7)}, MET, id="IN04-MRD-0.01-percent"),
    pytest.param("IN04", {"MRD": lab("0.00009", "fraction", 7)}, NOT_MET, id="IN04-MRD-below"),
    pytest.param("IN04", {"MRD": lab("0.009", "%", 7)}, NOT_MET, id="IN04-MRD-percent-below"),
    pytest.param("IN04", {"MRDSENS": lab("0.001", "%")}, MET, id="IN04-sensitivity-1e-5-in-percent"),
    pytest.param("IN04", {"MRDSENS": lab("0.0001", "fraction")}, NOT_MET, id="IN04-assay-not-sensitive-enough"),
    pytest.param("IN05", {"NEUT": lab("1000", "/µL")}, MET, id="IN05-ANC-at-limit"),
    pytest.param("IN05", {"NEUT": lab("999", "/µL")}, NOT_MET, id="IN05-ANC-below"),
    pytest.param("IN05", {"NEUT": lab("1.0", "10^9/L")}, MET, id="IN05-ANC-giga-at-limit"),
    pytest.param("IN05", {"NEUT": lab("0.9", "10^9/L")}, NOT_MET, id="IN05-ANC-giga-below"),
    pytest.param("IN05", {"PLAT": lab("50", "10^9/L")}, MET, id="IN05-platelets-giga-at-limit"),
    pytest.param("IN05", {"PLAT": lab("49999", "/µL")}, NOT_MET, id="IN05-platelets-below"),
    pytest.param("IN05", {"HGB": lab("90", "g/L")}, MET, id="IN05-Hb-g-per-L-at-limit"),
    pytest.param("IN05", {"HGB": lab("8.9", "g/dL")}, NOT_MET, id="IN05-Hb-below"),
    pytest.param("IN06", {"AST": lab("79", "U/L", uln=40)}, MET, id="IN06-AST-below-2-ULN"),
    pytest.param("IN06", {"AST": lab("80", "U/L", uln=40)}, NOT_MET, id="IN06-AST-at-2-ULN"),
    pytest.param("IN06", {"ALT": lab("2", "xULN")}, NOT_MET, id="IN06-ALT-given-as-2-ULN"),
    pytest.param("IN06", {"ALP": lab("900", "U/L", uln=420)}, NOT_MET, id="IN06-ALP-above"),
    pytest.param("IN06", {"BILI": lab("1.79", "mg/dL", uln=1.2)}, MET, id="IN06-bilirubin-below-1.5-ULN"),
    pytest.param("IN06", {"BILI": lab("1.8", "mg/dL", uln=1.2)}, NOT_MET, id="IN06-bilirubin-at-1.5-ULN"),
    pytest.param("IN06", {"BILI": lab("25", "µmol/L", uln=20.5)}, MET, id="IN06-bilirubin-umol-with-ULN"),
    pytest.param("IN06", {"AST": lab("30", "U/L")}, MISSING, id="IN06-AST-without-ULN"),
    pytest.param("IN06", {"AST": lab("130", "U/L")}, MISSING, id="IN06-AST-high-without-ULN-undecided"),
    pytest.param("IN06", {"CREATCLR": lab("50", "mL/min/1.73m²")}, MET, id="IN06-clearance-at-limit"),
    pytest.param("IN06", {"CREATCLR": lab("49", "mL/min")}, NOT_MET, id="IN06-clearance-below"),
    pytest.param("IN07", {}, MET, id="IN07-all-negative"),
    pytest.param("IN07", {"HBSAG": answer("POS")}, NOT_MET, id="IN07-HBsAg-positive"),
    pytest.param("IN07", {"HIV": answer("POS"), "HCVAB": DROP}, NOT_MET, id="IN07-HIV-positive-decides"),
    pytest.param("IN07", {"HCVAB": DROP}, MISSING, id="IN07-anti-HCV-missing"),
    pytest.param("IN08", {"PREGTEST": answer("NA")}, MET, id="IN08-not-of-childbearing-potential"),
    pytest.param("IN08", {"sex": "M"}, NOT_APPLICABLE, id="IN08-boy"),
    pytest.param("IN08", {"PREGTEST": answer("POS")}, NOT_MET, id="IN08-positive"),
    # wash-outs: an event within N days before the assessment excludes; exactly N days before, it is over
    pytest.param("EX05", {"CHEMODAT": dated(13)}, MET, id="EX05-chemo-13-days"),
    pytest.param("EX05", {"CHEMODAT": dated(14)}, NOT_MET, id="EX05-chemo-exactly-2-weeks"),
    pytest.param("EX05", {"CHEMODAT": dated(0)}, MET, id="EX05-chemo-today"),
    pytest.param("EX05", {"CHEMODAT": never()}, NOT_MET, id="EX05-never"),
    pytest.param("EX05", {"CHEMODAT": DROP}, MISSING, id="EX05-not-recorded"),
    pytest.param("EX06", {"RTDAT": dated(27)}, MET, id="EX06-radiotherapy-27-days"),
    pytest.param("EX06", {"RTDAT": dated(28)}, NOT_MET, id="EX06-radiotherapy-exactly-4-weeks"),
    pytest.param("EX07", {"AUTODAT": dated(41)}, MET, id="EX07-auto-HSCT-41-days"),
    pytest.param("EX07", {"AUTODAT": dated(42)}, NOT_MET, id="EX07-auto-HSCT-exactly-6-weeks"),
    pytest.param("EX08", {"MABDAT": dated(27)}, MET, id="EX08-antibody-27-days"),
    pytest.param("EX08", {"MABDAT": dated(28)}, NOT_MET, id="EX08-antibody-exactly-4-weeks"),
    pytest.param("EX09", {"IPDAT": dated(27)}, MET, id="EX09-investigational-27-days"),
    pytest.param("EX09", {"IPDAT": dated(28)}, NOT_MET, id="EX09-investigational-exactly-4-weeks"),
    pytest.param("EX09", {}, NOT_MET, id="EX09-never"),
]


def test_the_base_values_make_an_eligible_participant():
    assert overall(CODE, BASE).decision is Decision.eligible
    failed = overall(CODE, {**BASE, "CHEMODAT": dated(5)})
    assert failed.decision is Decision.not_eligible and failed.failing == ("EX05",)


def test_a_multiple_of_the_uln_needs_the_laboratory_limit_and_says_so():
    without = result(CODE, "IN06", BASE, {"AST": lab("30", "U/L")})
    assert "upper limit of normal is not recorded" in without.reason
    given = result(CODE, "IN06", BASE, {"AST": lab("1.9", "xULN")})
    assert given.state is MET


def test_a_conversion_is_shown_in_the_reason():
    found = result(CODE, "IN05", BASE, {"NEUT": lab("0.9", "10^9/L")})
    assert "0.9 10^9/L = 900 /µL" in found.reason and "≥ 1000 /µL" in found.reason


def test_the_wash_out_reason_counts_the_days():
    found = result(CODE, "EX06", BASE, {"RTDAT": dated(27)})
    assert "27 days before assessment (wash-out 28 days)" in found.reason


@pytest.mark.parametrize(("item", "criterion", "days", "window", "expected"), [
    ("NEUT", "IN05", 14, 14, MET), ("NEUT", "IN05", 15, 14, MISSING),
    ("AST", "IN06", 14, 14, MET), ("AST", "IN06", 15, 14, MISSING),
    ("MRD", "IN04", 28, 28, MET), ("MRD", "IN04", 29, 28, MISSING),
    ("BMBLAST", "IN03", 28, 28, MET), ("BMBLAST", "IN03", 29, 28, MISSING),
])
def test_a_lab_counts_up_to_the_edge_of_its_window(item, criterion, days, window, expected):
    value = BASE[item]
    found = result(CODE, criterion, BASE, {item: lab(value.value, value.unit, days, value.uln)})
    assert found.state is expected
    if expected is MISSING:
        assert f"more than {window} days before assessment" in found.reason


def test_a_lab_dated_after_the_assessment_is_missing():
    found = result(CODE, "IN05", BASE, {"HGB": lab("10.5", "g/dL", -2)})
    assert found.state is MISSING and "after assessment" in found.reason
