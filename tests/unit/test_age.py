from datetime import date

import pytest

from coordinator.participants.age import age_in_years, birthday


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(2010, 5, 17), date(2026, 5, 16), 15),  # the day before the birthday
        (date(2010, 5, 17), date(2026, 5, 17), 16),  # on the birthday
        (date(2010, 5, 17), date(2010, 5, 17), 0),
        (date(2012, 2, 29), date(2026, 2, 28), 13),  # 29 February: not yet on 28 February of a common year
        (date(2012, 2, 29), date(2026, 3, 1), 14),  # ... but on 1 March
        (date(2012, 2, 29), date(2028, 2, 29), 16),  # a leap year has the day itself
        (date(2012, 2, 29), date(2028, 2, 28), 15),
        (date(2000, 12, 31), date(2001, 1, 1), 0),
    ],
)
def test_age_in_full_years(birth, on, expected):
    assert age_in_years(birth, on) == expected


def test_birthday_of_a_29_february_birth_falls_on_1_march_in_common_years():
    assert birthday(date(2012, 2, 29), 18) == date(2030, 3, 1)
    assert birthday(date(2012, 2, 29), 16) == date(2028, 2, 29)
    assert birthday(date(2010, 5, 17), 18) == date(2028, 5, 17)
    assert age_in_years(date(2012, 2, 29), birthday(date(2012, 2, 29), 18)) == 18
