"""The audit trail's hash chain: each row's digest covers its own fields and the digest of the row before it.

Kept in db/ because the writer, the migration that sealed the rows written before the chain existed, and the
verification all need exactly the same digest. Any row edited, deleted, inserted or moved with plain SQL no
longer matches its digest, its neighbour's, or the sequence of ids, and `audit_seal` names the last row, so a
cut-off tail shows too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

GENESIS = "0" * 64
# The audited fields in the order they are hashed; the id is one of them, so moving a row breaks the chain.
HASHED_FIELDS = (
    "id", "at_utc", "actor", "action", "table_name", "record_id", "field", "old_value", "new_value", "reason",
    "study_code", "subject_code",
)
_NULL = "\x00"  # None differs from the empty text
_SEPARATOR = "\x1f"


def row_digest(previous: str, values: Sequence[object]) -> str:
    """The SHA-256 (hex) of the previous row's digest and this row's fields, in HASHED_FIELDS order."""
    text = _SEPARATOR.join(_NULL if value is None else str(value) for value in values)
    return hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()
