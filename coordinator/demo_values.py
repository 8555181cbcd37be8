"""Demo values per study (resources/demo/STUDY.yaml): what makes a demo participant eligible, by arm, and one
value that makes the demo screen failure. Used by the first-run demo and by tests that need enrolled people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import yaml

from coordinator.eligibility.entry import ValueInput
from coordinator.paths import resources_dir


@dataclass(frozen=True)
class DemoValues:
    common: tuple[dict, ...]
    arms: dict[str, tuple[dict, ...]]
    failing: tuple[dict, ...]

    def eligible(self, arm: str | None, on: date) -> list[ValueInput]:
        """Values that make a participant eligible on `on` (for `arm` where the criteria depend on it)."""
        chosen = self.common + (self.arms.get(arm, ()) if arm else next(iter(self.arms.values()), ()))
        return [_input(entry, on) for entry in chosen]

    def failure(self, on: date) -> list[ValueInput]:
        return [_input(entry, on) for entry in self.failing]


@lru_cache(maxsize=16)
def demo_values(study: str) -> DemoValues | None:
    """The study's demo values, or None when it has none (its demo participants stay in screening)."""
    path = resources_dir() / "demo" / f"{study}.yaml"
    if not path.is_file():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return DemoValues(tuple(raw.get("all", ())), {arm: tuple(values) for arm, values in raw.get("arms", {}).items()},
                      tuple(raw.get("failing", ())))


def _input(entry: dict, on: date) -> ValueInput:
    value = str(entry["value"]) if "value" in entry else (on - timedelta(days=entry["days_before"])).isoformat()
    measured = entry.get("measured_days_before")
    return ValueInput(entry["target"], value, entry.get("unit"),
                      (on - timedelta(days=measured)).isoformat() if measured is not None else None,
                      entry.get("source"), str(entry["uln"]) if "uln" in entry else None)
