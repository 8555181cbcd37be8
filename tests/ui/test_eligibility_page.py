"""The eligibility page, driven as a coordinator does: values typed and chosen, criteria turning met or not met
with the reason in words, refusals beside the field at fault, the investigator's confirmation, and enrollment."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from coordinator.consent import service as consent
from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.entry import ValueInput
from coordinator.participants.queries import get_participant
from coordinator.participants.register import Registration, register
from tests.consenting import sign_all
from tests.enrolling import make_eligible
from tests.ui.driving import (
    choose,
    click_button,
    click_row,
    open_eligibility,
    open_participant,
    retype,
    select_study,
    type_into,
    wait_for,
)
from ui.criteria_model import COLUMNS
from ui.enroll_dialog import EnrollDialog

TODAY = date(2026, 11, 21)


def cell(page, criterion: str, column: str) -> str:
    """What the checklist shows for a criterion in a column."""
    model = page.model
    return model.index(model.row_of(criterion), COLUMNS.index(column)).data()


def open_page(qtbot, window, study: str, code: str):
    select_study(qtbot, window, study)
    participant = open_participant(qtbot, window, code)
    return participant, open_eligibility(qtbot, participant)


def record(qtbot, page) -> None:
    qtbot.mouseClick(page.entry.record_button, Qt.MouseButton.LeftButton)


def select(qtbot, page, criterion: str) -> None:
    click_row(qtbot, page.table, page.model.row_of(criterion))


def recorded(workspace, code: str, key: str):
    return next(v.observation for v in eligibility.assessment(workspace.ctx, code).values if v.key == key)


@pytest.fixture
def elit(workspace) -> str:
    return register(workspace.ctx, Registration("ELIT-AML01", 1, date(1975, 4, 2), "M", "Jean", "Roux",
                                                date(2026, 11, 1))).code


@pytest.fixture
def relall(workspace) -> str:
    return register(workspace.ctx, Registration("REL-ALL", 1, date(2014, 6, 1), "M", "Minjun", "Kim",
                                                date(2026, 11, 1))).code


def test_the_checklist_shows_every_criterion_with_its_verdict_in_words(qtbot, people, window):
    participant, page = open_page(qtbot, window, "MILA", people["Chloé"])
    ids = [page.model.index(row, 0).data() for row in range(page.model.rowCount())]
    assert ids == ["IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "EX01", "EX02", "EX03"]
    assert cell(page, "IN01", "category") == "Inclusion" and cell(page, "EX01", "category") == "Exclusion"
    assert cell(page, "IN01", "verdict") == "? Missing"
    assert cell(page, "IN01", "reason") == "applies to Acute leukemia only: record Cohort first"
    assert cell(page, "IN03", "values") == "Consent: not complete"
    assert cell(page, "IN04", "values") == "Answer: not recorded"
    text = "Child undergoing orthopedic surgery exposing the bone marrow (osteotomy of the pelvis)"
    row = page.model.row_of("IN06")
    assert page.model.index(row, COLUMNS.index("criterion")).data(Qt.ItemDataRole.ToolTipRole) == text
    assert page.banner.verdict.text() == (
        "Incomplete: 11 criteria missing (IN01, IN02, IN03, IN04, IN05, IN06, IN07, IN08, EX01, EX02, EX03)")
    assert page.banner.confirmation.text() == "Not confirmed by an investigator yet."
    assert not page.risk.isVisible()  # MILA has no risk groups
    assert participant.eligibility.text() == "Incomplete: 11 criteria missing · not confirmed"


def test_a_choice_and_a_yes_no_turn_criteria_met_and_not_met(qtbot, people, window, workspace):
    participant, page = open_page(qtbot, window, "MILA", people["Chloé"])
    select(qtbot, page, "IN01")  # applies to one group only: the form asks for the cohort first
    assert page.entry.target.currentData() == "COHORT"
    choose(qtbot, page.entry.choice, "Child with acute leukemia at diagnosis (AL)")
    with qtbot.waitSignal(page.changed):
        record(qtbot, page)
    assert cell(page, "IN01", "reason") == "Diagnosis is not recorded"
    assert cell(page, "IN06", "verdict") == "– Not applicable"
    assert cell(page, "IN06", "reason") == "applies to Control only"

    select(qtbot, page, "IN01")
    assert page.entry.target.currentData() == "DIAG"
    choose(qtbot, page.entry.choice, "B-lineage acute lymphoblastic leukemia (ALLB)")
    type_into(qtbot, page.entry.source, "Myelogram report")
    record(qtbot, page)
    assert cell(page, "IN01", "verdict") == "✔ Met"
    assert cell(page, "IN01", "values") == "Diagnosis: B-lineage acute lymphoblastic leukemia"
    assert cell(page, "IN01", "reason").startswith(
        "Diagnosis: B-lineage acute lymphoblastic leukemia (criterion: B-lineage")
    assert page.entry.recorded.text() == "Recorded: B-lineage acute lymphoblastic leukemia · source: Myelogram report"

    select(qtbot, page, "EX02")
    assert page.entry.target.currentData() == "RELAPSE"
    choose(qtbot, page.entry.yes_no, "Yes")
    record(qtbot, page)
    assert cell(page, "EX02", "verdict") == "✘ Met"  # an exclusion that is met excludes
    assert cell(page, "EX02", "reason") == "Relapsed leukemia: yes (criterion: yes)"
    assert page.banner.verdict.text() == "Not eligible: EX02"

    select(qtbot, page, "EX01")  # no rule: the coordinator answers yes or no, with the source
    assert page.entry.target.currentData() == "EX01"
    choose(qtbot, page.entry.yes_no, "No")
    type_into(qtbot, page.entry.source, "Anesthesia consultation")
    record(qtbot, page)
    assert cell(page, "EX01", "verdict") == "✔ Not met"
    assert cell(page, "EX01", "reason") == "answered no (source: Anesthesia consultation)"
    assert participant.eligibility.text().startswith("Not eligible: EX02 · not confirmed")
    assert recorded(workspace, people["Chloé"], "DIAG").source == "Myelogram report"


def test_a_lab_value_in_another_unit_is_converted_and_compared(qtbot, window, relall):
    _participant, page = open_page(qtbot, window, "REL-ALL", relall)
    select(qtbot, page, "IN06")
    entry = page.entry
    assert entry.target.currentData() == "CREAT"
    assert [entry.unit.itemText(i) for i in range(entry.unit.count())] == ["mg/dL", "µmol/L"]
    type_into(qtbot, entry.number, "75")
    retype(qtbot, entry.unit.lineEdit(), "umol/l")
    type_into(qtbot, entry.measured_on, "2026-11-15")
    type_into(qtbot, entry.source, "Laboratory report")
    record(qtbot, page)
    assert cell(page, "IN06", "values") == "Serum creatinine: 75 µmol/L, measured 2026-11-15"
    assert cell(page, "IN06", "verdict") == "✔ Met"
    assert cell(page, "IN06", "reason") == (
        "Serum creatinine 75 µmol/L = 0.8484 mg/dL; criterion ≤ 1.2 mg/dL, the limit for a boy or man aged 12")
    retype(qtbot, entry.number, "150")
    type_into(qtbot, entry.reason, "repeated, haemolysed sample")
    record(qtbot, page)
    assert cell(page, "IN06", "verdict") == "✘ Not met"
    assert page.banner.verdict.text() == "Not eligible: IN06"


def test_a_number_decides_its_criterion_and_a_change_needs_a_reason(qtbot, window, workspace, elit):
    _participant, page = open_page(qtbot, window, "ELIT-AML01", elit)
    select(qtbot, page, "EX01")
    entry = page.entry
    assert entry.target.currentData() == "AGVHD"
    assert entry.unit.currentText() == "grade"
    assert not entry.reason.isVisible()  # nothing recorded yet: nothing to give a reason for
    type_into(qtbot, entry.number, "1")
    type_into(qtbot, entry.source, "Medical record")
    qtbot.keyClick(entry.source, Qt.Key.Key_Return)  # Enter records, as the form's default button
    assert cell(page, "EX01", "verdict") == "✔ Not met"
    assert cell(page, "EX01", "reason") == "Highest grade of acute GvHD so far (0 if none) 1 grade; criterion ≥ 2 grade"

    retype(qtbot, entry.number, "2")
    assert entry.reason.isVisible()
    record(qtbot, page)
    message = entry.messages.label("reason")
    assert message.isVisible()
    assert message.text() == ("Highest grade of acute GvHD so far (0 if none) is already recorded (1 grade): give a "
                              "reason for the change.")
    assert cell(page, "EX01", "verdict") == "✔ Not met"
    type_into(qtbot, entry.reason, "grade revised at the GvHD review")
    record(qtbot, page)
    assert not message.isVisible()
    assert cell(page, "EX01", "verdict") == "✘ Met"
    assert page.banner.verdict.text() == "Not eligible: EX01"


def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_recorded(qtbot, window, workspace, relall):
    _participant, page = open_page(qtbot, window, "REL-ALL", relall)
    select(qtbot, page, "IN07")
    entry = page.entry
    assert entry.target.currentData() == "BILDIR"
    type_into(qtbot, entry.number, "high")
    type_into(qtbot, entry.measured_on, "2026-11-15")
    record(qtbot, page)
    assert entry.messages.label("value").isVisible()
    assert entry.messages.label("value").text() == 'Direct bilirubin: "high" is not a number.'

    retype(qtbot, entry.number, "0.4")
    retype(qtbot, entry.unit.lineEdit(), "furlongs")
    record(qtbot, page)
    assert not entry.messages.label("value").isVisible()
    assert entry.messages.label("unit").isVisible()
    assert entry.messages.label("unit").text() == "furlongs is not a unit for Direct bilirubin. Use mg/dL, µmol/L."

    retype(qtbot, entry.unit.lineEdit(), "mg/dL")
    retype(qtbot, entry.measured_on, "2026-11-31")
    record(qtbot, page)
    assert entry.messages.label("date").isVisible()
    assert "is not a date" in entry.messages.label("date").text()
    assert recorded(workspace, relall, "BILDIR") is None
    assert cell(page, "IN07", "verdict") == "? Missing"


def test_confirming_asks_with_the_verdict_then_shows_who_and_when(qtbot, people, window, workspace):
    code = people["Chloé"]
    sign_all(workspace.ctx, code, TODAY)
    eligibility.record(workspace.ctx, code, demo_values("MILA").eligible("AL", TODAY))
    participant, page = open_page(qtbot, window, "MILA", code)
    assert page.banner.verdict.text() == "Eligible"
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    question = wait_for(qtbot, QMessageBox)
    assert question.text().startswith(f"Confirm, as investigator, that {code} is eligible?")
    with qtbot.waitSignal(page.changed):
        click_button(qtbot, question, "Confirm: eligible")
    assert re.fullmatch(r"Confirmed eligible by tester at 2026-11-21 \d\d:\d\d\.", page.banner.confirmation.text())
    assert page.outcome.text() == "Eligibility confirmed: Eligible."
    assert re.fullmatch(r"Eligible · confirmed by tester on 2026-11-21 \d\d:\d\d", participant.eligibility.text())

    select(qtbot, page, "IN01")
    choose(qtbot, page.entry.choice, "T-lineage acute lymphoblastic leukemia (ALLT)")
    type_into(qtbot, page.entry.reason, "phenotype corrected by the reference laboratory")
    record(qtbot, page)
    assert page.banner.confirmation.text().endswith("but values changed since the confirmation: confirm again.")


def test_confirming_with_criteria_missing_shows_the_refusal(qtbot, people, window, workspace):
    code = people["Chloé"]  # every value recorded, but no consent yet: her age at consent is not known
    eligibility.record(workspace.ctx, code, demo_values("MILA").eligible("AL", TODAY))
    _participant, page = open_page(qtbot, window, "MILA", code)
    assert page.banner.verdict.text() == "Incomplete: 1 criterion missing (IN03)"
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert page.outcome.isVisible()
    assert page.outcome.text() == "Eligibility cannot be confirmed while criteria are missing: IN03."
    assert page.banner.confirmation.text() == "Not confirmed by an investigator yet."
    assert not [box for box in page.findChildren(QMessageBox) if box.isVisible()]  # nothing to ask


def test_confirming_not_eligible_names_the_criteria_and_ends_the_screening(qtbot, people, window, workspace):
    code = people["Chloé"]
    sign_all(workspace.ctx, code, TODAY)
    values = demo_values("MILA")
    eligibility.record(workspace.ctx, code, values.eligible("AL", TODAY))
    eligibility.record(workspace.ctx, code, [ValueInput("RELAPSE", "yes")], reason="relapse found in the file")
    participant, page = open_page(qtbot, window, "MILA", code)
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    question = wait_for(qtbot, QMessageBox)
    assert "is not eligible?" in question.text()
    assert "EX02: Patients with relapsed acute lymphoblastic or myeloblastic leukemia" in question.text()
    click_button(qtbot, question, "Confirm: not eligible")
    qtbot.waitUntil(lambda: "Screen failure" in page.situation.text())
    assert re.fullmatch(r"Confirmed not eligible \(EX02\) by tester at .*\.", page.banner.confirmation.text())
    assert not page.enroll_button.isEnabled() and not page.confirm_button.isEnabled()
    assert participant.status.text() == "Screen failure since 2026-11-21"


def test_enrolling_an_unconsented_participant_is_refused_with_the_reason(qtbot, people, window, workspace):
    code = people["Chloé"]
    _participant, page = open_page(qtbot, window, "MILA", code)
    qtbot.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, EnrollDialog)
    assert dialog.arm_note.text() == "It follows from Cohort, which is not recorded yet."
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    message = dialog.messages.label("eligibility")
    assert message.isVisible()
    assert message.text() == (f"{code} cannot be enrolled: an investigator has not confirmed eligibility. "
                              f"Enrollment of {code} is refused: No consent signature is recorded yet.")
    assert dialog.isVisible()
    dialog.reject()
    assert get_participant(workspace.ctx, code).row.status.value == "screening"


def test_enrolling_in_mila_takes_the_arm_from_the_cohort(qtbot, people, window, workspace):
    code = people["Chloé"]
    sign_all(workspace.ctx, code, TODAY)
    make_eligible(workspace.ctx, code, "MILA", "CONTROL", TODAY)
    participant, page = open_page(qtbot, window, "MILA", code)
    qtbot.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, EnrollDialog)
    assert dialog.arm_note.text() == "CONTROL – Control: it follows from Cohort."
    assert dialog.arm is None  # nothing to choose
    type_into(qtbot, dialog.reason, "eligible, consent signed")
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    assert page.outcome.text() == f"{code} is enrolled on 2026-11-21 in arm CONTROL – Control."
    assert "Enrolled since 2026-11-21 · arm CONTROL – Control" in page.situation.text()
    assert not page.enroll_button.isEnabled()
    assert participant.arm.text() == "CONTROL – Control"
    mila = next(window.studies.topLevelItem(i) for i in range(window.studies.topLevelItemCount())
                if window.studies.topLevelItem(i).text(0).startswith("MILA"))
    assert mila.text(1) == "3 / 40"


def test_enrolling_in_elit_draws_the_arm_from_the_sealed_list(qtbot, window, workspace, elit):
    sign_all(workspace.ctx, elit, TODAY)
    make_eligible(workspace.ctx, elit, "ELIT-AML01", None, TODAY)
    participant, page = open_page(qtbot, window, "ELIT-AML01", elit)
    qtbot.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, EnrollDialog)
    assert dialog.arm_note.text().startswith(
        "Drawn from the sealed allocation list of ELIT-AML01 when you enroll (stratified by Donor type).")
    shown = " ".join(label.text() for window_ in (dialog, page) for label in window_.findChildren(QLabel))
    assert "A-DLI" not in shown and "B-NONE" not in shown  # concealed until it is used
    qtbot.mouseClick(dialog.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    arm = get_participant(workspace.ctx, elit).row.arm
    assert arm in ("A-DLI", "B-NONE")
    assert re.fullmatch(
        rf"{elit} is enrolled \(randomized\) on 2026-11-21: arm {arm} – Arm [AB] - [a-z ]+\w+, drawn from the "
        r"sealed allocation list, stratum DONOR=MUD\. The reveal is recorded in the audit trail\.",
        page.outcome.text())
    assert f"arm {arm} –" in page.situation.text()
    assert participant.arm.text().startswith(f"{arm} – ")


def test_the_risk_group_shows_with_its_rule_version(qtbot, window, workspace, relall):
    eligibility.record(workspace.ctx, relall, [
        ValueInput("DIAG", "TALL"), ValueInput("RELSITE", "BM"), ValueInput("EOIBM", "M1")])
    _participant, page = open_page(qtbot, window, "REL-ALL", relall)
    assert page.risk.isVisible()
    assert page.risk.group.text().startswith("Risk group: High risk · rules: REL-ALL risk 1")
    assert page.risk.explanation.text().startswith("Why: Leukemia at relapse (immunophenotype): Precursor T-cell")


def test_after_enrollment_the_criteria_stay_as_they_were_on_the_day(qtbot, people, window, workspace):
    code = people["Hervé"]  # enrolled on 2026-10-08; consent withdrawn since, which would fail IN03 today
    consent.withdraw(workspace.ctx, code, TODAY, "holder1", ["data_use"])
    participant, page = open_page(qtbot, window, "MILA", code)
    assert re.fullmatch(r"Eligible · confirmed by tester on 2026-10-08 \d\d:\d\d", participant.eligibility.text())
    assert page.situation.text().endswith("· arm AL – Acute leukemia · criteria as on 2026-10-08")
    assert page.banner.verdict.text() == "Eligible"
    assert cell(page, "IN03", "verdict") == "✔ Met"
    assert not page.enroll_button.isEnabled()
    assert page.enroll_button.toolTip() == f"{code} is not in screening (Enrolled)."
