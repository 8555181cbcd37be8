"""What a signable record is: a participant's record of some kind, its content as canonical JSON, and the hash a
signature keeps of it. A new kind of record (a CRF form) is one more SignableKind in `records.KINDS`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from coordinator.context import Context
from coordinator.errors import NotFound
from coordinator.i18n import _
from db.tables import Participant, Study

P = Participant.__table__
S = Study.__table__


@dataclass(frozen=True)
class Record:
    """The participant a signed record belongs to; the signature's record id is the participant's code."""

    id: int
    code: str
    study: str


@dataclass(frozen=True)
class SignableKind:
    """A kind of record that can be signed.

    `content` reads what is signed, inside the caller's transaction: plain JSON data (ISO dates, no names), the same
    whatever the day, so that recomputing it later says whether the record changed since it was signed.
    `refusal` says why the record cannot be signed now (incomplete, nothing to sign), or None when it can.
    """

    name: str
    label: str  # marked with N_, e.g. "eligibility confirmation"
    what: str  # marked with N_, with {code}: "the eligibility confirmation of {code}"
    content: Callable[[Connection, Record], dict[str, Any]]
    refusal: Callable[[Context, Record, dict[str, Any]], str | None]

    def describe(self, code: str) -> str:
        """What is being signed, in words, for the dialog and the command line."""
        return _(self.what).format(code=code)

    @property
    def shown_name(self) -> str:
        return _(self.label)


def find_record(connection: Connection, code: str) -> Record:
    found = connection.execute(
        select(P.c.id, P.c.code, S.c.code.label("study")).join(S, S.c.id == P.c.study_id)
        .where(P.c.code == code.strip().upper())).first()
    if found is None:
        raise NotFound(_("No participant has the code {code}.").format(code=code), field="code")
    return Record(found.id, found.code, found.study)


def canonical(data: Any) -> bytes:
    """JSON with sorted keys, no spaces and ISO dates: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso).encode("utf-8")


def _iso(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of signed content")


def content_sha256(kind: SignableKind, record: Record, data: dict[str, Any]) -> str:
    """The hash a signature keeps: of the kind and the participant as well, so it fits no other record."""
    signed = {"kind": kind.name, "code": record.code, "study": record.study, "content": data}
    return hashlib.sha256(canonical(signed)).hexdigest()
