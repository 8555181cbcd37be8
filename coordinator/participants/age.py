"""Age in full years, the way the law counts it."""

from __future__ import annotations

import calendar
from datetime import date


def age_in_years(birth: date, on: date) -> int:
    """Full years at a date. Someone born on 29 February has their birthday on 1 March in common years."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def birthday(birth: date, years: int) -> date:
    """The date on which someone turns `years` (1 March for a 29 February birth in a common year)."""
    year = birth.year + years
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth.replace(year=year)
