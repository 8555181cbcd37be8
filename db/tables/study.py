"""Studies and their versions: each changed study file becomes a new, immutable version row."""

from sqlmodel import Field, SQLModel, UniqueConstraint


class Study(SQLModel, table=True):
    __tablename__ = "study"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)  # short name: MILA, REL-ALL, ...
    title: str


class StudyVersion(SQLModel, table=True):
    """The study definition as validated from its file, frozen at the time it was loaded."""

    __tablename__ = "study_version"
    __table_args__ = (UniqueConstraint("study_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    number: int
    content_sha256: str = Field(max_length=64)
    definition_json: str
    source_file: str
    loaded_at: str  # ISO 8601 UTC
