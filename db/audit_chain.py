"""The audit trail's hash chain: each row's digest covers its own fields and the digest of the row before it.

Kept in db/ because the writer, the migration that sealed the rows written before the chain existed, and the
verification all need exactly the same digest. Any row edited, deleted, inserted or moved with plain SQL no
longer matches its digest, its neighbour's, or the sequence of ids; `audit_seal` names the last row and its
digest under a key kept outside the database (`seal_mac`), so a cut-off tail shows too, even with the seal
rewritten.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence

GENESIS = "0" * 64
# The audited fields in the order they are hashed; the id is one of them, so moving a row breaks the chain.
HASHED_FIELDS = (
    "id", "at_utc", "actor", "action", "table_name", "record_id", "field", "old_value", "new_value", "reason",
    "study_code", "subject_code",
)


# JSON: every field quoted and escaped, null distinct from "", so no two different rows read the same.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def row_digest(previous: str, values: Sequence[object]) -> str:
    """The SHA-256 (hex) of the previous row's digest and this row's fields, in HASHED_FIELDS order."""
    return hashlib.sha256((previous + _ENCODE(list(values))).encode()).hexdigest()


def seal_mac(key: bytes, last_id: int, last_hash: str) -> str:
    """The seal's HMAC-SHA256: only a program holding the key can point the seal at another row."""
    return hmac.new(key, f"{last_id}:{last_hash}".encode(), hashlib.sha256).hexdigest()
