"""Working-day arithmetic: weekends, holidays (Tết over a weekend), year boundaries."""
from datetime import date

import pytest

from portal.iso.workdays import add_working_days, is_working_day, working_days_between

# Tết Bính Ngọ 2026 as the demo enters it: Mon 16/02 – Fri 20/02 (weekends 14–15 and 21–22 around it).
TET_2026 = {date(2026, 2, d) for d in range(16, 21)}
NEW_YEAR = {date(2026, 1, 1), date(2027, 1, 1)}


def test_is_working_day():
    assert is_working_day(date(2026, 11, 25))  # Wednesday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert not is_working_day(date(2026, 2, 17), TET_2026)
    assert is_working_day(date(2026, 2, 17))  # only a holiday if the list says so


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 -> Monday
    (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Saturday + 1 -> Monday
    (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 -> next Monday
    (date(2026, 11, 23), 10, date(2026, 12, 7)),
    (date(2026, 11, 25), 0, date(2026, 11, 25)),
    (date(2026, 11, 30), -1, date(2026, 11, 27)),  # backwards over the weekend
])
def test_add_working_days_over_weekends(start, n, expected):
    assert add_working_days(start, n) == expected


def test_tet_spanning_weekends():
    # Received Friday 13/02/2026 with 3 working days: 14–22/02 is weekend + Tết + weekend.
    assert add_working_days(date(2026, 2, 13), 3, TET_2026) == date(2026, 2, 25)
    assert add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 18)  # without the holiday list
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23), TET_2026) == 1
    # Received Mon 09/02 with 15 days (QT-VHXH-01): due Mon 09/03.
    assert add_working_days(date(2026, 2, 9), 15, TET_2026) == date(2026, 3, 9)
    assert not any(is_working_day(date(2026, 2, d), TET_2026) for d in range(14, 23))


def test_year_boundary():
    # Wed 30/12/2026 + 2: Thu 31/12, (Fri 01/01/2027 holiday, weekend), Mon 04/01/2027.
    assert add_working_days(date(2026, 12, 30), 2, NEW_YEAR) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 4), NEW_YEAR) == 2
    assert working_days_between(date(2027, 1, 4), date(2026, 12, 30), NEW_YEAR) == -2
    assert add_working_days(date(2027, 1, 4), -2, NEW_YEAR) == date(2026, 12, 30)


def test_between_counts_after_start_up_to_end():
    monday = date(2026, 11, 23)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, date(2026, 11, 24)) == 1
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 29)) == 0  # Friday to Sunday
    # A holiday on a weekend changes nothing.
    assert working_days_between(monday, date(2026, 12, 7), {date(2026, 11, 28)}) == 10


def test_between_and_add_agree_over_a_long_span():
    holidays = TET_2026 | NEW_YEAR | {date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1),
                                      date(2026, 9, 1), date(2026, 9, 2)}
    start = date(2025, 12, 20)
    for n in range(1, 300, 7):
        end = add_working_days(start, n, holidays)
        assert is_working_day(end, holidays)
        assert working_days_between(start, end, holidays) == n
    # A naive day-by-day count agrees with the week-stepping one.
    end = date(2027, 2, 1)
    naive = sum(1 for k in range(1, (end - start).days + 1)
                if is_working_day(date.fromordinal(start.toordinal() + k), holidays))
    assert working_days_between(start, end, holidays) == naive
