"""Demo samples for a first run: freezers and boxes, then, for enrolled demo participants, the samples each study
takes, made through the real sample services on the day they were enrolled."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time

from coordinator.context import Context
from coordinator.samples import service as samples
from coordinator.samples.positions import position_label
from coordinator.samples.service import Collection, Derivation
from coordinator.samples.storage import add_unit

STORAGE = [  # (kind, path, rows, columns, note)
    ("freezer", "F1", None, None, "-80 °C, hematology lab"),
    ("rack", "F1/R1", None, None, None),
    ("box", "F1/R1/MARROW-01", 9, 9, None),
    ("box", "F1/R1/MRD-01", 9, 9, None),
    ("freezer", "LN2", None, None, "liquid nitrogen tank, -150 °C, cell therapy unit"),
    ("rack", "LN2/R1", None, None, None),
    ("box", "LN2/R1/PRODUCTS-01", 5, 5, None),
]
BOXES = {"MILA": "F1/R1/MARROW-01", "REL-ALL": "F1/R1/MRD-01", "BLINA-MRD": "F1/R1/MRD-01",
         "ELIT-AML01": "LN2/R1/PRODUCTS-01", "NK-HSCT": "LN2/R1/PRODUCTS-01"}
COLUMNS = {path: columns for _kind, path, _rows, columns, _note in STORAGE if columns}


def add_storage(ctx: Context) -> None:
    for kind, path, rows, columns, note in STORAGE:
        add_unit(ctx, kind, path, rows, columns, note)


class DemoSamples:
    """Takes each study's samples from an enrolled participant, and fills the boxes position by position."""

    def __init__(self, chance: random.Random) -> None:
        self._chance = chance
        self._used: Counter[str] = Counter()

    def _store(self, ctx: Context, code: str, study: str) -> None:
        box = BOXES[study]
        self._used[box] += 1
        samples.store(ctx, code, f"{box}/{position_label(self._used[box], COLUMNS[box])}")

    def take(self, ctx: Context, code: str, study: str, arm: str, day: date) -> None:
        """`ctx`'s clock is the enrollment day, 10:00: the sample is taken then, with consent signed that day."""
        at = datetime.combine(day, time(10, 0))
        if study == "MILA":
            timepoint = "SURG" if arm == "CONTROL" else "DIAG"
            marrow = samples.collect(ctx, code, Collection("BMA", at, f"{self._chance.randint(4, 8)} mL", timepoint))
            for aliquot in samples.aliquot(ctx, marrow, 3, "1 mL", at):
                self._store(ctx, aliquot, study)
            samples.derive(ctx, marrow, Derivation("MSC", "10 mL", taken="1 mL", at=at))
        elif study in ("REL-ALL", "BLINA-MRD"):
            timepoint = "REL" if study == "REL-ALL" else "SCR"
            marrow = samples.collect(ctx, code, Collection("BM_MRD", at, "2 mL", timepoint))
            if study == "REL-ALL" and not self._used["shipped"]:
                self._used["shipped"] += 1
                samples.ship(ctx, [marrow], "Central NGS-MRD laboratory, Seoul", at)
            else:
                self._store(ctx, marrow, study)
        elif study == "NK-HSCT" or (study == "ELIT-AML01" and arm == "A-DLI"):  # arm B gets no DLI
            product = samples.collect(ctx, code, Collection("LEUKA", at, f"{self._chance.randint(150, 250)} mL",
                                                            "COLL"))
            weight = f"{self._chance.randint(55, 95)} kg"
            derived = ("DLI", 3, "7e7") if study == "ELIT-AML01" else ("NK", 1, "2.5e8")
            for dose in samples.derive(ctx, product, Derivation(
                    derived[0], "20 mL", count=derived[1], total_cells="5e8", marker_cells=derived[2],
                    weight=weight, at=at)):
                self._store(ctx, dose, study)
