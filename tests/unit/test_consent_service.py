"""Recording consent through the service: signatures checked, nothing saved on a refusal, gates, audit."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import func, select

from coordinator.assignment.enrollment import enroll
from coordinator.audit.history import participant_history
from coordinator.consent import service as consent
from coordinator.consent import todo
from coordinator.consent.service import Action, SignatureInput
from coordinator.consent.status import Scope, State
from coordinator.errors import InputError, RuleViolation
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import ParticipantQuery, find_ids, get_participant
from coordinator.participants.register import Registration, register
from coordinator.paths import studies_dir
from coordinator.workspace import open_workspace
from db.tables import ConsentSignature, ConsentSigner, ConsentWithdrawal
from tests.accounts import TESTER, act_as
from tests.consenting import sign_all
from tests.enrolling import make_eligible, on_day


@pytest.fixture
def child(workspace) -> str:
    """A MILA child of 10 (born 2016-01-10), registered 2026-10-01."""
    return register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "M", "Hervé", "Lefèvre",
                                                "2026-10-01")).code


def saved_rows(workspace) -> tuple[int, int, int]:
    with workspace.ctx.engine.connect() as connection:
        return tuple(connection.execute(select(func.count()).select_from(table)).scalar_one()
                     for table in (ConsentSignature, ConsentSigner, ConsentWithdrawal))


def sign(workspace, code: str, role: str, name: str, on: str = "2026-10-02", **extra) -> consent.ConsentStatus:
    return consent.sign(workspace.ctx, code, SignatureInput(role, name, on, **extra))


def test_signatures_build_up_to_a_complete_consent(workspace, child):
    assert sign(workspace, child, "holder1", "Claire Lefèvre", relationship="mother").missing == [
        "Consent of the second holder of parental authority is missing",
        "Signature of the investigator who obtained consent is missing"]
    sign(workspace, child, "holder2", "Marc Lefèvre", relationship="father")
    result = sign(workspace, child, "investigator", "Dr Nadia Roux", witness="Paul Témoin")
    assert result.state is State.complete
    records = consent.signatures_of(workspace.ctx, child)
    assert [(r.role.value, r.name, r.version, r.obtained_by) for r in records] == [
        ("holder1", "Claire Lefèvre", "1.0", "tester"), ("holder2", "Marc Lefèvre", "1.0", "tester"),
        ("investigator", "Dr Nadia Roux", "1.0", "tester")]
    assert records[2].witness == "Paul Témoin"


def test_signatures_are_audited_and_names_stay_on_the_identity_side(workspace, child):
    sign(workspace, child, "holder1", "Claire Lefèvre")
    audited = {(line.table, line.field): line.new for line in participant_history(workspace.ctx, child)}
    assert audited[("consent_signature", "role")] == "holder1"
    assert audited[("consent_signature", "document_version")] == "1.0"
    assert audited[("consent_signer", "name")] == "Claire Lefèvre"
    assert "name" not in ConsentSignature.__table__.c


@pytest.mark.parametrize(("given", "message"), [
    (dict(role="holder1", name="Claire", on="2026-11-22"), "in the future"),
    (dict(role="holder1", name="Claire", on="2015-06-01", document_version="1.0"), "before the participant's birth"),
    (dict(role="holder1", name="Claire", on="2023-02-01"), "No consent document of MILA is in effect"),
    (dict(role="holder1", name="Claire", on="2023-02-01", document_version="1.0"), "takes effect on 2023-03-01"),
    (dict(role="participant", name="Hervé"), "does not ask for the signature of the participant"),
    (dict(role="assent", name="Hervé", assent="maybe"), "given or refused"),
    (dict(role="holder1", name="Claire", document_version="9"), "no consent document version 9"),
    (dict(role="holder1", name="Claire", exception="sole_holder"), "Name the document"),
    (dict(role="holder1", name="Claire", exception="l1122_2", conditions=("minimal_risk",)),
     "not confirmed: not_healthy_volunteer, other_holder_unreachable"),
    (dict(role="holder2", name="Marc", exception="sole_holder", exception_document="judgment"), "first holder"),
    (dict(role="nurse", name="X"), "Unknown role nurse"),
    (dict(role="holder1", name="  "), "name is required"),
])
def test_bad_signatures_are_refused_and_nothing_is_saved(workspace, child, given, message):
    on = given.pop("on", "2026-10-02")
    with pytest.raises(InputError, match=message):
        sign(workspace, child, on=on, **given)
    assert saved_rows(workspace) == (0, 0, 0)


def test_the_same_person_cannot_sign_as_both_holders(workspace, child):
    sign(workspace, child, "holder1", "Claire Lefèvre")
    with pytest.raises(RuleViolation, match="both holders"):
        sign(workspace, child, "holder2", "claire lefevre")
    assert saved_rows(workspace)[0] == 1


def test_assent_below_the_study_assent_age_is_refused(workspace):
    code = register(workspace.ctx, Registration("MILA", 1, "2021-01-10", "F", registered_on="2026-10-01")).code
    with pytest.raises(RuleViolation, match="from 7 years"):
        sign(workspace, code, "assent", "Zoé", assent="given")
    assert saved_rows(workspace) == (0, 0, 0)


def test_a_sole_holder_of_parental_authority_is_enough_with_the_document_named(workspace, child):
    sign(workspace, child, "holder1", "Claire Lefèvre", exception="sole_holder",
         exception_document="Jugement du juge aux affaires familiales, 2020-03-02")
    assert sign(workspace, child, "investigator", "Dr Nadia Roux").state is State.complete
    assert consent.signatures_of(workspace.ctx, child)[0].exception_detail.startswith("Jugement")


def test_the_three_l1122_2_conditions_confirmed_allow_one_holder(workspace, child):
    sign(workspace, child, "holder1", "Claire Lefèvre", exception="l1122_2",
         conditions=("minimal_risk", "not_healthy_volunteer", "other_holder_unreachable"))
    assert sign(workspace, child, "investigator", "Dr Nadia Roux").state is State.complete


def test_enrollment_is_refused_until_consent_is_complete(workspace, child):
    then = on_day(workspace.ctx, date(2026, 10, 5))
    sign(workspace, child, "holder1", "Claire Lefèvre")
    with pytest.raises(RuleViolation, match="Consent of the second holder of parental authority is missing"):
        enroll(then, child)
    sign(workspace, child, "holder2", "Marc Lefèvre")
    sign(workspace, child, "investigator", "Dr Nadia Roux")
    make_eligible(workspace.ctx, child, "MILA", "AL", date(2026, 10, 5))
    assert enroll(then, child).arm == "AL"


def test_a_refused_assent_blocks_enrollment(workspace, child):
    sign_all(workspace.ctx, child, date(2026, 10, 2))
    make_eligible(workspace.ctx, child, "MILA", "AL", date(2026, 10, 2))
    sign(workspace, child, "assent", "Hervé Lefèvre", assent="refused")
    with pytest.raises(RuleViolation, match="refused assent on 2026-10-02; a refusal is binding"):
        enroll(on_day(workspace.ctx, date(2026, 10, 5)), child)


def test_the_nl_band_of_twelve_to_fifteen_needs_both_parents_and_the_child(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("NK-HSCT", 1, "2013-05-01", "F", registered_on="2026-10-01")).code
    assert [role.value for role in consent.required_roles(ctx, code, date(2026, 10, 2))[0]] == [
        "holder1", "holder2", "participant", "investigator"]
    sign_all(ctx, code, date(2026, 10, 2))
    assert consent.status(ctx, code).state is State.complete


def gate(workspace, code: str, action: Action) -> None:
    with workspace.ctx.engine.connect() as connection:
        consent.require_consent(connection, code, workspace.ctx.today(), action)


@pytest.mark.parametrize(("scope", "allowed"), [
    ("follow_up", {Action.data_use, Action.sample_use}),
    ("data_use", {Action.follow_up, Action.sample_use}),
    ("samples", {Action.follow_up, Action.data_use}),
])
def test_a_withdrawal_gates_what_its_scope_stops(workspace, child, scope, allowed):
    sign_all(workspace.ctx, child, date(2026, 10, 2))
    gate(workspace, child, Action.sample_collection)
    result = consent.withdraw(workspace.ctx, child, "2026-11-01", "holder2", [scope])
    assert (result.state, result.scopes) == (State.withdrawn, {Scope(scope)})
    for action in Action:
        if action in allowed:
            gate(workspace, child, action)
        else:
            with pytest.raises(RuleViolation, match="Withdrawn on 2026-11-01 by the second holder of parental"):
                gate(workspace, child, action)


@pytest.mark.parametrize(("scopes", "status"), [
    (["follow_up"], Status.withdrawn),
    (["data_use", "samples"], Status.enrolled),
])
def test_stopping_follow_up_withdraws_the_participant_from_the_study(workspace, child, scopes, status):
    ctx = workspace.ctx
    sign_all(ctx, child, date(2026, 10, 2))
    make_eligible(ctx, child, "MILA", "AL", date(2026, 10, 2))
    enroll(on_day(ctx, date(2026, 10, 2)), child)
    consent.withdraw(ctx, child, "2026-11-01", "holder1", scopes)
    row = get_participant(ctx, child).row
    assert row.status is status and row.ended_on == (date(2026, 11, 1) if status.is_final else None)
    moved = [line for line in participant_history(ctx, child) if line.field == "status" and line.new == "withdrawn"]
    assert [line.reason for line in moved] == (["Consent withdrawn: follow-up stopped"] if status.is_final else [])


def test_signing_after_a_withdrawal_needs_a_new_episode(workspace, child):
    ctx = workspace.ctx
    sign_all(ctx, child, date(2026, 10, 2))
    consent.withdraw(ctx, child, "2026-11-01", "holder1", ["follow_up", "data_use", "samples"])
    before = saved_rows(workspace)
    with pytest.raises(RuleViolation, match="new consent episode"):
        sign(workspace, child, "holder1", "Claire Lefèvre", on="2026-11-10")
    assert saved_rows(workspace) == before
    result = sign(workspace, child, "holder1", "Claire Lefèvre", on="2026-11-10", new_episode=True)
    assert result.state is State.incomplete  # the new episode needs every signature again
    assert "Consent of the second holder" in result.missing[0]


def test_withdrawal_input_is_checked(workspace, child):
    with pytest.raises(RuleViolation, match="no consent to withdraw"):
        consent.withdraw(workspace.ctx, child, "2026-11-01", "holder1", ["follow_up"])
    sign_all(workspace.ctx, child, date(2026, 10, 2))
    with pytest.raises(InputError, match="scope"):
        consent.withdraw(workspace.ctx, child, "2026-11-01", "holder1", [])
    with pytest.raises(InputError, match="Unknown withdrawal scope"):
        consent.withdraw(workspace.ctx, child, "2026-11-01", "holder1", ["everything"])
    with pytest.raises(InputError, match="in the future"):
        consent.withdraw(workspace.ctx, child, "2026-12-01", "holder1", ["follow_up"])


def test_the_page_statuses_match_the_single_status(workspace, child):
    sign(workspace, child, "holder1", "Claire Lefèvre")
    other = register(workspace.ctx, Registration("ELIT-AML01", 1, "1980-01-10", "M")).code
    ids = find_ids(workspace.ctx, ParticipantQuery())
    found = consent.statuses(workspace.ctx, ids)
    assert [found[i].state for i in ids] == [State.not_started, State.incomplete]
    assert consent.status(workspace.ctx, other).state is State.not_started


def test_the_to_do_lists_what_is_due_now_and_birthdays_within_the_period(workspace):
    ctx = workspace.ctx
    turning = register(ctx, Registration("MILA", 1, "2008-12-05", "F", registered_on="2026-10-01")).code
    sign_all(ctx, turning, date(2026, 10, 2))
    incomplete = register(ctx, Registration("MILA", 1, "2016-01-10", "M", registered_on="2026-10-01")).code
    sign(workspace, incomplete, "holder1", "Claire Lefèvre")
    later = register(ctx, Registration("MILA", 1, "2009-06-01", "M", registered_on="2026-10-01")).code
    sign_all(ctx, later, date(2026, 10, 2))
    due = todo.consent_todo(ctx, date(2026, 11, 21), date(2026, 12, 21))
    assert [(item.code, item.due, item.why) for item in due] == [
        (incomplete, date(2026, 11, 21), "Consent of the second holder of parental authority is missing; "
                                         "Signature of the investigator who obtained consent is missing"),
        (turning, date(2026, 12, 5), "turns 18")]


def test_a_new_document_version_in_the_study_file_flags_participants_already_on_study(workspace, tmp_path, clock):
    ctx = workspace.ctx
    child = register(ctx, Registration("MILA", 1, "2016-01-10", "M", registered_on="2026-10-01")).code
    sign_all(ctx, child, date(2026, 10, 2))
    folder = tmp_path / "studies"
    shutil.copytree(studies_dir(), folder)
    mila = folder / "MILA.yaml"
    mila.write_text(mila.read_text(encoding="utf-8").replace(
        "effective: 2023-03-01, covers: [samples]}\n",
        "effective: 2023-03-01, covers: [samples]}\n    - {name: Information and consent form, version: \"2.0\", "
        "language: fr, effective: 2026-11-01, requires_reconsent: true, covers: [samples]}\n"), encoding="utf-8")
    reopened = open_workspace(str(ctx.url.removeprefix("sqlite:///")), clock=clock, studies=folder)
    act_as(reopened.ctx, TESTER)
    assert reopened.new_versions == [("MILA", 2)]
    result = consent.status(reopened.ctx, child)
    assert (result.state, result.since) == (State.reconsent_due, date(2026, 11, 1))
    assert result.reason == "Information and consent form version 2.0 requires re-consent"
    assert consent.sign(reopened.ctx, child, SignatureInput("holder1", "Claire", "2026-11-02")).missing[0] == (
        "Consent of the second holder of parental authority is missing")
    reopened.ctx.engine.dispose()
