"""Electronic signatures: each kind of record signed with a meaning and the password again; refusals (role, wrong
password, incomplete record, no meaning) change nothing but what the sign-in audits; any later change to the
signed content makes the signature invalid, and a new signature on the new content is valid."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from coordinator.consent import service as consent
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.entry import ValueInput
from coordinator.errors import InputError, NotFound, NotPermitted, RuleViolation
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.register import Registration, register
from coordinator.participants.status import change_status
from coordinator.security.permissions import Role
from coordinator.signatures import records
from coordinator.signatures.meanings import Meaning, parse_meaning, statement
from coordinator.signatures.service import SignatureView, sign, signatures_of, with_zone
from coordinator.signatures.signable import canonical, find_record
from db.tables import AuditEntry, Signature, UserAccount, metadata
from tests.accounts import PASSWORD, TESTER, TESTER_NAME, act_as, add_user
from tests.consenting import sign_all
from tests.enrolling import make_eligible

TODAY = date(2026, 11, 21)
A = AuditEntry.__table__
U = UserAccount.__table__
SIGNATURE = Signature.__table__


def new_participant(ctx) -> str:
    return register(ctx, Registration("MILA", 1, date(2016, 3, 4), "M", "Hervé", "Lefèvre", date(2026, 11, 1))).code


@pytest.fixture
def code(workspace) -> str:
    """A MILA participant with complete consent and a confirmed eligible verdict, today."""
    found = new_participant(workspace.ctx)
    sign_all(workspace.ctx, found, TODAY)
    make_eligible(workspace.ctx, found, "MILA", "AL", TODAY)
    return found


def database(ctx) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refusal changed nothing."""
    with ctx.engine.connect() as connection:
        return {table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for table in metadata.sorted_tables}


def changed_tables(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def failed_attempts(ctx, login: str) -> int:
    with ctx.engine.connect() as connection:
        return connection.execute(select(U.c.failed_attempts).where(U.c.login == login)).scalar_one()


def valid(ctx, code: str) -> list[tuple[str, bool]]:
    return [(view.kind, view.valid) for view in signatures_of(ctx, code)]


@pytest.mark.parametrize("kind", ["eligibility", "consent", "casebook"])
def test_each_kind_is_signed_with_printed_name_time_meaning_and_a_content_hash(workspace, code, kind):
    ctx = workspace.ctx
    view = sign(ctx, kind, code, "approval", PASSWORD)
    assert view == SignatureView(view.id, kind, code, "MILA", TESTER, TESTER_NAME, Meaning.approval,
                                 "2026-11-21T10:30:00.000000Z", valid=True)
    assert signatures_of(ctx, code) == [view]
    with ctx.engine.connect() as connection:
        row = connection.execute(select(SIGNATURE)).one()
        audited = {r.field: r.new_value for r in connection.execute(
            select(A.c.field, A.c.new_value).where(A.c.table_name == "signature", A.c.subject_code == code))}
    assert (row.record_kind, row.record_id, row.study_code, row.subject_code, row.signer, row.printed_name,
            row.meaning) == (kind, code, "MILA", code, TESTER, TESTER_NAME, "approval")
    assert len(row.content_sha256) == 64
    assert audited["content_sha256"] == row.content_sha256 and audited["meaning"] == "approval"


def test_the_signed_content_is_canonical_and_carries_no_name(workspace, code):
    ctx = workspace.ctx
    with ctx.engine.connect() as connection:
        record = find_record(connection, code.lower())
        content = canonical(records.casebook_content(connection, record))
        again = canonical(records.casebook_content(connection, record))
    assert content == again
    text = content.decode("utf-8")
    for name in ("Hervé", "Lefèvre", "Claire", "Nadia"):
        assert name not in text
    assert '"birth_date":"2016-03-04"' in text and '"code":"' + code + '"' in text
    assert canonical({"b": date(2026, 1, 2), "a": 1}) == b'{"a":1,"b":"2026-01-02"}'


def test_a_wrong_password_is_refused_counted_and_nothing_else_changes(workspace, code):
    ctx = workspace.ctx
    before = database(ctx)
    with pytest.raises(NotPermitted, match=r"Wrong password for tester\. 4 more failed attempt"):
        sign(ctx, "eligibility", code, "approval", "not my password")
    assert failed_attempts(ctx, TESTER) == 1
    assert changed_tables(before, database(ctx)) == {U.name, A.name, "audit_seal"}
    assert signatures_of(ctx, code) == []
    sign(ctx, "eligibility", code, "approval", PASSWORD)  # the right one then signs, and clears the count
    assert failed_attempts(ctx, TESTER) == 0


def test_an_empty_password_is_asked_for(workspace, code):
    with pytest.raises(InputError, match="Give your password") as refused:
        sign(workspace.ctx, "consent", code, "review", "")
    assert refused.value.field == "password"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MONITOR, Role.ADMINISTRATOR, Role.UNBLINDED],
                         ids=lambda role: role.value)
def test_only_an_investigator_signs(workspace, code, role):
    ctx = workspace.ctx
    add_user(ctx, "cora", role.value)
    act_as(ctx, "cora")
    before = database(ctx)
    with pytest.raises(NotPermitted, match="Cora may not sign"):
        sign(ctx, "eligibility", code, "approval", PASSWORD + "-new")
    assert database(ctx) == before  # refused before the password: not even a failed attempt


def test_an_investigator_of_another_study_does_not_sign_here(workspace, code):
    ctx = workspace.ctx
    add_user(ctx, "ines", "investigator", "ELIT-AML01")
    act_as(ctx, "ines")
    with pytest.raises(NotPermitted, match="Ines may not sign in MILA: no role on this study allows it"):
        sign(ctx, "consent", code, "approval", PASSWORD + "-new")
    add_user(ctx, "ivan", "investigator", "MILA")
    act_as(ctx, "ivan")
    assert sign(ctx, "consent", code, "approval", PASSWORD + "-new").printed_name == "Ivan"


@pytest.mark.parametrize(("kind", "message"), [
    ("eligibility", "has no eligibility confirmation to sign: an investigator confirms eligibility first"),
    ("consent", r"The consent of .* cannot be signed: it is not complete \(No consent signature is recorded yet\)"),
    ("casebook", "has nothing to sign yet: no consent and no screening value is recorded"),
])
def test_a_record_with_nothing_to_sign_is_refused_with_the_reason(workspace, kind, message):
    ctx = workspace.ctx
    fresh = new_participant(ctx)
    before = database(ctx)
    with pytest.raises(RuleViolation, match=message):
        sign(ctx, kind, fresh, "authorship", "not even checked")
    assert database(ctx) == before  # no failed attempt: the password is not checked for a record not ready


def test_an_incomplete_consent_is_refused_naming_what_is_missing(workspace):
    ctx = workspace.ctx
    fresh = new_participant(ctx)
    consent.sign(ctx, fresh, consent.SignatureInput("holder1", "Claire Lefèvre", TODAY))
    with pytest.raises(RuleViolation, match="second holder of parental authority is missing"):
        sign(ctx, "consent", fresh, "review", PASSWORD)
    sign(ctx, "casebook", fresh, "review", PASSWORD)  # something is recorded: the casebook can be signed


@pytest.mark.parametrize(("given", "message"), [
    (None, "Choose what your signature means: authorship, review, approval, responsibility"),
    ("  ", "Choose what your signature means"),
    ("approved", "approved is not a meaning of a signature; use one of: authorship, review, approval"),
])
def test_a_meaning_is_required_and_must_be_one_of_the_four(workspace, code, given, message):
    ctx = workspace.ctx
    before = database(ctx)
    with pytest.raises(InputError, match=message) as refused:
        sign(ctx, "eligibility", code, given, "wrong, but not checked")
    assert refused.value.field == "meaning"
    assert database(ctx) == before


def test_meanings_read_case_and_space_insensitive_and_have_words(workspace):
    assert parse_meaning(" Responsibility ") is Meaning.responsibility
    assert [m.label for m in Meaning] == ["authorship", "review", "approval", "responsibility"]
    assert Meaning.review.sentence == "I have reviewed this record."
    assert "legally binding equivalent of my handwritten signature" in statement("Dr X")


def test_an_unknown_kind_or_participant_is_refused(workspace, code):
    with pytest.raises(InputError, match="form is not a record that can be signed; sign one of: eligibility, "
                                         "consent, casebook") as refused:
        sign(workspace.ctx, "form", code, "approval", PASSWORD)
    assert refused.value.field == "kind"
    with pytest.raises(NotFound, match="No participant has the code MILA-09-9999"):
        sign(workspace.ctx, "consent", "MILA-09-9999", "approval", PASSWORD)


def test_a_changed_screening_value_invalidates_the_eligibility_signature_and_a_new_one_is_valid(workspace, code):
    ctx = workspace.ctx
    first = sign(ctx, "eligibility", code, "approval", PASSWORD)
    casebook = sign(ctx, "casebook", code, "responsibility", PASSWORD)
    sign(ctx, "consent", code, "review", PASSWORD)
    assert valid(ctx, code) == [("eligibility", True), ("casebook", True), ("consent", True)]

    eligibility.record(ctx, code, [ValueInput("DIAG", "ALLT", source="Myelogram report")],
                       reason="phenotype corrected by the reference laboratory")
    assert valid(ctx, code) == [("eligibility", False), ("casebook", False), ("consent", True)]
    with pytest.raises(RuleViolation, match="changed after eligibility was confirmed on 2026-11-21: confirm "
                                            "eligibility again before signing"):
        sign(ctx, "eligibility", code, "approval", PASSWORD)

    eligibility.confirm(ctx, code)
    second = sign(ctx, "eligibility", code, "approval", PASSWORD)
    shown = {view.id: view.valid for view in signatures_of(ctx, code, "eligibility")}
    assert shown == {first.id: False, second.id: True}
    assert {view.id: view.valid for view in signatures_of(ctx, code, "casebook")} == {casebook.id: False}


def test_putting_the_value_back_makes_the_old_content_and_its_signature_hold_again(workspace, code):
    ctx = workspace.ctx
    sign(ctx, "consent", code, "review", PASSWORD)
    with ctx.engine.connect() as connection:
        record = find_record(connection, code)
        signed = records.eligibility_content(connection, record)
    sign(ctx, "eligibility", code, "approval", PASSWORD)
    eligibility.record(ctx, code, [ValueInput("DIAG", "ALLT", source="Myelogram report")], reason="typo")
    eligibility.record(ctx, code, [ValueInput("DIAG", "ALLB", source="Myelogram report")], reason="typo undone")
    with ctx.engine.connect() as connection:
        assert records.eligibility_content(connection, find_record(connection, code)) == signed
    assert valid(ctx, code)[-1] == ("eligibility", True)  # the hash is of the content, not of the history


def test_a_withdrawal_invalidates_the_consent_signature(workspace, code):
    ctx = workspace.ctx
    sign(ctx, "consent", code, "review", PASSWORD)
    consent.withdraw(ctx, code, TODAY, "holder1", ["samples"])
    assert valid(ctx, code) == [("consent", False)]
    with pytest.raises(RuleViolation, match="cannot be signed: it is not complete"):
        sign(ctx, "consent", code, "review", PASSWORD)


def test_a_status_change_invalidates_the_casebook_signature_only(workspace, code):
    ctx = workspace.ctx
    sign(ctx, "casebook", code, "approval", PASSWORD)
    sign(ctx, "eligibility", code, "approval", PASSWORD)
    change_status(ctx, code, Move(Status.withdrawn, TODAY), "moved away")
    assert valid(ctx, code) == [("casebook", False), ("eligibility", True)]


def test_a_signature_row_can_never_be_changed(workspace, code):
    sign(workspace.ctx, "consent", code, "review", PASSWORD)
    with workspace.ctx.engine.begin() as connection, pytest.raises(Exception, match="never changed"):
        connection.execute(SIGNATURE.update().values(content_sha256="0" * 64))
    with workspace.ctx.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(SIGNATURE)).scalar_one() == 1


def test_the_time_is_printed_with_its_zone():
    assert with_zone(datetime(2026, 11, 21, 10, 30, tzinfo=timezone.utc)) == "2026-11-21 10:30 UTC"
    paris = timezone(timedelta(hours=1))
    assert with_zone(datetime(2026, 11, 21, 11, 30, tzinfo=paris)) == "2026-11-21 11:30 UTC+01:00"
    assert with_zone(datetime(2026, 11, 21, 5, 0, tzinfo=timezone(timedelta(hours=-5)))) == \
        "2026-11-21 05:00 UTC-05:00"
