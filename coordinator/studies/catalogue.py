"""The site's studies as stored in the database: each file change becomes a new version, never an edit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Connection, Subquery, func, select

from coordinator.audit.writer import UnitOfWork, utc_stamp
from coordinator.context import Context
from coordinator.errors import NotFound
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies.loader import LoadedStudies
from coordinator.studies.schema import StudyDefinition
from db.tables import Participant, Study, StudyVersion

P = Participant.__table__
S = Study.__table__
V = StudyVersion.__table__


@dataclass(frozen=True)
class StudyRef:
    """A study at its current version: what a new registration is bound to."""

    id: int
    code: str
    version_id: int
    version: int
    definition: StudyDefinition


@dataclass(frozen=True)
class ArmSummary:
    code: str
    label: str
    kind: str
    target: int | None
    enrolled: int


@dataclass(frozen=True)
class StudySummary:
    code: str
    title: str
    version: int
    definition: StudyDefinition
    arms: list[ArmSummary]
    registered: int
    enrolled: int

    @property
    def target(self) -> int | None:
        return self.definition.target_enrollment


@lru_cache(maxsize=256)
def _parse(content_sha256: str, definition_json: str) -> StudyDefinition:
    return StudyDefinition.model_validate_json(definition_json)


def sync(ctx: Context, loaded: LoadedStudies) -> list[tuple[str, int]]:
    """Store every study whose file content is new as a new version; returns (code, version) of those."""
    added: list[tuple[str, int]] = []
    with UnitOfWork(ctx, Permission.MAINTAIN) as work:
        for code, study in loaded.studies.items():
            row = work.read(select(S.c.id).where(S.c.code == code)).first()
            if row is None:
                study_id = work.insert(Study, {"code": code, "title": study.definition.title}, study=code)
                latest = None
            else:
                study_id = row.id
                latest = work.read(
                    select(V.c.number, V.c.content_sha256).where(V.c.study_id == study_id)
                    .order_by(V.c.number.desc()).limit(1)
                ).first()
                if latest is not None and latest.content_sha256 == study.content_sha256:
                    continue
                if work.read(select(S.c.title).where(S.c.id == study_id)).scalar_one() != study.definition.title:
                    work.update(Study, study_id, {"title": study.definition.title},
                                reason=_("study file {file} changed").format(file=study.source_file), study=code)
            number = 1 if latest is None else latest.number + 1
            work.insert(StudyVersion, {
                "study_id": study_id, "number": number, "content_sha256": study.content_sha256,
                "definition_json": study.definition_json, "source_file": study.source_file,
                "loaded_at": utc_stamp(ctx.now()),
            }, study=code)
            added.append((code, number))
    return added


def _newest_versions() -> Subquery:
    return (
        select(V.c.study_id, func.max(V.c.number).label("number"))
        .group_by(V.c.study_id).subquery("current")
    )


def current_definitions(connection: Connection, study_ids: set[int]) -> dict[int, StudyDefinition]:
    """The latest definition of some studies, by study id (consent follows the current documents)."""
    newest = _newest_versions()
    rows = connection.execute(
        select(V.c.study_id, V.c.content_sha256, V.c.definition_json)
        .join(newest, (newest.c.study_id == V.c.study_id) & (newest.c.number == V.c.number))
        .where(V.c.study_id.in_(study_ids)))
    return {row.study_id: _parse(row.content_sha256, row.definition_json) for row in rows}


def current(ctx: Context, code: str) -> StudyRef:
    """The study at its latest version; NotFound lists the known short names."""
    with environment_errors(), ctx.engine.connect() as connection:
        newest = _newest_versions()
        row = connection.execute(
            select(S.c.id, S.c.code, V.c.id.label("version_id"), V.c.number, V.c.content_sha256,
                   V.c.definition_json)
            .join(newest, newest.c.study_id == S.c.id)
            .join(V, (V.c.study_id == S.c.id) & (V.c.number == newest.c.number))
            .where(S.c.code == code)
        ).first()
        if row is None:
            known = connection.execute(select(S.c.code).order_by(S.c.code)).scalars().all()
            raise NotFound(
                _("Unknown study {code}. Known studies: {known}.").format(code=code, known=", ".join(known)),
                field="study",
            )
    return StudyRef(row.id, row.code, row.version_id, row.number, _parse(row.content_sha256, row.definition_json))


def definition_of_version(connection: Connection, version_id: int) -> StudyDefinition:
    row = connection.execute(
        select(V.c.content_sha256, V.c.definition_json).where(V.c.id == version_id)
    ).one()
    return _parse(row.content_sha256, row.definition_json)


def summaries(ctx: Context) -> list[StudySummary]:
    """Every study with its arms and enrolled/target counts, in one pass over the participants."""
    with environment_errors(), ctx.engine.connect() as connection:
        newest = _newest_versions()
        studies = connection.execute(
            select(S.c.id, S.c.code, S.c.title, V.c.number, V.c.content_sha256, V.c.definition_json)
            .join(newest, newest.c.study_id == S.c.id)
            .join(V, (V.c.study_id == S.c.id) & (V.c.number == newest.c.number))
            .order_by(S.c.code)
        ).all()
        counts: dict[tuple[int, str | None], int] = {}
        registered: dict[int, int] = {}
        for study_id, arm, count in connection.execute(
            select(P.c.study_id, P.c.arm_code, func.count()).group_by(P.c.study_id, P.c.arm_code)
        ):
            counts[(study_id, arm)] = count
            registered[study_id] = registered.get(study_id, 0) + count
    result = []
    for row in studies:
        definition = _parse(row.content_sha256, row.definition_json)
        arms = [
            ArmSummary(arm.code, arm.label, arm.kind.value, arm.target, counts.get((row.id, arm.code), 0))
            for arm in definition.arms
        ]
        result.append(StudySummary(
            row.code, row.title, row.number, definition, arms, registered.get(row.id, 0),
            sum(arm.enrolled for arm in arms),
        ))
    return result
