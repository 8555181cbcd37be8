"""Screening, enrollment, risk groups, the screening log and the allocation report, as a user runs them.

The commands run in-process with the real clock (as a user would), so every date here is relative to today.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from coordinator.context import Context
from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.register import Registration, register
from coordinator.participants.status import change_status
from coordinator.workspace import open_workspace
from tests.accounts import TESTER, act_as
from tests.consenting import sign_all
from tests.e2e.commands import ok, refused

TODAY = date.today()
REGISTERED = (TODAY - timedelta(days=20)).isoformat()


def years_ago(years: int) -> str:
    """A birth date `years` full years and some months before today (never a birthday this week)."""
    return (TODAY.replace(year=TODAY.year - years, day=1) - timedelta(days=120)).isoformat()


def day(days_before: int) -> str:
    return (TODAY - timedelta(days=days_before)).isoformat()


@pytest.fixture
def ctx(tester_db: Path) -> Iterator[Context]:
    """The same database the commands use, on the same (real) clock, for what has no command yet."""
    opened = open_workspace(str(tester_db))
    act_as(opened.ctx, TESTER)
    yield opened.ctx
    opened.ctx.engine.dispose()


def new(ctx: Context, study: str, birth: str, sex: str = "M", first: str | None = None) -> str:
    return register(ctx, Registration(study, 1, birth, sex, first, "Lefèvre" if first else None, REGISTERED)).code




def checked(run, code: str) -> dict:
    return json.loads(ok(run, "eligibility", "check", code, "--json"))


def by_id(assessment: dict) -> dict[str, dict]:
    return {criterion["id"]: criterion for criterion in assessment["criteria"]}


def history(run, code: str) -> list[dict]:
    return json.loads(ok(run, "show", code, "--json"))["history"]


def snapshot(run, code: str) -> tuple:
    """Everything a refused command must leave as it was: criteria, values, confirmation, status, audit (but the
    export log, which the JSON read here adds to)."""
    shown = json.loads(ok(run, "show", code, "--json"))
    assessment = checked(run, code)
    return assessment["criteria"], assessment["values"], assessment["confirmation"], shown["status"], \
        shown["arm"], len([line for line in shown["history"] if line["table"] != "export"])


def make_eligible(ctx: Context, code: str, study: str, arm: str | None = None) -> None:
    eligibility.record(ctx, code, demo_values(study).eligible(arm, TODAY))


# --- eligibility record ------------------------------------------------------------------------------------------


def test_record_one_value_converts_its_unit_and_shows_the_criteria(run, ctx):
    child = new(ctx, "REL-ALL", years_ago(10))
    out = ok(run, "eligibility", "record", child, "--criterion", "CREAT", "--value", "88", "--unit", "umol/l",
             "--date", day(2), "--source", "Laboratory report")
    assert "Serum creatinine 88 µmol/L = 0.9955 mg/dL; criterion ≤ 1.2 mg/dL, the limit for a boy or man aged 10" \
        in out
    assert out.splitlines()[1].split() == ["ID", "CATEGORY", "STAGE", "STATE", "RESULT", "REASON"]
    assessment = checked(run, child)
    assert by_id(assessment)["IN06"]["state"] == "met" and by_id(assessment)["IN06"]["ok"] is True
    [value] = assessment["values"]
    assert value == {"item": "CREAT", "label": "Serum creatinine", "value": "88", "unit": "µmol/L", "uln": None,
                     "measured_on": day(2), "source": "Laboratory report"}


def test_record_several_values_in_one_go_each_group_with_its_own_options(run, ctx):
    child = new(ctx, "REL-ALL", years_ago(10))
    out = ok(run, "eligibility", "record", child,
             "--criterion", "BILDIR", "--value", "5", "--unit", "µmol/L", "--date", day(3),
             "--criterion", "SF", "--value", "34", "--date", day(5), "--source", "Echocardiography report",
             "--criterion", "LVEF", "--value", "41", "--unit", "%", "--date", day(5),
             "--criterion", "IN10", "--value", "2", "--unit", "years",  # a criterion stands for its only item
             "--criterion", "IN11", "--value", "yes", "--source", "Investigator interview", "--json")
    assessment = json.loads(out)
    values = {value["item"]: value for value in assessment["values"]}
    assert sorted(values) == ["BILDIR", "IN11", "LIFEEXP", "LVEF", "SF"]
    assert (values["BILDIR"]["unit"], values["BILDIR"]["measured_on"]) == ("µmol/L", day(3))
    assert (values["SF"]["unit"], values["SF"]["source"]) == ("%", "Echocardiography report")
    assert values["LVEF"]["source"] is None  # the source of SF does not leak into the next group
    assert (values["LIFEEXP"]["value"], values["LIFEEXP"]["unit"]) == ("2", "years")
    criteria = by_id(assessment)
    assert criteria["IN07"]["state"] == "met" and "= 0.2924 mg/dL" in criteria["IN07"]["reason"]
    assert criteria["IN08"]["state"] == "met"  # shortening fraction ≥ 27 % is enough, whatever the EF
    assert criteria["IN10"]["state"] == "met" and "2 years = 24 months" in criteria["IN10"]["reason"]
    assert criteria["IN11"]["reason"] == "answered yes (source: Investigator interview)"
    assert assessment["verdict"]["decision"] == "incomplete"


def test_record_a_lab_with_the_laboratorys_upper_limit_of_normal(run, ctx):
    child = new(ctx, "BLINA-MRD", years_ago(8))
    assessment = json.loads(ok(
        run, "eligibility", "record", child,
        "--criterion", "AST", "--value", "90", "--unit", "U/L", "--uln", "40", "--date", day(2),
        "--criterion", "ALT", "--value", "1.2", "--unit", "xULN", "--date", day(2), "--json"))
    values = {value["item"]: value for value in assessment["values"]}
    assert (values["AST"]["uln"], values["ALT"]["uln"], values["ALT"]["unit"]) == (40, None, "xULN")
    reasons = " ".join(c["reason"] for c in assessment["criteria"])
    assert "Aspartate aminotransferase (AST) 90 U/L = 2.25 xULN; criterion < 2 xULN" in reasons
    err = refused(run, "eligibility", "record", child, "--criterion", "ALT", "--value", "1.1", "--unit", "xULN",
                  "--uln", "40", "--date", day(1), "--reason", "new sample")
    assert "A value given as a multiple of the upper limit of normal needs no limit." in err


def test_a_correction_needs_a_reason(run, ctx):
    child = new(ctx, "REL-ALL", years_ago(10))
    ok(run, "eligibility", "record", child, "--criterion", "CREAT", "--value", "0.5", "--date", day(2))
    before = snapshot(run, child)
    err = refused(run, "eligibility", "record", child, "--criterion", "CREAT", "--value", "1.9", "--date", day(1))
    assert "Serum creatinine is already recorded (0.5 mg/dL): give a reason for the change." in err
    assert snapshot(run, child) == before
    ok(run, "eligibility", "record", child, "--criterion", "CREAT", "--value", "1.9", "--date", day(1),
       "--reason", "lab re-run: haemolysed sample")
    assessment = checked(run, child)
    assert by_id(assessment)["IN06"]["state"] == "not met" and assessment["verdict"]["failing"] == ["IN06"]
    change = next(line for line in history(run, child) if line["field"] == "value" and line["action"] == "update")
    assert (change["old"], change["new"], change["reason"]) == ("0.5", "1.9", "lab re-run: haemolysed sample")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--value", "3"), "--value belongs to a criterion: give --criterion ID before it"),
        (("--criterion", "AGVHD", "--value", "1", "--value", "2"), "--value is given twice for --criterion AGVHD"),
        (("--criterion", "AGVHD"), "--criterion AGVHD needs --value"),
        ((), "the following arguments are required: --criterion"),
        (("--criterion", "NOPE", "--value", "1"), "ELIT-AML01 has no criterion or item NOPE"),
        (("--criterion", "AGVHD", "--value", "1", "--criterion", "AGVHD", "--value", "0"), "AGVHD is given twice"),
    ],
)
def test_record_usage_mistakes_are_one_line_and_exit_2(run, ctx, arguments, message):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    err = refused(run, "eligibility", "record", adult, *arguments)
    assert message in err
    assert checked(run, adult)["values"] == []


# --- eligibility check -------------------------------------------------------------------------------------------


def test_check_lays_out_every_criterion_the_verdict_and_the_confirmation(run, ctx):
    child = new(ctx, "MILA", years_ago(9))
    ok(run, "eligibility", "record", child, "--criterion", "COHORT", "--value", "AL",
       "--criterion", "DIAG", "--value", "ALLB", "--source", "Myelogram report")
    out = ok(run, "eligibility", "check", child)
    lines = out.splitlines()
    assert lines[0] == f"{child} (MILA, Screening): criteria as of {TODAY.isoformat()}"
    header = lines[1]
    assert header.split() == ["ID", "CATEGORY", "STAGE", "STATE", "RESULT", "REASON"]
    rows = {line.split()[0]: line for line in lines[2:13]}
    assert list(rows) == ["IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "EX01", "EX02", "EX03"]
    assert all(line.index("enrollment") == header.index("STAGE") for line in rows.values())  # aligned
    assert "Met" in rows["IN01"] and "B-lineage acute lymphoblastic leukemia" in rows["IN01"]
    assert "Not applicable" in rows["IN06"] and "applies to Control only" in rows["IN06"]
    assert "Missing" in rows["IN03"] and "consent is not complete yet" in rows["IN03"]
    assert "Verdict (enrollment): Incomplete: criteria missing (IN02, IN03, IN04, IN05, EX01, EX02, EX03)" in out
    assert "Confirmation: not confirmed yet" in out

    assessment = checked(run, child)
    assert assessment["code"] == child and assessment["status"] == "screening"
    assert {c["state"] for c in assessment["criteria"]} == {"met", "missing", "not applicable"}
    assert by_id(assessment)["EX02"] == {
        "id": "EX02", "category": "exclusion", "stage": "enrollment", "ok": None, "state": "missing",
        "text": "Patients with relapsed acute lymphoblastic or myeloblastic leukemia",
        "reason": "Relapsed leukemia is not recorded"}
    assert assessment["confirmation"] is None


def test_check_gives_a_verdict_per_stage(run, ctx):
    child = new(ctx, "NK-HSCT", years_ago(8))
    out = ok(run, "eligibility", "check", child)
    assert "Verdict (enrollment): Incomplete" in out and "Verdict (infusion): Incomplete" in out
    assert set(checked(run, child)["verdicts"]) == {"enrollment", "infusion"}


# --- eligibility confirm -----------------------------------------------------------------------------------------


def test_confirm_eligible_then_the_confirmation_shows_in_check(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    out = ok(run, "eligibility", "confirm", adult)
    assert out.startswith(f"{adult}: eligible, confirmed by ") and f"coordinator enroll {adult}" in out
    confirmation = checked(run, adult)["confirmation"]
    assert confirmation["decision"] == "eligible" and confirmation["current"] is True
    assert "Confirmation: Eligible, by " in ok(run, "eligibility", "check", adult)
    assert "(still current)" in ok(run, "eligibility", "check", adult)


def test_confirm_not_eligible_ends_screening_with_the_criteria(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    ok(run, "eligibility", "record", adult, "--criterion", "AGVHD", "--value", "2", "--reason", "grade revised")
    out = ok(run, "eligibility", "confirm", adult)
    assert f"{adult}: not eligible" in out and "Screening ended: Screen failure." in out
    assert "  EX01  Highest grade of acute GvHD so far (0 if none) 2 grade; criterion ≥ 2 grade" in out
    assert json.loads(ok(run, "show", adult, "--json"))["status"] == "screen failure"
    err = refused(run, "eligibility", "confirm", adult)
    assert "is not in screening (Screen failure)" in err


def test_confirm_json(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    ok(run, "eligibility", "record", adult, "--criterion", "DONOR", "--value", "CORD", "--reason", "cord blood")
    result = json.loads(ok(run, "eligibility", "confirm", adult, "--json"))
    assert result["decision"] == "not eligible" and result["status"] == "screen failure"
    assert [c["id"] for c in result["criteria_not_met"]] == ["IN05"]
    assert "Cord blood" in result["criteria_not_met"][0]["reason"]


# --- enroll ------------------------------------------------------------------------------------------------------


def test_enroll_mila_takes_the_arm_from_the_cohort(run, ctx):
    child = new(ctx, "MILA", years_ago(9))
    make_eligible(ctx, child, "MILA", "CONTROL")
    err = refused(run, "enroll", child)
    assert "an investigator has not confirmed eligibility" in err  # not even consent is checked before
    sign_all(ctx, child, TODAY)
    ok(run, "eligibility", "confirm", child)
    before = snapshot(run, child)
    err = refused(run, "enroll", child, "--arm", "AL")
    assert "The arm follows from the recorded values: CONTROL, not AL." in err
    assert snapshot(run, child) == before
    out = ok(run, "enroll", child, "--reason", "eligible, consent complete")
    assert out == f"{child} enrolled on {TODAY.isoformat()}: arm CONTROL (Control).\n"
    shown = json.loads(ok(run, "show", child, "--json"))
    assert (shown["status"], shown["arm"], shown["enrolled_on"]) == ("enrolled", "CONTROL", TODAY.isoformat())


def test_enroll_elit_randomizes_and_refuses_a_chosen_arm(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    ok(run, "eligibility", "confirm", adult)
    before = snapshot(run, adult)
    for arm in ("A-DLI", "B-NONE"):
        err = refused(run, "enroll", adult, "--arm", arm)
        assert "ELIT-AML01 is randomized: the arm comes from its sealed allocation list" in err
    assert snapshot(run, adult) == before
    assert json.loads(ok(run, "allocation", "report", "--study", "ELIT-AML01", "--json"))["used"] == []

    done = json.loads(ok(run, "enroll", adult, "--json"))
    assert done["arm"] in ("A-DLI", "B-NONE") and done["stratum"] == "DONOR=MUD"
    assert done["arm_label"].startswith(("Arm A", "Arm B")) and done["enrolled_on"] == TODAY.isoformat()
    err = refused(run, "enroll", adult)
    assert "is not in screening (Enrolled)" in err


def test_enroll_prints_the_stratum_of_a_randomized_study(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    ok(run, "eligibility", "confirm", adult)
    lines = ok(run, "enroll", adult, "--date", TODAY.isoformat()).splitlines()
    assert lines[0].startswith(f"{adult} enrolled on {TODAY.isoformat()}: arm ")
    assert lines[1] == "Randomized in stratum DONOR=MUD."


# --- allocation report | verify ----------------------------------------------------------------------------------


def test_the_allocation_report_shows_used_allocations_only_and_verify_checks_the_seed(run, ctx, db_file):
    adults = [new(ctx, "ELIT-AML01", years_ago(40 + n)) for n in range(3)]
    for adult in adults:
        sign_all(ctx, adult, TODAY)
        make_eligible(ctx, adult, "ELIT-AML01")
        ok(run, "eligibility", "confirm", adult)
        ok(run, "enroll", adult)
    report = json.loads(ok(run, "allocation", "report", "--study", "ELIT-AML01", "--json"))
    assert [used["participant"] for used in report["used"]] == adults
    assert {used["stratum"] for used in report["used"]} == {"DONOR=MUD"}
    assert report["ratio"] == {"A-DLI": 1, "B-NONE": 1} and report["block_sizes"] == [2, 4]
    assert report["strata_factors"] == ["DONOR"] and report["balanced"] is True
    mud = next(c for c in report["counts"] if c["stratum"] == "DONOR=MUD")
    assert sum(mud["arms"].values()) == 3
    assert "seed" not in json.dumps(report).lower()
    text = ok(run, "allocation", "report", "--study", "ELIT-AML01")
    assert "Allocations used (3), in the order revealed:" in text and adults[0] in text
    assert "Balance: every stratum within half the largest block." in text

    assert ok(run, "allocation", "verify", "--study", "ELIT-AML01").startswith(
        "The stored allocation list of ELIT-AML01 is the one its seed gives")
    with sqlite3.connect(db_file) as connection:  # someone edits the file behind the program's back
        connection.execute("DROP TRIGGER allocation_sealed")
        connection.execute("UPDATE allocation SET arm_code = CASE arm_code WHEN 'A-DLI' THEN 'B-NONE' "
                           "ELSE 'A-DLI' END WHERE participant_id IS NULL AND sequence = 10")
    connection.close()
    code, out, _err = run("allocation", "verify", "--study", "ELIT-AML01")
    assert code == 1 and "does NOT match" in out
    assert json.loads(run("allocation", "verify", "--study", "ELIT-AML01", "--json")[1]) == {
        "study": "ELIT-AML01", "matches": False}


def test_a_study_without_randomization_has_no_allocation_list(run):
    err = refused(run, "allocation", "report", "--study", "MILA")
    assert "MILA has no allocation list" in err
    assert "Unknown study NOPE" in refused(run, "allocation", "verify", "--study", "NOPE")


# --- risk ----------------------------------------------------------------------------------------------------------


def test_risk_of_rel_all_follows_its_values(run, ctx):
    child = new(ctx, "REL-ALL", years_ago(10))
    out = ok(run, "risk", child)
    assert out.startswith(f"{child}: Not determined, rules version REL-ALL risk 1") and "cannot decide yet" in out
    make_eligible(ctx, child, "REL-ALL")
    result = json.loads(ok(run, "risk", child, "--json"))
    assert (result["group"], result["label"]) == ("HIGH", "High risk")
    assert result["rule_version"].startswith("REL-ALL risk 1") and result["explanation"]
    ok(run, "eligibility", "record", child, "--criterion", "EOIBM", "--value", "M2", "--reason", "marrow re-read")
    out = ok(run, "risk", child)
    assert out.startswith(f"{child}: Very high risk (VERY_HIGH), rules version REL-ALL risk 1")
    assert "Why: Bone marrow status at end of induction: M2" in out
    changes = [(line["action"], line["old"], line["new"]) for line in history(run, child)
               if line["table"] == "risk_assessment" and line["field"] == "risk_group"]
    assert changes == [("update", "HIGH", "VERY_HIGH"), ("insert", None, "HIGH")]  # newest first


def test_a_study_without_risk_groups_says_so(run, ctx):
    child = new(ctx, "MILA", years_ago(9))
    assert "MILA has no risk groups in its study file" in refused(run, "risk", child)


# --- screening log -----------------------------------------------------------------------------------------------


@pytest.fixture
def mila_log(run, ctx) -> dict[str, str]:
    """Five MILA children: enrolled, a screen failure, one eligible not yet enrolled, one still screening,
    one withdrawn before enrollment."""
    people = {role: new(ctx, "MILA", years_ago(9), first=first) for role, first in (
        ("enrolled", "Hervé"), ("failure", "Zoé"), ("eligible", "Chloé"), ("screening", "Inès"),
        ("withdrawn", "Noé"))}
    for role in ("enrolled", "failure", "eligible"):
        sign_all(ctx, people[role], TODAY)
        make_eligible(ctx, people[role], "MILA", "AL")
    eligibility.record(ctx, people["failure"], demo_values("MILA").failure(TODAY), reason="no social security")
    for role in ("enrolled", "failure", "eligible"):
        ok(run, "eligibility", "confirm", people[role])
    ok(run, "enroll", people["enrolled"])
    change_status(ctx, people["withdrawn"], Move(Status.withdrawn, TODAY), "parents withdrew")
    return people


def test_the_screening_log_counts_like_consort(run, mila_log):
    log = json.loads(ok(run, "screening-log", "--study", "MILA", "--json"))
    assert log["counts"] == {"screened": 5, "in_screening": 2, "eligible": 2, "enrolled": 1, "screen_failures": 1,
                             "withdrawn_before_enrollment": 1}
    assert log["reasons"] == [{"criterion": "IN05", "category": "inclusion", "count": 1,
                               "text": "Affiliated patient or beneficiary of a social security scheme"}]
    assert [arm["enrolled"] for arm in log["arms"]] == [1, 0]
    entries = {entry["code"]: entry for entry in log["entries"]}
    assert list(entries) == sorted(mila_log.values())
    failure = entries[mila_log["failure"]]
    assert (failure["status"], failure["decision"], failure["criteria_not_met"]) == (
        "screen failure", "not eligible", ["IN05"])
    enrolled = entries[mila_log["enrolled"]]
    assert (enrolled["arm"], enrolled["enrolled_on"], enrolled["decision"]) == ("AL", TODAY.isoformat(), "eligible")
    assert entries[mila_log["screening"]]["decision"] is None
    for name in ("Hervé", "Zoé", "Lefèvre"):  # pseudonymous
        assert name not in json.dumps(log, ensure_ascii=False)

    text = ok(run, "screening-log", "--study", "MILA")
    counted = {line[:30].strip(): line[30:].strip() for line in text.splitlines()[2:10]}
    assert counted == {"Screened (registered)": "5", "Screen failures": "1", "Withdrawn before enrollment": "1",
                       "Still in screening": "2", "Confirmed eligible": "2", "Enrolled": "1",
                       "AL – Acute leukemia": "1/–", "CONTROL – Control": "0/–"}, text
    assert "Screen failures by reason" in text
    assert "IN05" in text and "Affiliated patient or beneficiary of a social security scheme" in text
    assert "AL – Acute leukemia" in text and "1/–" in text


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def test_the_screening_log_pdf_reads_back(run, mila_log, tmp_path):
    out = tmp_path / "logs" / "screening-MILA.pdf"
    assert ok(run, "screening-log", "--study", "MILA", "--out", str(out)) == f"Screening log written: {out}\n"
    text = text_of(out)
    for expected in ("Screening log", "MILA – Study of the Medullary Microenvironment", "NCT05792007",
                     "Screened (registered) 5", "Screen failures (not eligible) 1", "Withdrawn before enrollment 1",
                     "Still in screening 2", "Confirmed eligible by an investigator 2", "Enrolled 1",
                     "IN05 Inclusion Affiliated patient or beneficiary of a social security scheme 1",
                     "Participants (5)", *mila_log.values(), "Not eligible", "page 1 of 1"):
        assert expected in text, expected
    for name in ("Hervé", "Zoé", "Lefèvre"):
        assert name not in text
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left
    if subprocess.run(["which", "pdffonts"], capture_output=True).returncode == 0:
        fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
        assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts
    assert json.loads(ok(run, "screening-log", "--study", "MILA", "--out", str(out), "--json")) == {"pdf": str(out)}


def test_a_long_screening_log_repeats_its_header_and_numbers_its_pages(run, ctx, tmp_path):
    for _n in range(60):
        new(ctx, "ELIT-AML01", years_ago(50))
    out = tmp_path / "elit.pdf"
    ok(run, "screening-log", "--study", "ELIT-AML01", "--out", str(out))
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(out).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
        assert "Code Site Registered Status Eligibility" in page


def test_screening_log_refusals(run, tmp_path):
    assert "Unknown study NOPE. Known studies: BLINA-MRD" in refused(run, "screening-log", "--study", "NOPE")
    assert "must end in .pdf" in refused(run, "screening-log", "--study", "MILA", "--out", str(tmp_path / "x.txt"))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    err = refused(run, "screening-log", "--study", "MILA", "--out", str(blocker / "log.pdf"), exit_code=1)
    assert f"The PDF could not be written to {blocker / 'log.pdf'}" in err
    assert "the following arguments are required: --study" in refused(run, "screening-log")


# --- bad input from the issue: refused with the reason, nothing changes --------------------------------------------


def test_a_value_in_an_unknown_unit(run, ctx):
    child = new(ctx, "REL-ALL", years_ago(10))
    ok(run, "eligibility", "record", child, "--criterion", "PRIBLIN", "--value", "no")
    before = snapshot(run, child)
    err = refused(run, "eligibility", "record", child, "--criterion", "PRIALLO", "--value", "no",
                  "--criterion", "CREAT", "--value", "88", "--unit", "mmol/L", "--date", day(1))
    assert "mmol/L is not a unit for Serum creatinine. Use mg/dL, µmol/L." in err
    assert snapshot(run, child) == before  # PRIALLO, valid on its own, was not stored either


def test_a_lab_dated_after_the_reference_event(run, ctx):
    child = new(ctx, "NK-HSCT", years_ago(8))
    ok(run, "eligibility", "record", child, "--criterion", "INFDAT", "--value", day(3))
    before = snapshot(run, child)
    err = refused(run, "eligibility", "record", child, "--criterion", "DONOR", "--value", "URD",
                  "--criterion", "NEUT", "--value", "1500", "--unit", "/µL", "--date", day(1))
    assert f"Neutrophils is dated {day(1)}, after date of nk-cell infusion ({day(3)})" in err
    assert snapshot(run, child) == before
    ok(run, "eligibility", "record", child, "--criterion", "NEUT", "--value", "1500", "--unit", "/uL", "--date",
       day(4))
    assert "1500 /µL = 1.5 10^9/L" in by_id(checked(run, child))["EX02"]["reason"]


def test_enrolling_an_unconsented_participant(run, ctx):
    child = new(ctx, "MILA", years_ago(9))
    make_eligible(ctx, child, "MILA", "AL")
    before = snapshot(run, child)
    err = refused(run, "eligibility", "confirm", child)  # the age criterion is taken at consent
    assert "criteria are missing: IN03" in err
    assert "has not confirmed eligibility" in refused(run, "enroll", child)
    assert snapshot(run, child) == before

    sign_all(ctx, child, TODAY)
    ok(run, "eligibility", "confirm", child)
    ok(run, "consent", "withdraw", child, "--scope", "data_use", "--date", TODAY.isoformat(), "--by", "holder1")
    before = snapshot(run, child)
    err = refused(run, "enroll", child)
    assert f"Enrollment of {child} is refused" in err
    assert snapshot(run, child) == before


def test_enrolling_an_ineligible_participant(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    ok(run, "eligibility", "record", adult, "--criterion", "EX05", "--value", "yes", "--reason", "graft failure")
    before = snapshot(run, adult)
    err = refused(run, "enroll", adult)
    assert "an investigator has not confirmed eligibility" in err
    assert snapshot(run, adult) == before
    assert json.loads(ok(run, "allocation", "report", "--study", "ELIT-AML01", "--json"))["used"] == []


def test_enrolling_after_the_values_changed_since_the_confirmation(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    sign_all(ctx, adult, TODAY)
    make_eligible(ctx, adult, "ELIT-AML01")
    ok(run, "eligibility", "confirm", adult)
    ok(run, "eligibility", "record", adult, "--criterion", "GRAFT", "--value", "BM", "--reason", "corrected")
    assert "values changed since: confirm again" in ok(run, "eligibility", "check", adult)
    before = snapshot(run, adult)
    assert "values changed after eligibility was confirmed" in refused(run, "enroll", adult)
    assert snapshot(run, adult) == before


def test_confirming_eligibility_with_missing_criteria(run, ctx):
    adult = new(ctx, "ELIT-AML01", years_ago(50))
    ok(run, "eligibility", "record", adult, "--criterion", "DONOR", "--value", "MUD")
    before = snapshot(run, adult)
    err = refused(run, "eligibility", "confirm", adult)
    assert "Eligibility cannot be confirmed while criteria are missing: IN01, IN02, IN03, IN04" in err
    assert snapshot(run, adult) == before


def test_the_command_line_still_does_not_load_qt():
    probe = ("import sys; from coordinator.cli import main, eligibility_commands; "
             "from coordinator.documents import screening_log; "
             "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'ui'))))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
