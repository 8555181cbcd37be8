"""Stratified permuted blocks of randomly varied size: the list generator, pure and reproducible from its seed.

A stratum's list is a stream of blocks drawn from a generator seeded with the list's seed and the stratum's key,
so the list of any length is the prefix of every longer one: a used-up stratum is extended by regenerating it
longer, and an auditor regenerates the whole list to prove it unchanged.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

METHOD = "permuted blocks of random size, v1"
WHOLE_STUDY = "all"  # the key of the one stratum of a study randomized without strata


@dataclass(frozen=True)
class Slot:
    """One allocation of a stratum's list, in the order the list gives them."""

    sequence: int  # from 1 within the stratum
    block: int  # from 1 within the stratum
    block_size: int
    arm: str


def generate(seed: str, stratum: str, arms: list[tuple[str, int]], block_sizes: list[int], length: int) -> list[Slot]:
    """The first `length` allocations of a stratum. `arms` are (arm code, ratio weight); every block size must be
    a multiple of the weights' sum so that each block holds the arms exactly in the ratio."""
    total = sum(weight for _arm, weight in arms)
    if not arms or min(weight for _arm, weight in arms) < 1 or not block_sizes or length < 0:
        raise ValueError("randomization needs arms with weights of at least 1, block sizes and a length >= 0")
    if any(size < 1 or size % total for size in block_sizes):
        raise ValueError(f"every block size must be a positive multiple of {total}, the sum of the ratio")
    digest = hashlib.sha256(f"{seed}\n{stratum}".encode()).digest()  # never hash(): it changes between runs
    chance = random.Random(int.from_bytes(digest, "big"))
    slots: list[Slot] = []
    block = 0
    while len(slots) < length:
        block += 1
        size = block_sizes[_below(chance, len(block_sizes))]
        content = _shuffled(chance, [arm for arm, weight in arms for _ in range(weight * size // total)])
        slots.extend([Slot(sequence, block, size, arm) for sequence, arm in enumerate(content, start=len(slots) + 1)])
    return slots[:length]


def _below(chance: random.Random, count: int) -> int:
    """A whole number from 0 to count - 1 drawn with random() only: the one method whose sequence Python promises
    to keep across versions (choice and shuffle may change), so a later interpreter regenerates the same list."""
    return int(chance.random() * count)


def _shuffled(chance: random.Random, items: list[str]) -> list[str]:
    """Fisher-Yates over `_below`, for the same reason."""
    for last in range(len(items) - 1, 0, -1):
        other = _below(chance, last + 1)
        items[last], items[other] = items[other], items[last]
    return items


def list_digest(slots_by_stratum: Mapping[str, Sequence[Slot]]) -> str:
    """SHA-256 of every stratum's allocations in order: stored when the list is sealed, it proves it unchanged."""
    digest = hashlib.sha256()
    for stratum in sorted(slots_by_stratum):
        for slot in slots_by_stratum[stratum]:
            digest.update(f"{stratum}\t{slot.sequence}\t{slot.block}\t{slot.block_size}\t{slot.arm}\n".encode())
    return digest.hexdigest()


def stratum_key(levels: Sequence[tuple[str, str]]) -> str:
    """A stratum as a coordinator reads it, e.g. `site=01 DONOR=MUD`: (factor, level) in the study file's order."""
    return " ".join(f"{factor}={level}" for factor, level in levels) or WHOLE_STUDY


def strata_keys(factors: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Every combination of the factors' levels, e.g. [("site", ["01", "02"]), ("DONOR", ["MSD", "MUD"])]."""
    names = [name for name, _levels in factors]
    return [stratum_key(list(zip(names, combination, strict=True)))
            for combination in product(*(levels for _name, levels in factors))]


def balanced(counts: Mapping[str, int], arms: Sequence[tuple[str, int]], block_sizes: Sequence[int]) -> bool:
    """Whether a stratum's arm counts, each divided by its ratio weight, differ by at most half the largest block:
    for 1:1 the plain counts, as permuted blocks guarantee at any point of the list."""
    scaled = [counts.get(arm, 0) / weight for arm, weight in arms]
    return max(scaled) - min(scaled) <= max(block_sizes) / 2
