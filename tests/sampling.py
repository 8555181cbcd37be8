"""Participants with consent and samples, made through the real services, for the sample tests."""

from __future__ import annotations

from datetime import date

from coordinator.context import Context
from coordinator.participants.register import Registration, register
from coordinator.samples import service as samples
from coordinator.samples.service import Collection
from coordinator.samples.storage import add_unit
from tests.consenting import sign_all

CONSENTED_ON = date(2026, 10, 2)


def consented(ctx: Context, study: str = "MILA", birth: str = "2016-01-10") -> str:
    """A participant registered 2026-10-01 whose consent is complete from 2026-10-02."""
    code = register(ctx, Registration(study, 1, birth, "M", "Hervé", "Lefèvre", "2026-10-01")).code
    sign_all(ctx, code, CONSENTED_ON)
    return code


def marrow(ctx: Context, participant: str, volume: str = "5 mL", at: str = "2026-10-05 09:30") -> str:
    """A MILA bone marrow aspirate at diagnosis."""
    return samples.collect(ctx, participant, Collection("BMA", at, volume, timepoint="DIAG"))


def leukapheresis(ctx: Context, donor: str, volume: str = "200 mL", at: str = "2026-10-06 08:00") -> str:
    """An ELIT-AML01 (or NK-HSCT) donor's leukapheresis product."""
    return samples.collect(ctx, donor, Collection("LEUKA", at, volume, timepoint="COLL"))


def box(ctx: Context, path: str = "F1/R1/B1", rows: int = 9, columns: int = 9) -> str:
    """A box (and its freezer and rack, when new)."""
    freezer, rack, _name = path.split("/")
    known = {unit.path for unit in _units(ctx)}
    if freezer not in known:
        add_unit(ctx, "freezer", freezer, note="-80 °C")
    if f"{freezer}/{rack}" not in known:
        add_unit(ctx, "rack", f"{freezer}/{rack}")
    return add_unit(ctx, "box", path, rows, columns)


def _units(ctx: Context) -> list:
    from coordinator.samples.storage import units
    return units(ctx)
