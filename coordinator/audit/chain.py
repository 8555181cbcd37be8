"""Checking the audit trail's hash chain: any row edited, deleted, inserted or moved outside the program shows.

Reads the rows in id order with plain column tuples (a million rows in a few seconds) and recomputes each
digest from the stored digest of the row before, so an edited row is named alone rather than every row after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from coordinator.audit import seal
from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from db.audit_chain import GENESIS, HASHED_FIELDS, row_digest
from db.engine import writer
from db.tables import AuditEntry, AuditSeal

A = AuditEntry.__table__
SEAL = AuditSeal.__table__
BATCH = 20_000
MAX_FAULTS = 1_000  # enough to act on; a wholesale rewrite is one finding, not a million


@dataclass(frozen=True)
class ChainFault:
    row_id: int | None  # the audit row at fault; None for the seal
    problem: str


@dataclass
class ChainReport:
    checked: int = 0
    faults: list[ChainFault] = field(default_factory=list)
    unsigned: bool = False  # the seal is not signed with this workstation's key

    @property
    def intact(self) -> bool:
        return not self.faults


def verify(engine: Engine) -> ChainReport:
    """Every audit row against its digest, its place in the sequence of ids, and the seal."""
    report = ChainReport()
    previous, expected_id = GENESIS, 1
    with environment_errors(), engine.connect() as connection:
        sealed = connection.execute(
            select(SEAL.c.last_id, SEAL.c.last_hash, SEAL.c.mac).where(SEAL.c.id == 1)).first()
        for row in _rows(connection):
            row_id, stored = row[0], row[-1]
            if row_id != expected_id:
                _fault(report, row_id, _missing(expected_id, row_id))
            if stored != row_digest(previous, row[:-1]):
                _fault(report, row_id, _("its content or place does not match its digest (edited, inserted or "
                                         "moved outside the program)"))
            previous, expected_id = stored or "", row_id + 1
            report.checked += 1
    last_id = expected_id - 1
    if sealed is None:
        _fault(report, None, _("the seal of the audit trail is missing"))
        return report
    if sealed.last_id > last_id:
        _fault(report, None, _("rows {first}–{last} at the end are missing").format(first=last_id + 1,
                                                                                    last=sealed.last_id))
    elif (sealed.last_id, sealed.last_hash) != (last_id, previous if last_id else GENESIS):
        _fault(report, None, _("the seal names row {sealed}, but the trail ends at row {last} (rows added or "
                               "changed outside the program)").format(sealed=sealed.last_id, last=last_id))
    if not seal.signed_correctly(sealed.mac, sealed.last_id, sealed.last_hash):
        report.unsigned = True
        _fault(report, None, _("the seal is not signed with this workstation's key: it was rewritten outside the "
                               "program, or the database comes from another workstation without its key"))
    return report


def adopt(ctx: Context, reason: str) -> ChainReport:
    """An administrator signs the seal with this workstation's key, when that is the only finding: a database
    brought from another workstation without its key. Any other finding is evidence, kept; the answer then is a
    backup, not a new seal."""
    ctx.require(Permission.RESTORE)
    if not reason.strip():
        raise InputError(_("Say why the seal is adopted (where the database comes from)."), field="reason")
    report = verify(ctx.engine)
    if report.intact:
        raise RuleViolation(_("The seal is already signed with this workstation's key; nothing to adopt."))
    if not report.unsigned or len(report.faults) > 1:
        raise RuleViolation(_("The audit trail has findings other than its seal's key ({count}): they stay as "
                              "evidence. Restore a backup instead.").format(count=len(report.faults)))
    with environment_errors(), writer(ctx.engine).begin() as connection:
        last = connection.execute(select(A.c.id, A.c.row_hash).order_by(A.c.id.desc()).limit(1)).first()
        seal.reseal(connection, *(last if last is not None else (0, GENESIS)))
    with UnitOfWork(ctx, Permission.RESTORE) as work:
        work.record_event("audit_seal", "1", _("seal adopted with this workstation's key"), reason=reason.strip())
    return verify(ctx.engine)


def _rows(connection) -> Iterator[tuple]:  # noqa: ANN001 - a SQLAlchemy Connection
    """The rows in id order, fetched in batches by id so memory stays flat."""
    columns = [A.c[name] for name in HASHED_FIELDS] + [A.c.row_hash]
    after = 0
    while True:
        batch = connection.execute(select(*columns).where(A.c.id > after).order_by(A.c.id).limit(BATCH)).all()
        if not batch:
            return
        yield from (tuple(row) for row in batch)
        after = batch[-1][0]


def _missing(expected: int, found: int) -> str:
    if found < expected:
        return _("its id repeats or goes backwards (expected {expected})").format(expected=expected)
    if found == expected + 1:
        return _("row {first} before it is missing").format(first=expected)
    return _("rows {first}–{last} before it are missing").format(first=expected, last=found - 1)


def _fault(report: ChainReport, row_id: int | None, problem: str) -> None:
    if len(report.faults) < MAX_FAULTS:
        report.faults.append(ChainFault(row_id, problem))
