"""The seal at the end of the audit trail, signed with a key kept outside the database.

The key is a random file in the data folder (`audit-seal.key`, readable by its owner only): someone who edits the
database with another tool can rewrite rows and the seal, but cannot sign the seal again. The program refuses to
add to a trail whose end does not match its seal (rows were cut off, added or changed there), so the evidence
stays until an administrator has looked; a database brought from another workstation without its key is adopted
by an administrator (`coordinator audit adopt`) once its rows check out.
"""

from __future__ import annotations

import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, select, update

from coordinator.errors import EnvironmentProblem
from coordinator.i18n import _
from coordinator.storage_errors import environment_errors
from db.audit_chain import GENESIS, seal_mac
from db.engine import data_dir
from db.tables import AuditEntry, AuditSeal

A = AuditEntry.__table__
SEAL = AuditSeal.__table__
KEY_FILE = "audit-seal.key"


class AuditTrailBroken(EnvironmentProblem):
    """The end of the audit trail does not match its seal: nothing more is written until someone has looked."""


def key() -> bytes:
    return _key_at(data_dir() / KEY_FILE)


@lru_cache(maxsize=8)
def _key_at(path: Path) -> bytes:
    with environment_errors():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        made = secrets.token_hex(32).encode()
        with os.fdopen(descriptor, "wb") as file:
            file.write(made)
            file.flush()
            os.fsync(file.fileno())
        return made


def mac(last_id: int, last_hash: str) -> str:
    return seal_mac(key(), last_id, last_hash)


def signed_correctly(stored_mac: str | None, last_id: int, last_hash: str) -> bool:
    return stored_mac is not None and hmac.compare_digest(stored_mac, mac(last_id, last_hash))


def end_of_trail(connection: Connection) -> tuple[int, str]:
    """The id and digest of the last audit row, once checked against the seal (under the write lock)."""
    seal = connection.execute(
        select(SEAL.c.last_id, SEAL.c.last_hash, SEAL.c.mac).where(SEAL.c.id == 1).with_for_update()).first()
    last = connection.execute(select(A.c.id, A.c.row_hash).order_by(A.c.id.desc()).limit(1)).first()
    end = (last.id, last.row_hash or "") if last is not None else (0, GENESIS)
    if seal is None or (seal.last_id, seal.last_hash) != end or not signed_correctly(seal.mac, *end):
        raise AuditTrailBroken(_(
            "The audit trail was changed outside Study Coordinator, or this database comes from another "
            "workstation without its seal key: nothing more can be written until an administrator has run "
            "'coordinator audit verify' (and, if the rows are intact, 'coordinator audit adopt')."))
    return end


def reseal(connection: Connection, last_id: int, last_hash: str) -> None:
    connection.execute(update(SEAL).where(SEAL.c.id == 1).values(
        last_id=last_id, last_hash=last_hash, mac=mac(last_id, last_hash)))


def sign_new_seal(connection: Connection) -> None:
    """Sign the seal a migration has just written (a new database, or the rows of an older one chained); called
    by the migration, in its transaction, so no other program writes in between."""
    seal = connection.execute(select(SEAL.c.last_id, SEAL.c.last_hash, SEAL.c.mac).where(SEAL.c.id == 1)).first()
    if seal is not None and seal.mac is None:
        reseal(connection, seal.last_id, seal.last_hash)
