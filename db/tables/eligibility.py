"""Screening: the source values recorded for a participant, and the investigator's confirmations of eligibility."""

from sqlmodel import Field, SQLModel, UniqueConstraint


class ScreeningValue(SQLModel, table=True):
    """One source value of a participant (a lab, a date, a diagnosis, a yes/no answer). A correction updates it,
    audited with old and new value; it is never deleted."""

    __tablename__ = "screening_value"
    __table_args__ = (UniqueConstraint("participant_id", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id")
    item: str = Field(max_length=8)  # item or criterion id of the study file
    value: str  # as recorded: a number, an ISO date, a choice code, yes or no, none
    unit: str | None = Field(default=None, max_length=20)
    uln: float | None = None  # the laboratory's upper limit of normal, in the same unit
    measured_on: str | None = None  # ISO date the value was measured or the answer established
    source: str | None = None  # where it comes from: lab report, medical record, ...
    recorded_on: str  # ISO date


class EligibilityConfirmation(SQLModel, table=True):
    """An investigator's confirmation of the verdict. Append-only; the newest one counts while the values
    it was based on (their hash) are unchanged."""

    __tablename__ = "eligibility_confirmation"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    confirmed_at: str  # ISO 8601 UTC
    confirmed_by: str
    verdict: str = Field(max_length=20)  # eligible, not eligible
    criteria_not_met: str = ""  # space-separated criterion ids that made the participant ineligible
    study_version: int
    inputs_sha256: str = Field(max_length=64)
