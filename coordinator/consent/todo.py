"""The consent to-do: participants still on study whose consent is due now or becomes due within a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from coordinator.consent.rules import rule_for
from coordinator.consent.service import statuses
from coordinator.consent.status import State, reconsent_due_on
from coordinator.context import Context
from coordinator.participants.lifecycle import FINAL
from coordinator.participants.queries import keep_readable
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies.catalogue import current_definitions
from db.tables import Identity, Participant, Study

P = Participant.__table__
I = Identity.__table__  # noqa: E741
S = Study.__table__
DUE_NOW = frozenset({State.incomplete, State.reconsent_due})


@dataclass(frozen=True)
class ConsentDue:
    code: str
    study: str
    due: date
    why: str


def consent_todo(ctx: Context, start: date, end: date, study: str | None = None) -> list[ConsentDue]:
    """What is due on or before `end`, soonest first: missing or renewed consent now, birthdays and versions later.
    Only in the studies the user may read (`study` one of them: refused otherwise)."""
    ctx.require(Permission.READ, study or None)
    statement = (select(P.c.id, P.c.code, S.c.code.label("study"), I.c.birth_date, P.c.study_id)
                 .join(S, S.c.id == P.c.study_id).join(I, I.c.participant_id == P.c.id)
                 .where(P.c.status.not_in([status.value for status in FINAL])))
    if study:
        statement = statement.where(S.c.code == study)
    statement = keep_readable(ctx, statement)
    with environment_errors(), ctx.engine.connect() as connection:
        people = connection.execute(statement).all()
        definitions = current_definitions(connection, {person.study_id for person in people})
    now = statuses(ctx, [p.id for p in people])
    found: list[ConsentDue] = []
    for person in people:
        current = now[person.id]
        if current.state in DUE_NOW:
            found.append(ConsentDue(person.code, person.study, current.since or start, current.explanation))
            continue
        if current.state is not State.complete:
            continue
        definition = definitions[person.study_id]
        for when, why in reconsent_due_on(rule_for(definition.consent_jurisdiction), definition.consent,
                                          date.fromisoformat(person.birth_date), start, end):
            found.append(ConsentDue(person.code, person.study, when, why))
    return sorted(found, key=lambda item: (item.due, item.code))
