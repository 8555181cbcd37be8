"""The screening log of a study: CONSORT-style counts, screen failures by reason, and one line per participant.

Pseudonymous: participant codes only, never names, so the log can go to a monitor or a sponsor.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from coordinator.context import Context
from coordinator.eligibility.criteria import Decision
from coordinator.i18n import _
from coordinator.participants.lifecycle import Status
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from coordinator.studies.schema import StudyDefinition
from db.tables import EligibilityConfirmation, Participant

P = Participant.__table__
EC = EligibilityConfirmation.__table__


@dataclass(frozen=True)
class ScreeningCounts:
    """The boxes of a CONSORT enrollment diagram, for one study."""

    screened: int  # registered, whatever happened next
    in_screening: int  # still being screened
    eligible: int  # the latest confirmation says eligible (enrolled or not yet)
    enrolled: int  # ever enrolled, whatever their status now
    screen_failures: int
    withdrawn_before_enrollment: int


@dataclass(frozen=True)
class ArmCount:
    code: str
    label: str
    enrolled: int
    target: int | None


@dataclass(frozen=True)
class FailureReason:
    """One criterion that made participants screen failures. A participant may fail several criteria."""

    criterion: str
    category: str  # inclusion or exclusion; empty when the current study file no longer has the criterion
    text: str
    count: int


@dataclass(frozen=True)
class LogEntry:
    """One participant's line: what the log shows of them (their code, never their name)."""

    code: str
    site: int
    registered_on: date
    status: Status
    decision: Decision | None  # of the latest confirmation; None while not confirmed
    confirmed_at: str | None  # ISO 8601 UTC
    confirmed_by: str | None
    criteria_not_met: tuple[str, ...]
    enrolled_on: date | None
    arm: str | None


@dataclass(frozen=True)
class ScreeningLog:
    study: str
    title: str
    registry: str  # the registry ids, e.g. "NCT05792007, DR220254-MILA"
    version: int  # of the study definition the criteria texts come from
    counts: ScreeningCounts
    arms: list[ArmCount]
    reasons: list[FailureReason]  # most frequent first
    failures_without_criteria: int  # screen failures recorded by a status change, without a confirmation
    entries: list[LogEntry]  # by site, then registration order


def screening_log(ctx: Context, study: str) -> ScreeningLog:
    """The log of one study, read in one query; NotFound (with the known studies) for an unknown study."""
    ref = catalogue.current(ctx, study)
    ctx.require(Permission.READ, ref.code)
    latest = (select(EC.c.participant_id, func.max(EC.c.id).label("id"))
              .group_by(EC.c.participant_id).subquery("latest"))
    statement = (
        select(P.c.code, P.c.site_number, P.c.registered_on, P.c.status, P.c.enrolled_on, P.c.arm_code,
               EC.c.verdict, EC.c.confirmed_at, EC.c.confirmed_by, EC.c.criteria_not_met)
        .outerjoin(latest, latest.c.participant_id == P.c.id)
        .outerjoin(EC, EC.c.id == latest.c.id)
        .where(P.c.study_id == ref.id)
        .order_by(P.c.site_number, P.c.sequence)
    )
    with environment_errors(), ctx.engine.connect() as connection:
        rows = connection.execute(statement).all()
    entries = [
        LogEntry(row.code, row.site_number, date.fromisoformat(row.registered_on), Status(row.status),
                 Decision(row.verdict) if row.verdict else None, row.confirmed_at, row.confirmed_by,
                 tuple((row.criteria_not_met or "").split()),
                 date.fromisoformat(row.enrolled_on) if row.enrolled_on else None, row.arm_code)
        for row in rows
    ]
    return _summarize(ref.code, ref.version, ref.definition, entries)


def _summarize(study: str, version: int, definition: StudyDefinition, entries: list[LogEntry]) -> ScreeningLog:
    """Every count in one pass over the participants."""
    statuses: Counter[Status] = Counter()
    per_arm: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    eligible = enrolled = withdrawn_before = without_criteria = 0
    for entry in entries:
        statuses[entry.status] += 1
        if entry.decision is Decision.eligible:
            eligible += 1
        if entry.enrolled_on is not None:
            enrolled += 1
            per_arm[entry.arm or ""] += 1
        elif entry.status is Status.withdrawn:
            withdrawn_before += 1
        if entry.decision is Decision.not_eligible:
            failed.update(entry.criteria_not_met)
        elif entry.status is Status.screen_failure:
            without_criteria += 1
    counts = ScreeningCounts(len(entries), statuses[Status.screening], eligible, enrolled,
                             statuses[Status.screen_failure], withdrawn_before)
    arms = [ArmCount(arm.code, arm.label, per_arm[arm.code], arm.target) for arm in definition.arms]
    return ScreeningLog(study, definition.title, definition.registry_label, version, counts, arms,
                        _reasons(definition, failed), without_criteria, entries)


def _reasons(definition: StudyDefinition, failed: Counter[str]) -> list[FailureReason]:
    criteria = {c.id: c for c in definition.eligibility.criteria} if definition.eligibility else {}
    order = {criterion: index for index, criterion in enumerate(criteria)}
    reasons = []
    for criterion, count in failed.items():
        known = criteria.get(criterion)
        reasons.append(FailureReason(
            criterion, known.category.value if known else "",
            known.text if known else _("(no longer in the study file)"), count))
    return sorted(reasons, key=lambda r: (-r.count, order.get(r.criterion, len(order)), r.criterion))
