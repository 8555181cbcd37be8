"""Screening through the services: values recorded and corrected with their audit, the investigator's
confirmation, and the enrollment gates (eligibility, consent, arm from the design)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from coordinator.assignment.enrollment import enroll
from coordinator.audit.history import participant_history
from coordinator.consent import service as consent
from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.entry import ValueInput
from coordinator.eligibility.rules import State
from coordinator.errors import InputError, RuleViolation
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import get_participant
from coordinator.participants.register import Registration, register
from db.tables import Allocation, AuditEntry, EligibilityConfirmation, ScreeningValue
from tests.consenting import sign_all
from tests.enrolling import enroll_on, make_eligible, on_day

A = AuditEntry.__table__
TODAY = date(2026, 11, 21)


def count(workspace, table) -> int:
    with workspace.ctx.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table.__table__)).scalar_one()


def state_of(assessment, criterion: str) -> State:
    return next(r.state for r in assessment.results if r.criterion.id == criterion)


@pytest.fixture
def elit(workspace) -> str:
    return register(workspace.ctx, Registration("ELIT-AML01", 1, "1975-04-02", "M", registered_on="2026-11-01")).code


def test_a_recorded_value_decides_its_criterion_and_is_audited(workspace, elit):
    ctx = workspace.ctx
    before = eligibility.assessment(ctx, elit)
    assert state_of(before, "EX01") is State.missing
    after = eligibility.record(ctx, elit, [ValueInput("EX01", "1", source="Medical record")])
    assert state_of(after, "EX01") is State.not_met  # grade 1 is not grade 2 to 4: does not exclude
    after = eligibility.record(ctx, elit, [ValueInput("AGVHD", "2")], reason="grade revised at review")
    assert state_of(after, "EX01") is State.met
    assert after.verdict.decision is Decision.not_eligible and after.verdict.failing == ("EX01",)
    with workspace.ctx.engine.connect() as connection:
        change = connection.execute(select(A.c.old_value, A.c.new_value, A.c.reason, A.c.actor).where(
            (A.c.table_name == "screening_value") & (A.c.field == "value") & (A.c.action == "update"))).one()
    assert tuple(change) == ("1", "2", "grade revised at review", "tester")
    history = participant_history(ctx, elit)
    assert [(line.item, line.old, line.new) for line in history if line.field == "value"
            and line.action == "update"] == [("AGVHD", "1", "2")]


def test_a_correction_needs_a_reason_and_a_bad_entry_keeps_the_others_out(workspace, elit):
    ctx = workspace.ctx
    eligibility.record(ctx, elit, [ValueInput("DONOR", "MUD")])
    with pytest.raises(InputError, match="give a reason") as refused:
        eligibility.record(ctx, elit, [ValueInput("DONOR", "MSD")])
    assert refused.value.field == "reason"
    stored = count(workspace, ScreeningValue)
    with pytest.raises(InputError, match="not one of the choices") as refused:
        eligibility.record(ctx, elit, [ValueInput("GRAFT", "PBSC"), ValueInput("DISSTAT", "partial")])
    assert refused.value.field == "value"
    assert count(workspace, ScreeningValue) == stored  # GRAFT was not stored either
    with pytest.raises(InputError, match="grade"):
        eligibility.record(ctx, elit, [ValueInput("AGVHD", "2", unit="mg/dL")])
    with pytest.raises(InputError, match="cannot be above 4"):
        eligibility.record(ctx, elit, [ValueInput("AGVHD", "7")])


def test_confirming_with_criteria_missing_is_refused(workspace, elit):
    eligibility.record(workspace.ctx, elit, [ValueInput("DONOR", "MUD")])
    with pytest.raises(RuleViolation, match="criteria are missing: IN01"):
        eligibility.confirm(workspace.ctx, elit)
    assert count(workspace, EligibilityConfirmation) == 0


def test_a_confirmation_goes_stale_when_a_value_it_read_changes(workspace, elit):
    ctx = workspace.ctx
    sign_all(ctx, elit, TODAY)  # the age criterion is taken at consent
    make_eligible(ctx, elit, "ELIT-AML01", None, TODAY)
    confirmation = eligibility.assessment(ctx, elit).confirmation
    assert confirmation.decision is Decision.eligible and confirmation.current and confirmation.by == "tester"
    eligibility.record(ctx, elit, [ValueInput("GRAFT", "BM")], reason="graft source corrected")
    assert not eligibility.assessment(ctx, elit).confirmation.current
    with pytest.raises(RuleViolation, match="values changed after eligibility was confirmed"):
        enroll(ctx, elit)
    assert get_participant(ctx, elit).row.status is Status.screening


def test_a_not_eligible_confirmation_ends_screening_with_the_criteria(workspace, elit):
    ctx = workspace.ctx
    values = [v for v in demo_values("ELIT-AML01").eligible(None, TODAY) if v.target != "DONOR"]
    values.append(ValueInput("DONOR", "CORD"))
    eligibility.record(ctx, elit, values)
    result = eligibility.confirm(ctx, elit)
    assert result.confirmation.decision is Decision.not_eligible and result.confirmation.criteria_not_met == ("IN05",)
    row = get_participant(ctx, elit).row
    assert row.status is Status.screen_failure
    with pytest.raises(RuleViolation, match="not in screening"):
        eligibility.confirm(ctx, elit)


def test_enrolling_needs_confirmed_eligibility_and_complete_consent(workspace, elit):
    ctx = workspace.ctx
    with pytest.raises(RuleViolation, match="has not confirmed eligibility"):
        enroll(ctx, elit)
    sign_all(ctx, elit, TODAY)
    make_eligible(ctx, elit, "ELIT-AML01", None, TODAY)
    with pytest.raises(RuleViolation, match="randomized"):
        enroll(ctx, elit, arm="A-DLI")
    assert get_participant(ctx, elit).row.status is Status.screening
    with workspace.ctx.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Allocation.__table__).where(
            Allocation.__table__.c.participant_id.is_not(None))).scalar_one() == 0
    enrolled = enroll(ctx, elit)
    assert enrolled.arm in ("A-DLI", "B-NONE") and enrolled.stratum == "DONOR=MUD"
    assert get_participant(ctx, elit).row.arm == enrolled.arm
    with pytest.raises(RuleViolation, match="not in screening"):
        enroll(ctx, elit)


def test_withdrawn_consent_refuses_enrollment_after_confirmation(workspace, elit):
    ctx = workspace.ctx
    sign_all(ctx, elit, TODAY)
    make_eligible(ctx, elit, "ELIT-AML01", None, TODAY)
    consent.withdraw(ctx, elit, TODAY, "participant", ["data_use"])
    with pytest.raises(RuleViolation, match=r"Enrollment of .* is refused"):
        enroll(ctx, elit)
    assert get_participant(ctx, elit).row.status is Status.screening


def test_the_mila_arm_follows_from_the_cohort(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2016-01-10", "F", registered_on="2026-11-01")).code
    sign_all(ctx, code, TODAY)
    make_eligible(ctx, code, "MILA", "CONTROL", TODAY)
    with pytest.raises(RuleViolation, match="CONTROL, not AL"):
        enroll(ctx, code, arm="AL")
    assert enroll(on_day(ctx, TODAY), code).arm == "CONTROL"


def test_a_lab_dated_after_a_reference_given_in_the_same_batch_is_refused(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("NK-HSCT", 1, "2015-05-01", "F", registered_on="2026-10-01")).code
    with pytest.raises(InputError, match="after date of nk-cell infusion") as refused:
        eligibility.record(ctx, code, [ValueInput("INFDAT", "2026-11-10"),
                                       ValueInput("NEUT", "0.8", measured_on="2026-11-12")])
    assert refused.value.field == "date"
    assert count(workspace, ScreeningValue) == 0


def test_recording_the_same_value_again_changes_nothing(workspace, elit):
    ctx = workspace.ctx
    eligibility.record(ctx, elit, [ValueInput("DONOR", "MUD", source="Transplant record")])
    audited = count(workspace, AuditEntry)
    eligibility.record(ctx, elit, [ValueInput("DONOR", "mud", source="Transplant record")])
    assert count(workspace, AuditEntry) == audited


@pytest.mark.parametrize(("typed", "message"), [
    ("1,250", "could be read two ways: write 1250 or 1.250"),
    ("1,250.5", "without the thousands separator: 1250.5"),
])
def test_a_number_with_a_thousands_comma_is_refused_not_guessed(workspace, elit, typed, message):
    with pytest.raises(InputError, match=message):
        eligibility.record(workspace.ctx, elit, [ValueInput("AGVHD", typed)])
    assert count(workspace, ScreeningValue) == 0


def test_a_confirmation_is_refused_when_the_verdict_changed_since_it_was_shown(workspace, elit):
    ctx = workspace.ctx
    sign_all(ctx, elit, TODAY)
    eligibility.record(ctx, elit, demo_values("ELIT-AML01").eligible(None, TODAY))
    eligibility.record(ctx, elit, [ValueInput("AGVHD", "3")], reason="another user's correction")
    with pytest.raises(RuleViolation, match="it is now Not eligible"):
        eligibility.confirm(ctx, elit, Decision.eligible)
    assert count(workspace, EligibilityConfirmation) == 0
    assert get_participant(ctx, elit).row.status is Status.screening


def test_the_age_at_consent_is_taken_when_consent_became_complete_not_at_a_later_optional_signature(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2010-11-21", "F", registered_on="2026-11-01")).code
    sign_all(ctx, code, date(2026, 11, 20))  # both holders and the investigator: complete at 15
    before = state_of(eligibility.assessment(ctx, code), "IN03")
    consent.sign(ctx, code, consent.SignatureInput("assent", "Chloé Martin", date(2026, 11, 21), assent="given"))
    after = eligibility.assessment(ctx, code)
    assert before is State.met and state_of(after, "IN03") is State.met
    assert "2026-11-20" in next(r.reason for r in after.results if r.criterion.id == "IN03")


def test_an_arm_chosen_for_a_randomized_study_is_refused_first(workspace, elit):
    with pytest.raises(RuleViolation, match=r"^ELIT-AML01 is randomized"):
        enroll(workspace.ctx, elit, arm="A-DLI")


def test_enrollment_cannot_be_dated_before_the_confirmation(workspace, elit):
    ctx = workspace.ctx
    sign_all(ctx, elit, date(2026, 11, 10))
    make_eligible(ctx, elit, "ELIT-AML01", None, TODAY)
    with pytest.raises(RuleViolation, match="before eligibility was confirmed"):
        enroll(ctx, elit, on="2026-11-20")
    assert get_participant(ctx, elit).row.status is Status.screening


def test_a_value_in_a_unit_the_study_file_no_longer_accepts_is_missing_not_a_crash(workspace):
    from coordinator.eligibility.rules import Facts, Observation, evaluate
    from coordinator.studies.rule_schema import Comparison, Item, ItemKind, ValueRule
    item = Item(id="BILDIR", label="Direct bilirubin", kind=ItemKind.number, unit="mg/dL")
    facts = Facts(date(2015, 1, 1), "F", TODAY, None, {"BILDIR": Observation("5", "µmol/L", measured_on=TODAY)},
                  {"BILDIR": item})
    outcome = evaluate(ValueRule(value=Comparison(item="BILDIR", op="<", limit=3, unit="mg/dL")), facts)
    assert outcome.state is State.missing and "no longer accepts" in outcome.reason


def test_no_value_is_recorded_once_consent_to_use_data_is_withdrawn(workspace, elit):
    ctx = workspace.ctx
    sign_all(ctx, elit, TODAY)
    consent.withdraw(ctx, elit, TODAY, "participant", ["data_use"])
    with pytest.raises(RuleViolation, match=r"Data use of .* is refused"):
        eligibility.record(ctx, elit, [ValueInput("DONOR", "MUD")])
    assert count(workspace, ScreeningValue) == 0


def test_after_enrollment_the_criteria_are_judged_on_the_enrollment_day(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2016-01-10", "F", registered_on="2026-10-01")).code
    enroll_on(ctx, code, "MILA", "AL", date(2026, 10, 5))
    consent.withdraw(ctx, code, TODAY, "holder1", ["data_use"])  # consent no longer complete today
    found = eligibility.assessment(ctx, code)
    assert found.decided_on == date(2026, 10, 5) and found.verdict.decision is Decision.eligible
    assert eligibility.assessment(ctx, code, TODAY).verdict.decision is Decision.incomplete
