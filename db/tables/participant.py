"""Participants (pseudonymous study data) and their identity, kept in separate tables."""

from sqlmodel import Field, Index, SQLModel, UniqueConstraint


class Participant(SQLModel, table=True):
    """Study data refers to a participant by code only; names live in Identity.

    Rows are never deleted (a trigger refuses it), so a code, once given, is never given again.
    """

    __tablename__ = "participant"
    __table_args__ = (
        Index("ix_participant_study_status", "study_id", "status"),
        Index("ix_participant_study_arm", "study_id", "arm_code"),
        Index("ix_participant_study_site", "study_id", "site_number"),
        UniqueConstraint("study_id", "site_number", "sequence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)  # e.g. MILA-01-0001
    study_id: int = Field(foreign_key="study.id")
    study_version_id: int = Field(foreign_key="study_version.id")
    site_number: int
    sequence: int
    status: str = Field(max_length=20)
    status_date: str  # ISO date of the last status move
    arm_code: str | None = Field(default=None, max_length=40)
    registered_on: str  # ISO date
    enrolled_on: str | None = None
    ended_on: str | None = None


class Identity(SQLModel, table=True):
    """Who the participant is. Never printed on CRFs, labels or exports."""

    __tablename__ = "identity"

    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    first_name: str | None = None
    last_name: str | None = None
    birth_date: str  # ISO date
    sex: str = Field(max_length=1)  # CDASH SEX: F or M
    search_name: str = ""  # case- and accent-folded names, for search


class Contact(SQLModel, table=True):
    """A holder of parental authority, legal guardian or the participant's own contact: identity side."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    role: str = Field(max_length=20)  # holder1, holder2, guardian, participant
    name: str
    relationship: str | None = None  # mother, father, legal guardian, ...
    phone: str | None = None
    email: str | None = None

