"""Every service by every role: what each role may do, and that a refusal changes nothing (not even the audit)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coordinator.assignment import allocation
from coordinator.assignment.enrollment import enroll
from coordinator.assignment.risk import assess_risk
from coordinator.audit.history import participant_history
from coordinator.backup import back_up, restore
from coordinator.consent import service as consent
from coordinator.consent.todo import consent_todo
from coordinator.context import Context
from coordinator.demo_values import demo_values
from coordinator.documents.blank_crf import print_blank_crf
from coordinator.documents.casebook import print_casebook
from coordinator.documents.casebooks import Selection, print_casebooks
from coordinator.documents.consent_checklist import participant_checklist
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.entry import ValueInput
from coordinator.eligibility.screening_log import screening_log
from coordinator.errors import NotPermitted
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.queries import ParticipantQuery, find_ids, get_participant, list_participants
from coordinator.participants.register import Registration, register
from coordinator.participants.status import change_status, correct_identity
from coordinator.samples import queries as sample_queries
from coordinator.samples import service as samples
from coordinator.samples.service import Collection
from coordinator.samples.storage import add_unit, box_map, units
from coordinator.security import accounts, settings
from coordinator.security.permissions import Role
from coordinator.signatures import service as signatures
from coordinator.workspace import open_workspace
from db.tables import AuditEntry
from tests.accounts import PASSWORD, TESTER, act_as, add_user
from tests.conftest import in_data_folder
from tests.consenting import sign_all
from tests.enrolling import make_eligible, on_day

DAY = date(2026, 11, 2)
USERS = {role: role.value[:4] + "user" for role in Role}  # admiuser, inveuser, cooruser, monouser, unbluser


@pytest.fixture(scope="module")
def roles_db(template_db: Path, template_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template with one working account per role, made once for the module (the template's seal key)."""
    path = tmp_path_factory.mktemp("roles") / "roles.sqlite3"
    shutil.copyfile(template_db, path)
    with in_data_folder(template_data):
        opened = open_workspace(str(path))
        act_as(opened.ctx, TESTER)
        for role, login in USERS.items():
            add_user(opened.ctx, login, role.value)
        opened.ctx.engine.dispose()
    return path


@pytest.fixture
def ctx(roles_db: Path, db_file: Path, seal_key: Path, clock) -> Iterator[Context]:
    shutil.copyfile(roles_db, db_file)
    opened = open_workspace(str(db_file), clock=clock)
    act_as(opened.ctx, TESTER)
    yield opened.ctx
    opened.ctx.engine.dispose()


def mila(ctx: Context) -> str:
    return register(ctx, Registration("MILA", 1, "2016-01-10", "F", "Léa", "Dubois", "2026-10-01")).code


def consented(ctx: Context) -> str:
    code = mila(ctx)
    sign_all(ctx, code, DAY)
    return code


def eligible_unconfirmed(ctx: Context) -> str:
    code = consented(ctx)
    make_eligible(ctx, code, "MILA", "AL", DAY)
    return code


def recorded(ctx: Context) -> str:
    """Eligible values recorded, not yet confirmed: what an investigator confirms."""
    code = consented(ctx)
    values = demo_values("MILA")
    assert values is not None
    eligibility.record(on_day(ctx, DAY), code, values.eligible("AL", DAY))
    return code


def collected(ctx: Context) -> str:
    """A MILA marrow sample, in a box F1/R1/B1 (9 × 9) at A1."""
    code = samples.collect(ctx, consented(ctx), Collection("BMA", "2026-11-03 09:00", "4 mL", "DIAG"))
    if not units(ctx):
        add_unit(ctx, "freezer", "F1")
        add_unit(ctx, "rack", "F1/R1")
        add_unit(ctx, "box", "F1/R1/B1", 9, 9)
    samples.store(ctx, code, "F1/R1/B1/A1")
    return code


def elit(ctx: Context) -> str:
    return register(ctx, Registration("ELIT-AML01", 1, "1980-01-10", "M")).code


# Each action: (name, roles allowed, setup as the tester -> argument, the action as the user under test).
ACTIONS: list[tuple[str, set[Role], Callable[[Context], object], Callable[[Context, object], object]]] = [
    ("register", {Role.INVESTIGATOR, Role.COORDINATOR}, lambda ctx: None,
     lambda ctx, _: mila(ctx)),
    ("correct identity", {Role.INVESTIGATOR, Role.COORDINATOR}, mila,
     lambda ctx, code: correct_identity(ctx, code, {"first_name": "Lea"}, "typo")),
    ("change status", {Role.INVESTIGATOR, Role.COORDINATOR}, mila,
     lambda ctx, code: change_status(ctx, code, Move(Status.screen_failure, DAY), "as planned")),
    ("sign consent", {Role.INVESTIGATOR, Role.COORDINATOR}, mila,
     lambda ctx, code: consent.sign(ctx, code, consent.SignatureInput("holder1", "Claire Dubois", DAY))),
    ("withdraw consent", {Role.INVESTIGATOR, Role.COORDINATOR}, consented,
     lambda ctx, code: consent.withdraw(ctx, code, DAY, "holder1", ["samples"])),
    ("record screening values", {Role.INVESTIGATOR, Role.COORDINATOR}, consented,
     lambda ctx, code: eligibility.record(on_day(ctx, DAY), code, [ValueInput("COHORT", "AL", source="chart")])),
    ("confirm eligibility", {Role.INVESTIGATOR}, recorded,
     lambda ctx, code: eligibility.confirm(on_day(ctx, DAY), code)),
    ("sign a casebook", {Role.INVESTIGATOR}, consented,
     lambda ctx, code: signatures.sign(ctx, "casebook", code, "review", PASSWORD + "-new")),
    ("enroll", {Role.INVESTIGATOR, Role.COORDINATOR}, eligible_unconfirmed,
     lambda ctx, code: enroll(on_day(ctx, DAY), code, reason="eligible")),
    ("assess risk", {Role.INVESTIGATOR, Role.COORDINATOR},
     lambda ctx: register(ctx, Registration("REL-ALL", 1, "2014-01-10", "M")).code,
     lambda ctx, code: assess_risk(ctx, code)),
    ("collect a sample", {Role.INVESTIGATOR, Role.COORDINATOR}, consented,
     lambda ctx, code: samples.collect(ctx, code, Collection("BMA", "2026-11-03 09:00", "4 mL", "DIAG"))),
    ("aliquot a sample", {Role.INVESTIGATOR, Role.COORDINATOR}, collected,
     lambda ctx, code: samples.aliquot(ctx, code, 2, "1 mL")),
    ("move a sample", {Role.INVESTIGATOR, Role.COORDINATOR}, collected,
     lambda ctx, code: samples.store(ctx, code, "F1/R1/B1/B2")),
    ("ship a sample", {Role.INVESTIGATOR, Role.COORDINATOR}, collected,
     lambda ctx, code: samples.ship(ctx, [code], "Central lab")),
    ("destroy a sample", {Role.INVESTIGATOR, Role.COORDINATOR}, collected,
     lambda ctx, code: samples.destroy(ctx, code, "clotted")),
    ("add a freezer", {Role.INVESTIGATOR, Role.COORDINATOR}, lambda ctx: None,
     lambda ctx, _: add_unit(ctx, "freezer", "F9")),
    ("read a sample", {Role.ADMINISTRATOR, Role.INVESTIGATOR, Role.COORDINATOR, Role.MONITOR, Role.UNBLINDED},
     collected, lambda ctx, code: sample_queries.find(ctx, code)),
    ("see the allocation list", {Role.UNBLINDED}, lambda ctx: None,
     lambda ctx, _: allocation.allocation_report(ctx, "ELIT-AML01")),
    ("verify the allocation list", {Role.UNBLINDED}, elit,
     lambda ctx, _: allocation.verify_list(ctx, "ELIT-AML01")),
    ("back up", {Role.ADMINISTRATOR, Role.INVESTIGATOR, Role.COORDINATOR}, lambda ctx: None,
     lambda ctx, _: back_up(ctx, Path(ctx.url.removeprefix("sqlite:///")).with_name("copy.sqlite3"))),
    ("restore", {Role.ADMINISTRATOR}, lambda ctx: _backup(ctx),
     lambda ctx, backup_file: restore(ctx, backup_file)),
    ("add a user", {Role.ADMINISTRATOR}, lambda ctx: None,
     lambda ctx, _: accounts.add_user(ctx, "newbie", "New Bie", "a long password", [("coordinator", "MILA")])),
    ("grant a role", {Role.ADMINISTRATOR}, lambda ctx: None,
     lambda ctx, _: accounts.grant(ctx, USERS[Role.MONITOR], "coordinator", "MILA")),
    ("revoke a role", {Role.ADMINISTRATOR}, lambda ctx: None,
     lambda ctx, _: accounts.revoke(ctx, USERS[Role.COORDINATOR], "coordinator", None)),
    ("deactivate an account", {Role.ADMINISTRATOR}, lambda ctx: None,
     lambda ctx, _: accounts.deactivate(ctx, USERS[Role.UNBLINDED])),
    ("reset a password", {Role.ADMINISTRATOR}, lambda ctx: None,
     lambda ctx, _: accounts.reset_password(ctx, USERS[Role.MONITOR], "another long one")),
    ("change the sign-in settings", {Role.ADMINISTRATOR}, lambda ctx: None,
     lambda ctx, _: settings.change(ctx, lockout_attempts=3)),
    ("print a casebook", set(Role), consented,
     lambda ctx, code: print_casebook(ctx, code, beside(ctx, "casebook.pdf"))),
    ("print the blank CRFs", set(Role), lambda ctx: None,
     lambda ctx, _: print_blank_crf(ctx, "MILA", beside(ctx, "blank.pdf"))),
    ("print casebooks", set(Role), consented,
     lambda ctx, _: print_casebooks(ctx, Selection("MILA"), beside(ctx, "casebooks.pdf"))),
]


def beside(ctx: Context, name: str) -> Path:
    """A file next to the test's database, in its own temporary folder."""
    return Path(ctx.url.removeprefix("sqlite:///")).with_name(name)


def audit_count(ctx: Context) -> int:
    with ctx.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(AuditEntry.__table__)).scalar_one()


def _backup(ctx: Context) -> Path:
    return back_up(ctx, Path(ctx.url.removeprefix("sqlite:///")).with_name("backup.sqlite3"))


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
@pytest.mark.parametrize(("name", "allowed", "setup", "action"), ACTIONS, ids=[entry[0] for entry in ACTIONS])
def test_each_role_may_do_what_its_permissions_say_and_nothing_else(ctx, role, name, allowed, setup, action):
    argument = setup(ctx)
    act_as(ctx, USERS[role])
    before = audit_count(ctx)
    if role in allowed:
        action(ctx, argument)  # done, without refusal
    else:
        with pytest.raises(NotPermitted, match="may not"):
            action(ctx, argument)
        assert audit_count(ctx) == before


def test_a_role_on_one_study_gives_nothing_on_another(ctx):
    add_user(ctx, "milacoord", "coordinator", "MILA")
    act_as(ctx, "milacoord")
    mila(ctx)
    with pytest.raises(NotPermitted, match="may not record study data in ELIT-AML01"):
        elit(ctx)


def test_a_revoked_role_or_a_deactivated_account_stops_working_at_once(ctx):
    act_as(ctx, USERS[Role.COORDINATOR])
    working = ctx.user
    mila(ctx)
    act_as(ctx, TESTER)
    accounts.revoke(ctx, USERS[Role.COORDINATOR], "coordinator", None)
    ctx.user = working  # the session signed in before the change
    with pytest.raises(NotPermitted, match="may not record"):
        mila(ctx)
    investigator = act_as(ctx, USERS[Role.INVESTIGATOR])
    act_as(ctx, TESTER)
    accounts.deactivate(ctx, USERS[Role.INVESTIGATOR])
    ctx.user = investigator
    with pytest.raises(NotPermitted, match="no longer active"):
        mila(ctx)


def test_nobody_signed_in_may_not_write(ctx):
    reopened = open_workspace(ctx.url.removeprefix("sqlite:///"))
    with pytest.raises(NotPermitted, match="Sign in first"):
        mila(reopened.ctx)
    reopened.ctx.engine.dispose()


def test_a_user_who_must_change_the_password_may_do_nothing_else(ctx):
    accounts.add_user(ctx, "fresh", "Fresh User", "a long password", [("coordinator", None)])
    act_as(ctx, "fresh")
    with pytest.raises(NotPermitted, match="must change their password"):
        mila(ctx)
    accounts.change_password(ctx, "a long password", "a longer password")
    mila(ctx)


# --- a role on one study: another study's participants are refused before any rule, and not listed -------------


def nk_hsct(ctx: Context) -> str:
    """An adult in NK-HSCT with nothing recorded: every rule of every service below would refuse something."""
    return register(ctx, Registration("NK-HSCT", 1, "1990-05-01", "F", "Anne", "Martin", "2026-10-01")).code


# Each: (name, the action on another study's participant). Without the check on the participant's study, each
# would answer with its study's state: criteria missing, no consent to withdraw, no risk groups, not ready to sign...
ON_ANOTHER_STUDY: list[tuple[str, Callable[[Context, str], object]]] = [
    ("record screening values",
     lambda ctx, code: eligibility.record(on_day(ctx, DAY), code, [ValueInput("NO-SUCH-ITEM", "1")])),
    ("confirm eligibility", lambda ctx, code: eligibility.confirm(on_day(ctx, DAY), code)),
    ("enroll", lambda ctx, code: enroll(on_day(ctx, DAY), code)),
    ("sign consent", lambda ctx, code: consent.sign(ctx, code, consent.SignatureInput("participant", "Anne M", DAY))),
    ("withdraw consent", lambda ctx, code: consent.withdraw(ctx, code, DAY, "participant", ["data_use"])),
    ("change status", lambda ctx, code: change_status(ctx, code, Move(Status.screen_failure, DAY), "as planned")),
    ("correct identity", lambda ctx, code: correct_identity(ctx, code, {"first_name": "Ann"}, "typo")),
    ("assess risk", lambda ctx, code: assess_risk(ctx, code)),
    ("sign eligibility", lambda ctx, code: signatures.sign(ctx, "eligibility", code, "approval", PASSWORD + "-new")),
]


@pytest.mark.parametrize("action", [entry[1] for entry in ON_ANOTHER_STUDY], ids=[e[0] for e in ON_ANOTHER_STUDY])
def test_a_role_on_one_study_is_refused_on_another_before_any_rule(ctx, action):
    code = nk_hsct(ctx)
    add_user(ctx, "milainv", "investigator", "MILA")
    act_as(ctx, "milainv")
    before = audit_count(ctx)
    with pytest.raises(NotPermitted, match=r"^Milainv may not [a-z ]+ in NK-HSCT: no role on this study allows it\.$"):
        action(ctx, code)
    assert audit_count(ctx) == before


ON_ANOTHER_STUDY_READS: list[tuple[str, Callable[[Context, str], object]]] = [
    ("participant", get_participant),
    ("history", participant_history),
    ("consent status", consent.status),
    ("consent signers", consent.signatures_of),
    ("consent roles", lambda ctx, code: consent.required_roles(ctx, code, DAY)),
    ("one-holder exceptions", lambda ctx, code: consent.one_holder_exceptions(ctx, code, DAY)),
    ("eligibility", eligibility.assessment),
    ("signatures", signatures.signatures_of),
    ("consent checklist", participant_checklist),
    ("screening log", lambda ctx, _code: screening_log(ctx, "NK-HSCT")),
    ("consent to-do", lambda ctx, _code: consent_todo(ctx, DAY, DAY, study="NK-HSCT")),
    ("participant list", lambda ctx, _code: list_participants(ctx, ParticipantQuery(study="NK-HSCT"))),
    ("casebook", lambda ctx, code: print_casebook(ctx, code, beside(ctx, "casebook.pdf"))),
    ("blank CRFs", lambda ctx, _code: print_blank_crf(ctx, "NK-HSCT", beside(ctx, "blank.pdf"))),
    ("casebooks", lambda ctx, _code: print_casebooks(ctx, Selection("NK-HSCT"), beside(ctx, "casebooks.pdf"))),
]


@pytest.mark.parametrize("read", [entry[1] for entry in ON_ANOTHER_STUDY_READS],
                         ids=[entry[0] for entry in ON_ANOTHER_STUDY_READS])
def test_a_role_on_one_study_reads_nothing_of_another(ctx, read):
    code = nk_hsct(ctx)
    add_user(ctx, "milamon", "monitor", "MILA")
    act_as(ctx, "milamon")
    with pytest.raises(NotPermitted, match=r"^Milamon may not read in NK-HSCT: no role on this study allows it\.$"):
        read(ctx, code)


def test_the_lists_keep_to_the_studies_the_user_may_read(ctx):
    mine, other = mila(ctx), nk_hsct(ctx)
    sign_all(ctx, mine, DAY)
    add_user(ctx, "milamon", "monitor", "MILA")
    everything = {row.code for row in list_participants(ctx, ParticipantQuery())}
    assert {mine, other} <= everything
    act_as(ctx, "milamon")
    assert {row.code for row in list_participants(ctx, ParticipantQuery())} == {mine}
    assert find_ids(ctx, ParticipantQuery()) == [row.id for row in list_participants(ctx, ParticipantQuery())]
    assert {row.study for row in list_participants(ctx, ParticipantQuery(text="a"))} == {"MILA"}
    assert get_participant(ctx, mine).row.code == mine
    assert {due.study for due in consent_todo(ctx, DAY, date(2040, 1, 1))} <= {"MILA"}


def test_another_study_s_samples_are_refused_and_shown_only_as_occupied(ctx):
    """A role on MILA: an NK-HSCT sample cannot be read, moved or destroyed, is not listed, and its place in a
    shared box shows as occupied without its id."""
    donor_of = register(ctx, Registration("NK-HSCT", 1, "1990-05-01", "F", "Anne", "Martin", "2026-10-01")).code
    sign_all(ctx, donor_of, DAY)
    theirs = samples.collect(ctx, donor_of, Collection("LEUKA", "2026-11-03 09:00", "150 mL"))
    ours = collected(ctx)
    samples.store(ctx, theirs, "F1/R1/B1/C3")
    add_user(ctx, "milainv", "investigator", "MILA")
    act_as(ctx, "milainv")
    before = audit_count(ctx)
    for action in (lambda: sample_queries.find(ctx, theirs), lambda: samples.destroy(ctx, theirs, "mine now"),
                   lambda: samples.store(ctx, theirs, "F1/R1/B1/D4"), lambda: samples.ship(ctx, [theirs], "Lab")):
        with pytest.raises(NotPermitted, match="in NK-HSCT: no role on this study allows it"):
            action()
    assert audit_count(ctx) == before
    assert [row.code for row in sample_queries.page(ctx, sample_queries.SampleQuery(), 0, 50)] == [ours]
    mapped = box_map(ctx, "F1/R1/B1")
    assert mapped.occupants[1].code == ours
    assert mapped.occupants[21].code is None and mapped.occupants[21].participant is None
