"""The audit trail: one append-only row per changed field (21 CFR 11.10(e))."""

from sqlmodel import Field, Index, SQLModel


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_trail"
    __table_args__ = (
        Index("ix_audit_subject", "subject_code", "id"),
        Index("ix_audit_record", "table_name", "record_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at_utc: str  # ISO 8601 with microseconds and "Z"
    actor: str
    action: str = Field(max_length=10)  # insert, update, delete, event
    table_name: str
    record_id: str
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    reason: str | None = None
    study_code: str | None = None
    subject_code: str | None = None  # participant code, for a participant's history
    row_hash: str | None = Field(default=None, max_length=64)  # db/audit_chain.py; None only in a tampered row
