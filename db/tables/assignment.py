"""Arm assignment: the sealed allocation lists of randomized studies, and computed risk groups."""

from sqlmodel import Field, Index, SQLModel


class AllocationList(SQLModel, table=True):
    """How a study's list was made: enough to reproduce it from its seed and to prove it unchanged."""

    __tablename__ = "allocation_list"

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", unique=True)
    method: str  # the generator and its version
    seed: str = Field(max_length=64)
    ratio: str  # arm:weight pairs, e.g. A:1 B:1
    block_sizes: str  # e.g. 2 4
    strata: str  # the stratification factors, e.g. site DONOR
    list_length: int  # allocations per stratum as sealed; a used-up stratum grows from the same seed
    generated_at: str  # ISO 8601 UTC
    generated_by: str
    list_sha256: str = Field(max_length=64)  # of every stratum's allocations, in order, as generated


class Allocation(SQLModel, table=True):
    """One concealed allocation. The arm of an unused row is never read by a screen, report or command."""

    __tablename__ = "allocation"
    __table_args__ = (Index("ix_allocation_stratum_sequence", "list_id", "stratum", "sequence", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="allocation_list.id")
    stratum: str  # e.g. site=01 DONOR=MUD
    sequence: int  # from 1 within the stratum
    block: int
    block_size: int
    arm_code: str = Field(max_length=40)
    participant_id: int | None = Field(default=None, foreign_key="participant.id", unique=True)
    revealed_at: str | None = None  # ISO 8601 UTC
    revealed_by: str | None = None


class RiskAssessment(SQLModel, table=True):
    """The risk group computed from a participant's values, with the version of the rules that computed it."""

    __tablename__ = "risk_assessment"

    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    risk_group: str | None = Field(default=None, max_length=20)  # None: the values no longer decide a group
    rule_version: str
    inputs: str  # the values used, as canonical JSON
    computed_at: str  # ISO 8601 UTC
