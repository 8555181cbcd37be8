"""The audit core: one row per changed field in the same transaction; append-only in the database itself."""

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from coordinator.audit.history import participant_history
from coordinator.audit.writer import UnitOfWork
from coordinator.errors import InputError
from coordinator.participants.register import Registration, register
from coordinator.participants.status import correct_identity
from coordinator.security.permissions import Permission
from db.tables import AuditEntry, Participant
from tests.enrolling import enroll_on

A = AuditEntry.__table__


def audit_rows(workspace, **where):
    with workspace.ctx.engine.connect() as connection:
        statement = select(A).order_by(A.c.id)
        for name, value in where.items():
            statement = statement.where(A.c[name] == value)
        return [row._asdict() for row in connection.execute(statement)]


def test_registration_writes_one_audit_row_per_field_with_who_and_when(workspace):
    code = register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "F", "Chloé", "Martin")).code
    inserted = audit_rows(workspace, subject_code=code)
    fields = {(row["table_name"], row["field"]): row["new_value"] for row in inserted}
    assert fields[("participant", "code")] == code
    assert fields[("participant", "status")] == "screening"
    assert fields[("identity", "first_name")] == "Chloé"
    assert fields[("identity", "birth_date")] == "2016-01-10"
    assert {row["actor"] for row in inserted} == {"tester"}
    assert {row["at_utc"] for row in inserted} == {"2026-11-21T10:30:00.000000Z"}
    assert {row["action"] for row in inserted} == {"insert"}
    assert all(row["old_value"] is None for row in inserted)
    assert {row["study_code"] for row in inserted} == {"MILA"}


def test_a_correction_needs_a_reason_and_records_old_and_new(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2016-01-10", "F", "Chloe", "Martin")).code
    with pytest.raises(InputError, match="A reason is required") as refused:
        correct_identity(ctx, code, {"first_name": "Chloé"}, reason="  ")
    assert refused.value.field == "reason"
    correct_identity(ctx, code, {"first_name": "Chloé", "last_name": "Martin"}, reason="typo at registration")
    changes = audit_rows(workspace, subject_code=code, action="update")
    # only what really changed is written: the last name is the same, and the search key folds accents
    assert [(r["field"], r["old_value"], r["new_value"], r["reason"]) for r in changes] == [
        ("first_name", "Chloe", "Chloé", "typo at registration")]


def test_status_moves_are_audited_with_their_reason(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2016-01-10", "F", registered_on="2026-10-01")).code
    enroll_on(ctx, code, "MILA", "AL", date(2026, 10, 5))
    history = participant_history(ctx, code)
    latest = {line.field: line for line in history if line.action == "update"}
    assert (latest["status"].old, latest["status"].new, latest["status"].reason) == ("screening", "enrolled",
                                                                                     "eligible")
    assert latest["arm_code"].new == "AL"


def test_a_failed_unit_of_work_leaves_neither_data_nor_audit(workspace):
    before = len(audit_rows(workspace))
    with pytest.raises(RuntimeError), UnitOfWork(workspace.ctx, Permission.BACKUP) as work:
        work.record_event("database", "x", "something")
        raise RuntimeError("boom")
    assert len(audit_rows(workspace)) == before


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_trail SET new_value = 'forged'", "DELETE FROM audit_trail", "DELETE FROM participant"],
)
def test_the_database_itself_refuses_to_edit_the_audit_or_delete_participants(workspace, db_file, statement):
    register(workspace.ctx, Registration("MILA", 1, "2016-01-10", "F"))
    before = audit_rows(workspace)
    connection = sqlite3.connect(db_file)
    try:
        with pytest.raises(sqlite3.DatabaseError, match=r"append-only|never deleted"):
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()
    assert audit_rows(workspace) == before
    with workspace.ctx.engine.connect() as c:
        assert c.execute(select(Participant.__table__.c.code)).scalars().all() == ["MILA-01-0001"]
