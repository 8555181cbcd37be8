"""Reading what the rules need about one participant, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from coordinator.consent.service import completed_on
from coordinator.eligibility.rules import Facts, Observation
from coordinator.participants.queries import participant_id
from coordinator.studies.catalogue import current_definitions
from coordinator.studies.schema import StudyDefinition
from db.tables import Identity, Participant, ScreeningValue, Study, StudyVersion

P = Participant.__table__
I = Identity.__table__  # noqa: E741
S = Study.__table__
V = StudyVersion.__table__
SV = ScreeningValue.__table__


@dataclass(frozen=True)
class Subject:
    """A participant as the eligibility and assignment services see it: study data and the facts."""

    id: int
    code: str
    study: str
    study_id: int
    site: int
    status: str
    status_date: date
    arm: str | None
    definition: StudyDefinition
    version: int  # of the study definition the rules come from
    facts: Facts


def load_subject(connection: Connection, code: str, on: date) -> Subject:
    """The participant, their study at its current version, and the facts as known on `on`."""
    pid = participant_id(connection, code)
    row = connection.execute(
        select(P.c.code, P.c.study_id, S.c.code.label("study"), P.c.site_number, P.c.status, P.c.status_date,
               P.c.arm_code, I.c.birth_date, I.c.sex)
        .join(S, S.c.id == P.c.study_id).join(I, I.c.participant_id == P.c.id).where(P.c.id == pid)
    ).one()
    definition = current_definitions(connection, {row.study_id})[row.study_id]
    version = connection.execute(
        select(V.c.number).where(V.c.study_id == row.study_id).order_by(V.c.number.desc()).limit(1)).scalar_one()
    facts = Facts(
        birth_date=date.fromisoformat(row.birth_date), sex=row.sex, assessed_on=on,
        consent_on=completed_on(connection, row.code, on), values=_observations(connection, pid),
        items=definition.items,
    )
    return Subject(pid, row.code, row.study, row.study_id, row.site_number, row.status,
                   date.fromisoformat(row.status_date), row.arm_code, definition, version, facts)


def _observations(connection: Connection, pid: int) -> dict[str, Observation]:
    return {
        r.item: Observation(r.value, r.unit, r.uln, date.fromisoformat(r.measured_on) if r.measured_on else None,
                            r.source)
        for r in connection.execute(
            select(SV.c.item, SV.c.value, SV.c.unit, SV.c.uln, SV.c.measured_on, SV.c.source)
            .where(SV.c.participant_id == pid))
    }


def inputs_fingerprint(subject: Subject, names: list[str]) -> str:
    """A hash of the values some rules read (and who they are read for): a confirmation holds while it is equal."""
    facts = subject.facts
    values = {
        name: [o.value, o.unit, o.uln, o.measured_on.isoformat() if o.measured_on else None, o.source]
        for name in names if (o := facts.values.get(name)) is not None
    }
    content = {"version": subject.version, "birth_date": facts.birth_date.isoformat(), "sex": facts.sex,
               "values": values}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()
