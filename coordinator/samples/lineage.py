"""Sample ids: readable, barcodable (Code128 and QR carry them as they are), and telling their lineage.

A collected sample is STUDY-NNNNNN, numbered per study; what is made from it adds -NN: MILA-000012-03 is the
third aliquot or derivative of MILA-000012.
"""

from __future__ import annotations

from coordinator.samples.quantities import EPSILON


def primary_code(study: str, number: int) -> str:
    return f"{study}-{number:06d}"


def child_code(parent: str, ordinal: int) -> str:
    return f"{parent}-{ordinal:02d}"


def normalized_code(text: str) -> str:
    """What a scanner or a person typed, as ids are stored (scanners may add spaces; people type lower case)."""
    return "".join(text.split()).upper()


def remainder(volume: float, taken: list[float]) -> float:
    """What is left of a sample, in its own unit, after what its aliquots and derivatives took (in that unit)."""
    left = volume - sum(taken)
    return 0.0 if abs(left) < EPSILON else left


def cells_per_kg(marker_cells: float, weight_kg: float) -> float:
    """The dose of a cell product: the marker-positive cells (CD3+ for a DLI) per kilogram of the recipient."""
    return marker_cells / weight_kg
