"""Signing, through the consent service, every signature a participant's rule requires on a date."""

from __future__ import annotations

from datetime import date

from coordinator.consent import service as consent
from coordinator.consent.rules import Role
from coordinator.context import Context

SIGNERS = {Role.holder1: "Claire Lefèvre", Role.holder2: "Marc Lefèvre", Role.guardian: "Anne Guardian",
           Role.participant: "Hervé Lefèvre", Role.assent: "Hervé Lefèvre", Role.investigator: "Dr Nadia Roux"}


def sign_all(ctx: Context, code: str, on: date) -> None:
    required, _optional = consent.required_roles(ctx, code, on)
    for role in required:
        consent.sign(ctx, code, consent.SignatureInput(
            role.value, SIGNERS[role], on, assent="given" if role is Role.assent else None))
