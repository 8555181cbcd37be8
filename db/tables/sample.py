"""Biological samples, their custody events, storage places and shipments (SDTM BE/BS in spirit).

A sample refers to its participant by id; its code is printed on labels and never names anyone. Custody events
are appended, never changed (a trigger refuses it), and the sample's status is derived from them.
"""

from sqlmodel import Field, Index, SQLModel


class StorageUnit(SQLModel, table=True):
    """A freezer, a rack in it, or a box in a rack. A box has rows × columns positions."""

    __tablename__ = "storage_unit"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # freezer, rack, box
    name: str = Field(max_length=40)
    parent_id: int | None = Field(default=None, foreign_key="storage_unit.id", index=True)
    path: str = Field(unique=True, max_length=130)  # FREEZER/RACK/BOX: what a coordinator types
    rows: int | None = None  # boxes only
    columns: int | None = None
    note: str | None = None  # e.g. -80 °C, room B12


class Shipment(SQLModel, table=True):
    """Samples sent together to one destination, under one manifest number."""

    __tablename__ = "shipment"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=40)  # e.g. MILA-SHP-0001
    study_id: int = Field(foreign_key="study.id")
    destination: str
    shipped_at: str  # local date and time, YYYY-MM-DD HH:MM
    shipped_by: str
    note: str | None = None


class Sample(SQLModel, table=True):
    """One tube, bag or flask. `status`, `box_id` and `position` follow from its custody events."""

    __tablename__ = "sample"
    __table_args__ = (
        Index("ix_sample_study_code", "study_id", "code"),
        Index("ix_sample_study_status", "study_id", "status"),
        Index("ix_sample_study_type", "study_id", "type_id"),
        Index("ix_sample_study_collected", "study_id", "collected_at"),
        Index("ix_sample_position", "box_id", "position", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=60)  # BEREFID: MILA-000123, an aliquot MILA-000123-01
    study_id: int = Field(foreign_key="study.id")
    participant_id: int = Field(foreign_key="participant.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="sample.id", index=True)
    level: int = 0  # 0 collected from the participant, 1 made from it, ...
    origin: str = Field(max_length=12)  # collected, aliquot, derivative
    type_id: str = Field(max_length=20)  # a sample type of the study file
    timepoint: str | None = Field(default=None, max_length=20)
    collected_at: str  # local date and time of collection (an aliquot: its parent's)
    collected_by: str
    volume: float
    unit: str = Field(max_length=10)
    taken: float | None = None  # what making it took from the parent, in the parent's unit
    total_cells: float | None = None
    marker_cells: float | None = None  # CD3+ (DLI), CD56+CD3- (NK-cell product)
    recipient_weight_kg: float | None = None
    notes: str | None = None
    status: str = Field(max_length=12)
    box_id: int | None = Field(default=None, foreign_key="storage_unit.id")
    position: int | None = None  # 1 .. rows × columns, row by row


class SampleEvent(SQLModel, table=True):
    """One step of custody: who did what to the sample, when, and where it went."""

    __tablename__ = "sample_event"

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int = Field(foreign_key="sample.id", index=True)
    event: str = Field(max_length=16)  # collected, received, processed, aliquoted, stored, moved, retrieved, ...
    at: str  # local date and time, YYYY-MM-DD HH:MM
    by: str  # the user who recorded it
    location: str | None = None  # FREEZER/RACK/BOX/POS after storing or moving, before retrieving
    destination: str | None = None  # shipped to
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id", index=True)
    reason: str | None = None  # destroyed, used
    note: str | None = None
