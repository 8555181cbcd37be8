"""Consent: each signature and each withdrawal is its own row. Signer names live on the identity side."""

from sqlmodel import Field, Index, SQLModel


class ConsentSigner(SQLModel, table=True):
    """A person who signed (holder, guardian, witness, investigator...): identity side, never exported."""

    __tablename__ = "consent_signer"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    name: str
    relationship: str | None = None  # mother, father, legal guardian, ...


class ConsentSignature(SQLModel, table=True):
    """One signature on one version of a consent document. `episode` starts again after a withdrawal."""

    __tablename__ = "consent_signature"
    __table_args__ = (Index("ix_consent_signature_participant", "participant_id", "episode"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id")
    episode: int
    role: str = Field(max_length=20)  # holder1, holder2, guardian, participant, assent, witness, investigator
    signer_id: int = Field(foreign_key="consent_signer.id")
    signed_on: str  # ISO date
    signed_time: str | None = Field(default=None, max_length=5)  # HH:MM, when known
    document: str
    document_version: str = Field(max_length=20)
    obtained_by: str  # the staff member who obtained it
    witness_id: int | None = Field(default=None, foreign_key="consent_signer.id")
    assent: str | None = Field(default=None, max_length=10)  # given or refused, for the assent role
    exception: str | None = Field(default=None, max_length=20)  # a one-holder exception (FR L1122-2)
    exception_detail: str | None = None  # the document named, or the conditions confirmed


class ConsentWithdrawal(SQLModel, table=True):
    __tablename__ = "consent_withdrawal"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    episode: int
    withdrawn_on: str  # ISO date
    by_role: str = Field(max_length=20)
    stop_follow_up: bool
    stop_data_use: bool
    destroy_samples: bool
