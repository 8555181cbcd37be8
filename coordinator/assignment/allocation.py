"""Sealed allocation lists of randomized studies: generated once, revealed one allocation at a time, audited.

Concealment: nothing here reads the arm of an allocation that is not used yet, except `reveal`, which gives it to
a participant in the same transaction. The seed, which would let anyone regenerate the list, never leaves this
module either.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select

from coordinator.assignment import randomization
from coordinator.assignment.randomization import METHOD, Slot
from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import RuleViolation
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies import catalogue
from coordinator.studies.schema import Allocation as DesignAllocation
from coordinator.studies.schema import StudyDefinition
from db.tables import Allocation, AllocationList, Participant, Study

A = Allocation.__table__
AL = AllocationList.__table__
P = Participant.__table__
S = Study.__table__

SITE = "site"  # the stratification factor that is the participant's site, not a recorded value


@dataclass(frozen=True)
class UsedAllocation:
    participant: str
    stratum: str
    sequence: int
    arm: str
    revealed_at: str  # ISO 8601 UTC
    revealed_by: str


@dataclass(frozen=True)
class StratumCounts:
    stratum: str
    arms: dict[str, int]  # arm code -> participants randomized to it, every arm of the ratio


@dataclass(frozen=True)
class AllocationReport:
    """What the statistician may see: how the list was made and what was used. No seed, no unused allocation,
    and no block of a used one (its size and position would tell the arms left in it)."""

    study: str
    method: str
    generated_at: str
    generated_by: str
    list_sha256: str
    ratio: list[tuple[str, int]]
    block_sizes: list[int]
    factors: list[str]  # the stratification factors, in the study file's order
    used: list[UsedAllocation]  # in the order they were revealed
    counts: list[StratumCounts]  # every stratum of the list
    balanced: bool  # in every stratum, arm counts (divided by their ratio) within half the largest block


@dataclass(frozen=True)
class _Sealed:
    """A stored list as this module reads it; only its id and facts leave the module, never the seed."""

    id: int
    seed: str
    method: str
    arms: list[tuple[str, int]]
    block_sizes: list[int]
    factors: list[str]
    length: int  # allocations per stratum when the list was sealed
    generated_at: str
    generated_by: str
    digest: str

    def slots(self, stratum: str, length: int) -> list[Slot]:
        return randomization.generate(self.seed, stratum, self.arms, self.block_sizes, length)


def ensure_lists(ctx: Context) -> list[str]:
    """Generate and seal the list of every randomized study that has none; returns those studies' codes.

    Called when the workspace opens, so that a list exists before its first participant can be randomized.
    """
    with environment_errors(), ctx.engine.connect() as connection:
        if not _unlisted(connection):
            return []
    with UnitOfWork(ctx, Permission.MAINTAIN) as work:
        # Again under the write lock: a program opened at the same moment may have sealed it in between.
        unlisted = _unlisted(work.connection)
        for study_id, code, definition in unlisted:
            _seal(work, study_id, code, definition)
    return [code for _id, code, _definition in unlisted]


def _unlisted(connection: Connection) -> list[tuple[int, str, StudyDefinition]]:
    rows = connection.execute(
        select(S.c.id, S.c.code).outerjoin(AL, AL.c.study_id == S.c.id).where(AL.c.id.is_(None)).order_by(S.c.code)
    ).all()
    definitions = catalogue.current_definitions(connection, {row.id for row in rows})
    return [(row.id, row.code, definition) for row in rows
            if (definition := definitions.get(row.id)) is not None
            and definition.design.allocation is DesignAllocation.randomized]


def _seal(work: UnitOfWork, study_id: int, code: str, definition: StudyDefinition) -> None:
    plan, ratio = definition.randomization, definition.design.allocation_ratio
    assert plan is not None and ratio is not None  # the schema requires both of a randomized design
    arms = [(arm.code, weight) for arm, weight in zip(definition.arms, ratio, strict=True)]
    seed = secrets.token_hex(16)
    lists = {stratum: randomization.generate(seed, stratum, arms, plan.block_sizes, plan.list_length)
             for stratum in randomization.strata_keys([(name, _levels(definition, name)) for name in plan.strata])}
    digest = randomization.list_digest(lists)
    # Plain inserts, not work.insert: a field-by-field audit would write the seed and every arm into the audit
    # trail, which anyone may read, and unseal the list. The one event below records the list without them.
    connection = work.connection
    list_id = connection.execute(insert(AL).values(
        study_id=study_id, method=METHOD, seed=seed, list_length=plan.list_length,
        ratio=" ".join(f"{arm}:{weight}" for arm, weight in arms),
        block_sizes=" ".join(map(str, plan.block_sizes)), strata=" ".join(plan.strata), generated_at=work.stamp,
        generated_by=work.actor, list_sha256=digest,
    )).inserted_primary_key[0]
    connection.execute(insert(A), [_row(list_id, stratum, slot) for stratum, slots in lists.items() for slot in slots])
    work.record_event("allocation_list", str(list_id), _(
        "Allocation list generated and sealed: {method}; ratio {ratio}; block sizes {blocks}; {strata} strata of "
        "{length} allocations; SHA-256 {digest}"
    ).format(method=METHOD, ratio=":".join(map(str, ratio)), blocks=", ".join(map(str, plan.block_sizes)),
             strata=len(lists), length=plan.list_length, digest=digest), study=code)


def _levels(definition: StudyDefinition, factor: str) -> list[str]:
    if factor == SITE:
        return [_site(site.number) for site in definition.sites]
    return list(definition.items[factor].choices)


def _site(number: int) -> str:
    return f"{number:02d}"  # as in participant codes


def _row(list_id: int, stratum: str, slot: Slot) -> dict[str, object]:
    return {"list_id": list_id, "stratum": stratum, "sequence": slot.sequence, "block": slot.block,
            "block_size": slot.block_size, "arm_code": slot.arm}


def stratum_for(definition: StudyDefinition, site: int, values: Mapping[str, str]) -> str:
    """The participant's stratum from their site and recorded choices (item id -> choice code)."""
    plan = definition.randomization
    if plan is None:
        raise RuleViolation(_("{study} is not randomized.").format(study=definition.short_name), field="arm")
    levels = []
    for factor in plan.strata:
        level = _site(site) if factor == SITE else values.get(factor)
        if not level:
            raise RuleViolation(_("Randomization needs {item}: record it first.").format(
                item=definition.items[factor].label), field=factor)
        levels.append((factor, level))
    return randomization.stratum_key(levels)


def stratum_label(definition: StudyDefinition, key: str) -> str:
    """`site=01 DONOR=MUD` as a coordinator reads it: `site 01, Donor type: Matched unrelated donor`."""
    parts = []
    for factor, _sep, level in (part.partition("=") for part in key.split()):
        item = definition.items.get(factor)
        if item is None:
            parts.append(f"{factor} {level}" if level else factor)
        else:
            parts.append(f"{item.label}: {item.choices.get(level, level)}")
    return ", ".join(parts)


def reveal(work: UnitOfWork, study_id: int, study_code: str, participant_id: int, participant_code: str,
           stratum: str) -> str:
    """Give the participant the next unused allocation of their stratum and return its arm, audited.

    Called by enrollment inside its transaction, after eligibility and consent: the only reader of an arm not
    yet used, and it uses it at once.
    """
    tags = {"study": study_code, "subject": participant_code}
    earlier = work.read(select(A.c.arm_code, A.c.revealed_at).where(A.c.participant_id == participant_id)).first()
    if earlier is not None:
        raise RuleViolation(_("{code} was already randomized on {date} to {arm}: a participant is randomized only "
                              "once.").format(code=participant_code, date=earlier.revealed_at[:10],
                                              arm=earlier.arm_code), field="arm")
    sealed = _sealed(work.connection, study_id)
    if sealed is None:
        raise RuleViolation(_("{study} has no allocation list yet: close the program and open it again to generate "
                              "it.").format(study=study_code), field="arm")
    allocation = _next_unused(work, sealed.id, stratum)
    if allocation is None:
        have = work.read(select(func.count()).where(A.c.list_id == sealed.id, A.c.stratum == stratum)).scalar_one()
        if not have:
            raise RuleViolation(_("{stratum} is not a stratum of the allocation list of {study}. Its strata: "
                                  "{known}.").format(stratum=stratum, study=study_code,
                                                     known=", ".join(_strata(work.connection, sealed.id))),
                                field="arm")
        _extend(work, sealed, study_code, stratum, have)
        allocation = _next_unused(work, sealed.id, stratum)
        assert allocation is not None  # just extended
    work.update(Allocation, allocation.id, {
        "participant_id": participant_id, "revealed_at": work.stamp, "revealed_by": work.actor,
    }, reason=_("randomized"), **tags)
    work.record_event("allocation", str(allocation.id), _(
        "Randomized: allocation {sequence} of stratum {stratum}, arm {arm}"
    ).format(sequence=allocation.sequence, stratum=stratum, arm=allocation.arm_code), **tags)
    return allocation.arm_code


def _next_unused(work: UnitOfWork, list_id: int, stratum: str) -> Row[Any] | None:
    return work.read(
        select(A.c.id, A.c.sequence, A.c.arm_code)
        .where(A.c.list_id == list_id, A.c.stratum == stratum, A.c.participant_id.is_(None))
        .order_by(A.c.sequence).limit(1)
    ).first()


def _extend(work: UnitOfWork, sealed: _Sealed, study_code: str, stratum: str, have: int) -> None:
    """The stratum's `have` allocations are all used: add as many again as were sealed, regenerated from the seed
    so that the longer list is still the one the seed gives."""
    tail = sealed.slots(stratum, have + sealed.length)[have:]
    work.connection.execute(insert(A), [_row(sealed.id, stratum, slot) for slot in tail])
    work.record_event("allocation_list", str(sealed.id), _(
        "Stratum {stratum} used up: extended from the list's seed with allocations {first} to {last}"
    ).format(stratum=stratum, first=tail[0].sequence, last=tail[-1].sequence), study=study_code)


def _sealed(connection: Connection, study_id: int) -> _Sealed | None:
    row = connection.execute(select(AL).where(AL.c.study_id == study_id)).first()
    if row is None:
        return None
    arms = [(arm, int(weight)) for arm, weight in (pair.split(":") for pair in row.ratio.split())]
    return _Sealed(row.id, row.seed, row.method, arms, [int(size) for size in row.block_sizes.split()],
                   row.strata.split(), row.list_length, row.generated_at, row.generated_by, row.list_sha256)


def _strata(connection: Connection, list_id: int) -> list[str]:
    """The list's strata in the order they were generated; reads no arm."""
    return list(connection.execute(
        select(A.c.stratum).where(A.c.list_id == list_id).group_by(A.c.stratum).order_by(func.min(A.c.id))
    ).scalars())


def _require_list(connection: Connection, study_code: str, study_id: int) -> _Sealed:
    sealed = _sealed(connection, study_id)
    if sealed is None:
        raise RuleViolation(_("{study} has no allocation list: only randomized studies have one.").format(
            study=study_code), field="study")
    return sealed


def allocation_report(ctx: Context, study_code: str) -> AllocationReport:
    """The list's facts, every allocation used so far and the arm counts per stratum, for the statistician."""
    study = catalogue.current(ctx, study_code)
    ctx.require(Permission.SEE_ALLOCATION_LIST, study.code)
    with environment_errors(), ctx.engine.connect() as connection:
        sealed = _require_list(connection, study.code, study.id)
        strata = _strata(connection, sealed.id)
        used = [UsedAllocation(*row) for row in connection.execute(
            select(P.c.code, A.c.stratum, A.c.sequence, A.c.arm_code, A.c.revealed_at, A.c.revealed_by)
            .join(P, P.c.id == A.c.participant_id)
            .where(A.c.list_id == sealed.id, A.c.participant_id.is_not(None))
            .order_by(A.c.revealed_at, P.c.code))]
    counts = [StratumCounts(stratum, {arm: 0 for arm, _weight in sealed.arms}) for stratum in strata]
    by_stratum = {entry.stratum: entry.arms for entry in counts}
    for allocation in used:
        by_stratum[allocation.stratum][allocation.arm] += 1
    return AllocationReport(
        study.code, sealed.method, sealed.generated_at, sealed.generated_by, sealed.digest, sealed.arms,
        sealed.block_sizes, sealed.factors, used, counts,
        all(randomization.balanced(entry.arms, sealed.arms, sealed.block_sizes) for entry in counts),
    )


def verify_list(ctx: Context, study_code: str) -> bool:
    """Whether the stored list is the one its seed gives and the one sealed: every allocation, used or not,
    regenerated and compared, and the sealed part's digest recomputed. Says only yes or no."""
    study = catalogue.current(ctx, study_code)
    ctx.require(Permission.SEE_ALLOCATION_LIST, study.code)
    with environment_errors(), ctx.engine.connect() as connection:
        sealed = _require_list(connection, study.code, study.id)
        stored: dict[str, list[Slot]] = {}
        for row in connection.execute(
            select(A.c.stratum, A.c.sequence, A.c.block, A.c.block_size, A.c.arm_code)
            .where(A.c.list_id == sealed.id).order_by(A.c.stratum, A.c.sequence)
        ):
            stored.setdefault(row.stratum, []).append(Slot(row.sequence, row.block, row.block_size, row.arm_code))
    length = sealed.length
    regenerated = {stratum: sealed.slots(stratum, len(slots)) for stratum, slots in stored.items()}
    as_sealed = {stratum: slots[:length] for stratum, slots in regenerated.items()}
    return stored == regenerated and randomization.list_digest(as_sealed) == sealed.digest
