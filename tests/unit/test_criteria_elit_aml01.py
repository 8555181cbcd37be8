"""ELIT-AML01 criteria over the real study file: a met and a not-met case for every computable criterion."""

import pytest

from coordinator.eligibility.criteria import Decision
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
)

CODE = "ELIT-AML01"

BASE = {
    "DISSTAT": answer("CR"), "DONOR": answer("MUD"), "GRAFT": answer("PBSC"), "CSA": answer("yes"),
    "AGVHD": lab("0", "grade"), "HSCTDAT": dated(40),
    **{code: answer("yes") for code in ("IN03", "IN04")},
    **{code: answer("no") for code in ("EX02", "EX03", "EX04", "EX05", "EX06")},
    "birth": born(45),
}

CASES = [
    pytest.param("IN01", {}, MET, id="IN01-complete-remission"),
    pytest.param("IN01", {"DISSTAT": answer("NOCR")}, NOT_MET, id="IN01-not-in-remission"),
    pytest.param("IN02", {"birth": born(18, days_past_birthday=0)}, MET, id="IN02-18th-birthday"),
    pytest.param("IN02", {"birth": born(18, days_past_birthday=-1)}, NOT_MET, id="IN02-aged-17"),
    pytest.param("IN02", {"birth": born(70, days_past_birthday=364)}, MET, id="IN02-aged-70"),
    pytest.param("IN02", {"birth": born(71, days_past_birthday=0)}, NOT_MET, id="IN02-71st-birthday"),
    pytest.param("IN02", {"birth": born(71, days_past_birthday=5), "consent": ago(10)}, MET,
                 id="IN02-70-at-consent-71-now"),
    pytest.param("IN02", {"consent": None}, MISSING, id="IN02-consent-not-complete"),
    pytest.param("IN05", {"DONOR": answer("HAPLO")}, MET, id="IN05-haploidentical"),
    pytest.param("IN05", {"DONOR": answer("CORD")}, NOT_MET, id="IN05-cord-blood"),
    pytest.param("IN06", {"GRAFT": answer("BM")}, MET, id="IN06-bone-marrow"),
    pytest.param("IN06", {"GRAFT": answer("MANIP")}, NOT_MET, id="IN06-manipulated"),
    pytest.param("IN07", {}, MET, id="IN07-cyclosporin"),
    pytest.param("IN07", {"CSA": answer("no")}, NOT_MET, id="IN07-no-cyclosporin"),
    pytest.param("EX01", {"AGVHD": lab("2", "grade")}, MET, id="EX01-grade-2"),
    pytest.param("EX01", {"AGVHD": lab("4", "grade")}, MET, id="EX01-grade-4"),
    pytest.param("EX01", {"AGVHD": lab("1", "grade")}, NOT_MET, id="EX01-grade-1"),
    pytest.param("EX01", {"AGVHD": DROP}, MISSING, id="EX01-not-recorded"),
]


def test_the_base_values_make_an_eligible_participant():
    values = {key: value for key, value in BASE.items() if key != "birth"}
    assert overall(CODE, values, birth=BASE["birth"]).decision is Decision.eligible
    failed = overall(CODE, {**values, "AGVHD": lab("3", "grade")}, birth=BASE["birth"])
    assert failed.decision is Decision.not_eligible and failed.failing == ("EX01",)
