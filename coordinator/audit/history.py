"""Reading the audit trail back: a participant's history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, and_, cast, select

from coordinator.context import Context
from coordinator.participants.queries import permitted_participant_id
from coordinator.storage_errors import environment_errors
from db.tables import AuditEntry, ScreeningValue

A = AuditEntry.__table__
SV = ScreeningValue.__table__


@dataclass(frozen=True)
class AuditLine:
    id: int
    at_utc: str
    actor: str
    action: str
    table: str
    record: str
    field: str | None
    old: str | None
    new: str | None
    reason: str | None
    item: str | None = None  # a screening value's item (CREAT, IN04...): its rows name only their record id
    study: str | None = None  # the study and participant codes the row is tagged with, and its digest in the
    participant: str | None = None  # chain: read by the trail's viewer and exports (coordinator.audit.trail)
    row_hash: str | None = None


def participant_history(ctx: Context, code: str, limit: int | None = None) -> list[AuditLine]:
    """Everything recorded about a participant, newest first (refused for a participant of a study the user may
    not read)."""
    statement = (
        select(A.c.id, A.c.at_utc, A.c.actor, A.c.action, A.c.table_name, A.c.record_id, A.c.field,
               A.c.old_value, A.c.new_value, A.c.reason, SV.c.item)
        .outerjoin(SV, and_(A.c.table_name == SV.name, A.c.record_id == cast(SV.c.id, String)))
        .where(A.c.subject_code == code).order_by(A.c.id.desc())
    )
    if limit:
        statement = statement.limit(limit)
    with environment_errors(), ctx.engine.connect() as connection:
        permitted_participant_id(ctx, connection, code)
        return [AuditLine(*row) for row in connection.execute(statement)]
