"""Sealed allocation lists in the database: made once, revealed in order and once, concealed, audited, checkable."""

import re
import sqlite3
import threading
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from coordinator.assignment import allocation
from coordinator.assignment.randomization import generate
from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import NotFound, RuleViolation
from coordinator.participants.queries import participant_id
from coordinator.participants.register import Registration, register
from coordinator.paths import studies_dir
from coordinator.security.permissions import Permission, Principal
from coordinator.studies import catalogue
from coordinator.studies.loader import load_directory
from coordinator.studies.rule_schema import Randomization
from coordinator.workspace import open_workspace
from db.engine import make_engine
from db.tables import Allocation, AllocationList, AuditEntry, Participant
from tests.accounts import make_tester

A = Allocation.__table__
AL = AllocationList.__table__
AUDIT = AuditEntry.__table__
P = Participant.__table__
ELIT = "ELIT-AML01"
MUD = "DONOR=MUD"


def rows(ctx, statement):
    with ctx.engine.connect() as connection:
        return connection.execute(statement).all()


def allocations(ctx, stratum=MUD):
    return rows(ctx, select(A).where(A.c.stratum == stratum).order_by(A.c.sequence))


def seed_of(ctx, study=ELIT):
    return rows(ctx, select(AL.c.seed).where(AL.c.study_id == catalogue.current(ctx, study).id))[0].seed


def enter(ctx, count, study=ELIT, site=1):
    return [register(ctx, Registration(study, site, "1980-01-10", "M")).code for _ in range(count)]


def randomize(ctx, code, stratum=MUD):
    """What enrollment does once eligibility and consent are checked."""
    with UnitOfWork(ctx, Permission.RECORD) as work:
        pid = participant_id(work.connection, code)
        study_id = work.read(select(P.c.study_id).where(P.c.id == pid)).scalar_one()
        study = catalogue.current(ctx, code.rsplit("-", 2)[0])
        assert study.id == study_id
        return allocation.reveal(work, study_id, study.code, pid, code, stratum)


def audit(ctx):
    return [row._asdict() for row in rows(ctx, select(AUDIT).order_by(AUDIT.c.id))]


def raw(db_file: Path, sql: str, *parameters) -> None:
    """A statement sent past the program, as another tool on the file would."""
    with sqlite3.connect(db_file) as connection:
        connection.execute(sql, parameters)


@pytest.fixture
def small(tmp_path, db_file, clock):
    """ELIT-AML01 at two sites, stratified by site and donor, 4 allocations per stratum; and DUO, randomized 2:1
    without strata."""
    folder = tmp_path / "studies"
    folder.mkdir()
    elit = yaml.safe_load((studies_dir() / f"{ELIT}.yaml").read_text(encoding="utf-8"))
    elit["sites"].append({"number": 2, "name": "Hôpital Saint-Louis", "city": "Paris"})
    elit["randomization"] = {"block_sizes": [2, 4], "strata": ["site", "DONOR"], "list_length": 4}
    duo = {**elit, "short_name": "DUO", "design": {**elit["design"], "allocation_ratio": [2, 1]},
           "randomization": {"block_sizes": [3, 6], "list_length": 6}}
    for study in (elit, duo):
        (folder / f"{study['short_name']}.yaml").write_text(yaml.safe_dump(study, allow_unicode=True),
                                                            encoding="utf-8")
    opened = open_workspace(str(db_file), studies=folder, clock=clock)
    assert not opened.study_problems
    make_tester(opened.ctx)
    yield opened
    opened.ctx.engine.dispose()


def test_opening_the_workspace_seals_one_list_per_randomized_study_once(workspace, db_file, clock):
    ctx = workspace.ctx
    lists = rows(ctx, select(AL.c.id, AL.c.study_id, AL.c.method, AL.c.ratio, AL.c.block_sizes, AL.c.strata,
                             AL.c.list_length, AL.c.generated_by, AL.c.generated_at))
    assert [tuple(row)[1:] for row in lists] == [(
        catalogue.current(ctx, ELIT).id, "permuted blocks of random size, v1", "A-DLI:1 B-NONE:1",
        "2 4", "DONOR", 130, "program", "2026-11-21T10:30:00.000000Z")]
    counts = rows(ctx, select(A.c.stratum, A.c.arm_code, A.c.id).order_by(A.c.id))
    assert len(counts) == 4 * 130
    assert list(dict.fromkeys(row.stratum for row in counts)) == [
        "DONOR=CORD", "DONOR=HAPLO", "DONOR=MSD", "DONOR=MUD"]
    assert allocation.ensure_lists(ctx) == []
    again = open_workspace(str(db_file), clock=clock)
    assert rows(again.ctx, select(AL.c.id, AL.c.list_sha256)) == rows(ctx, select(AL.c.id, AL.c.list_sha256))
    assert len(rows(again.ctx, select(A.c.id))) == 4 * 130
    again.ctx.engine.dispose()
    assert allocation.verify_list(ctx, ELIT)


def test_two_programs_sealing_at_once_make_one_list(tmp_path, db_file, clock, monkeypatch):
    """Both find no list before either takes the write lock: the second finds it made when it gets the lock."""
    others = tmp_path / "others"
    others.mkdir()
    for path in studies_dir().glob("*.yaml"):
        if path.stem != ELIT:
            (others / path.name).write_bytes(path.read_bytes())
    first = open_workspace(str(db_file), studies=others, clock=clock).ctx
    first.user = Principal("first", "First program", program=True)
    catalogue.sync(first, load_directory(studies_dir()))  # ELIT-AML01 arrives; its list is not made yet
    second = Context(make_engine(first.url), first.url, Principal("second", "Second program", program=True), clock)
    unlisted, checked, seen = allocation._unlisted, threading.Barrier(2), threading.local()

    def check_together(connection):
        found = unlisted(connection)
        if not getattr(seen, "waited", False):
            seen.waited = True
            checked.wait(timeout=20)
        return found

    monkeypatch.setattr(allocation, "_unlisted", check_together)
    results = {}
    threads = [threading.Thread(target=lambda c=ctx: results.__setitem__(c.actor, allocation.ensure_lists(c)))
               for ctx in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [[], [ELIT]]
    assert len(rows(first, select(AL.c.id))) == 1 and len(rows(first, select(A.c.id))) == 4 * 130
    sealed = [row for row in audit(first) if row["table_name"] == "allocation_list"]
    assert len(sealed) == 1 and sealed[0]["actor"] == next(actor for actor, made in results.items() if made)
    for ctx in (first, second):
        ctx.engine.dispose()


def test_the_audit_trail_holds_neither_the_seed_nor_any_unused_arm(workspace):
    ctx = workspace.ctx
    seed = seed_of(ctx)
    sealed = [row for row in audit(ctx) if row["table_name"].startswith("allocation")]
    assert [(row["action"], row["table_name"], row["study_code"]) for row in sealed] == [
        ("event", "allocation_list", ELIT)]
    assert sealed[0]["new_value"].startswith(
        "Allocation list generated and sealed: permuted blocks of random size, v1; ratio 1:1; block sizes 2, 4; "
        "4 strata of 130 allocations; SHA-256 ")
    assert "A-DLI" not in sealed[0]["new_value"] and "B-NONE" not in sealed[0]["new_value"]
    for code in enter(ctx, 3):
        randomize(ctx, code)
    used = {str(row.id) for row in rows(ctx, select(A.c.id).where(A.c.participant_id.is_not(None)))}
    trail = audit(ctx)
    assert not [row for row in trail if seed in " ".join(str(value) for value in row.values())]
    about_allocations = [row for row in trail if row["table_name"] == "allocation"]
    assert len(about_allocations) == 3 * 4  # participant, time and person of each reveal, and its event
    assert {row["record_id"] for row in about_allocations} == used
    assert "arm_code" not in {row["field"] for row in trail if row["table_name"].startswith("allocation")}


def test_reveal_takes_the_stratum_allocations_in_order_and_audits_who_when_and_where(workspace):
    ctx = workspace.ctx
    codes = enter(ctx, 6)
    arms = [randomize(ctx, code) for code in codes]
    used = allocations(ctx)[:6]
    assert arms == [row.arm_code for row in used]
    assert [row.participant_id for row in used] == [rows(ctx, select(P.c.id).where(P.c.code == code))[0].id
                                                     for code in codes]
    assert {(row.revealed_at, row.revealed_by) for row in used} == {("2026-11-21T10:30:00.000000Z", "tester")}
    assert all(row.participant_id is None for row in allocations(ctx)[6:])
    assert all(row.participant_id is None for row in allocations(ctx, "DONOR=MSD"))
    events = [row for row in audit(ctx) if row["table_name"] == "allocation" and row["action"] == "event"]
    assert [(row["subject_code"], row["new_value"], row["actor"], row["at_utc"]) for row in events] == [
        (code, f"Randomized: allocation {n} of stratum DONOR=MUD, arm {arm}", "tester", "2026-11-21T10:30:00.000000Z")
        for n, (code, arm) in enumerate(zip(codes, arms, strict=True), start=1)]
    reasons = {row["reason"] for row in audit(ctx) if row["table_name"] == "allocation" and row["action"] == "update"}
    assert reasons == {"randomized"}


def test_a_participant_is_never_randomized_twice_and_nothing_changes_on_refusal(workspace):
    ctx = workspace.ctx
    code, = enter(ctx, 1)
    arm = randomize(ctx, code)
    before = (audit(ctx), rows(ctx, select(A)))
    for stratum in (MUD, "DONOR=MSD"):
        with pytest.raises(RuleViolation, match=f"{code} was already randomized on 2026-11-21 to {arm}"):
            randomize(ctx, code, stratum)
    assert (audit(ctx), rows(ctx, select(A))) == before


def test_an_unknown_stratum_is_refused_in_words(workspace):
    ctx = workspace.ctx
    code, = enter(ctx, 1)
    before = audit(ctx)
    with pytest.raises(RuleViolation, match=re.escape(
            "DONOR=BOTH is not a stratum of the allocation list of ELIT-AML01. Its strata: DONOR=CORD, "
            "DONOR=HAPLO, DONOR=MSD, DONOR=MUD.")):
        randomize(ctx, code, "DONOR=BOTH")
    assert audit(ctx) == before


def test_the_database_refuses_to_change_an_arm_reuse_an_allocation_or_delete_one(workspace, db_file):
    ctx = workspace.ctx
    first, second = enter(ctx, 2)
    randomize(ctx, first)
    used, unused = allocations(ctx)[:2]
    for statement, parameters, refusal in [
        ("UPDATE allocation SET arm_code = 'B-NONE' WHERE id = ?", (unused.id,), "sealed"),
        ("UPDATE allocation SET sequence = 99 WHERE id = ?", (unused.id,), "sealed"),
        ("UPDATE allocation SET participant_id = (SELECT id FROM participant WHERE code = ?) WHERE id = ?",
         (second, used.id), "used only once"),
        ("UPDATE allocation SET revealed_by = 'someone else' WHERE id = ?", (used.id,), "used only once"),
        ("DELETE FROM allocation WHERE id = ?", (unused.id,), "sealed"),
        ("UPDATE allocation_list SET seed = 'known' WHERE id = ?", (used.list_id,), "sealed"),
    ]:
        with pytest.raises(sqlite3.DatabaseError, match=refusal):
            raw(db_file, statement, *parameters)
    assert allocations(ctx)[:2] == [used, unused]
    assert allocation.verify_list(ctx, ELIT)


def test_a_used_up_stratum_is_extended_from_its_seed_and_stays_checkable(small):
    ctx = small.ctx
    stratum = "site=02 DONOR=MUD"
    assert [entry.stratum for entry in allocation.allocation_report(ctx, ELIT).counts] == [
        f"site={site} DONOR={donor}" for site in ("01", "02") for donor in ("CORD", "HAPLO", "MSD", "MUD")]
    arms = [randomize(ctx, code, stratum) for code in enter(ctx, 10, site=2)]
    assert arms == [slot.arm for slot in generate(seed_of(ctx), stratum, [("A-DLI", 1), ("B-NONE", 1)], [2, 4], 10)]
    assert len(allocations(ctx, stratum)) == 12  # 4 sealed, then 4 more twice
    assert len(allocations(ctx, "site=01 DONOR=MUD")) == 4
    extended = [row["new_value"] for row in audit(ctx)
                if row["table_name"] == "allocation_list" and row["study_code"] == ELIT][1:]
    assert extended == [f"Stratum {stratum} used up: extended from the list's seed with allocations {first} to "
                        f"{first + 3}" for first in (5, 9)]
    assert allocation.verify_list(ctx, ELIT)
    assert allocation.allocation_report(ctx, ELIT).balanced


def test_a_study_randomized_two_to_one_without_strata_has_one_stratum(small):
    ctx = small.ctx
    codes = enter(ctx, 9, study="DUO")
    arms = [randomize(ctx, code, "all") for code in codes]
    assert arms == [slot.arm for slot in generate(seed_of(ctx, "DUO"), "all", [("A-DLI", 2), ("B-NONE", 1)],
                                                  [3, 6], 9)]
    assert len(allocations(ctx, "all")) == 12  # 6 sealed, then 6 more
    report = allocation.allocation_report(ctx, "DUO")
    assert (report.ratio, report.factors, [entry.stratum for entry in report.counts]) == (
        [("A-DLI", 2), ("B-NONE", 1)], [], ["all"])
    assert report.balanced and allocation.verify_list(ctx, "DUO")


def test_verify_list_detects_an_altered_allocation(workspace, db_file):
    ctx = workspace.ctx
    randomize(ctx, enter(ctx, 1)[0])
    assert allocation.verify_list(ctx, ELIT)
    raw(db_file, "DROP TRIGGER allocation_sealed")
    raw(db_file, "UPDATE allocation SET arm_code = CASE arm_code WHEN 'A-DLI' THEN 'B-NONE' ELSE 'A-DLI' END "
                 "WHERE stratum = 'DONOR=HAPLO' AND sequence = 77")
    assert not allocation.verify_list(ctx, ELIT)


def test_the_report_shows_what_was_used_and_nothing_that_was_not(workspace):
    ctx = workspace.ctx
    mud, msd = enter(ctx, 5), enter(ctx, 2)
    arms = [randomize(ctx, code) for code in mud] + [randomize(ctx, code, "DONOR=MSD") for code in msd]
    report = allocation.allocation_report(ctx, ELIT)
    assert (report.study, report.method, report.generated_by, report.ratio, report.block_sizes, report.factors) == (
        ELIT, "permuted blocks of random size, v1", "program", [("A-DLI", 1), ("B-NONE", 1)], [2, 4],
        ["DONOR"])
    assert [(u.participant, u.stratum, u.sequence, u.arm, u.revealed_by) for u in report.used] == [
        (code, stratum, n, arm, "tester") for (code, stratum, n), arm in zip(
            [(code, MUD, n) for n, code in enumerate(mud, 1)] + [(code, "DONOR=MSD", n) for n, code in enumerate(
                msd, 1)], arms, strict=True)]
    counts = {entry.stratum: entry.arms for entry in report.counts}
    assert counts["DONOR=CORD"] == {"A-DLI": 0, "B-NONE": 0}
    assert counts[MUD] == {"A-DLI": arms[:5].count("A-DLI"), "B-NONE": arms[:5].count("B-NONE")}
    assert sum(sum(arms.values()) for arms in counts.values()) == 7
    assert report.balanced
    assert seed_of(ctx) not in repr(report) and "block" not in repr(report.used)


def test_two_lists_that_differ_only_in_unused_allocations_give_the_same_report(workspace, db_file):
    """Concealment: nothing the report shows depends on an allocation not used yet."""
    ctx = workspace.ctx
    for code in enter(ctx, 4):
        randomize(ctx, code)
    randomize(ctx, enter(ctx, 1)[0], "DONOR=HAPLO")
    before = allocation.allocation_report(ctx, ELIT)
    raw(db_file, "DROP TRIGGER allocation_sealed")
    raw(db_file, "UPDATE allocation SET arm_code = CASE arm_code WHEN 'A-DLI' THEN 'B-NONE' ELSE 'A-DLI' END, "
                 "block = block + 1, block_size = 6 - block_size WHERE participant_id IS NULL")
    assert allocation.allocation_report(ctx, ELIT) == before
    assert not allocation.verify_list(ctx, ELIT)  # the lists did differ


def test_reports_and_checks_of_a_study_without_a_list_are_refused(workspace):
    with pytest.raises(RuleViolation, match="MILA has no allocation list: only randomized studies have one"):
        allocation.allocation_report(workspace.ctx, "MILA")
    with pytest.raises(RuleViolation, match="MILA has no allocation list"):
        allocation.verify_list(workspace.ctx, "MILA")
    with pytest.raises(NotFound, match="Unknown study NOPE"):
        allocation.allocation_report(workspace.ctx, "NOPE")


def test_the_stratum_comes_from_the_site_and_the_recorded_choices(workspace):
    elit = catalogue.current(workspace.ctx, ELIT).definition
    assert allocation.stratum_for(elit, 1, {"DONOR": "MUD", "GRAFT": "BM"}) == MUD
    by_site = elit.model_copy(update={"randomization": Randomization(block_sizes=[2], strata=["site", "DONOR"])})
    assert allocation.stratum_for(by_site, 3, {"DONOR": "HAPLO"}) == "site=03 DONOR=HAPLO"
    with pytest.raises(RuleViolation, match=r"^Randomization needs Donor type: record it first\.$") as refusal:
        allocation.stratum_for(elit, 1, {"GRAFT": "BM"})
    assert refusal.value.field == "DONOR"
    with pytest.raises(RuleViolation, match="MILA is not randomized"):
        allocation.stratum_for(catalogue.current(workspace.ctx, "MILA").definition, 1, {})
