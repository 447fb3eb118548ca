"""Working days (ngày làm việc): pure functions, no database.

A working day is Monday–Friday and not in `holidays` (a set of dates the caller loads from the
Holiday table, see portal.iso.services.holiday_set). Nothing here knows any particular year: Tết
and Giỗ Tổ Hùng Vương move every year, so the holiday list is data, edited per year.

Counting convention (the usual one for deadlines "trong N ngày làm việc"): the day a dossier is
received does not count; the count starts the next working day.

- working_days_between(start, end): working days in (start, end], i.e. after `start` up to and
  including `end`; negative when end < start; 0 when equal.
- add_working_days(start, n): the n-th working day after `start` (n > 0), the n-th before it
  (n < 0), or `start` itself (n == 0). For n != 0, working_days_between(start, result) == n.
"""
from collections.abc import Collection
from datetime import date, timedelta

_ONE = timedelta(days=1)


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int, holidays: Collection[date] = ()) -> date:
    step = _ONE if n >= 0 else -_ONE
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    if end < start:
        return -working_days_between(end, start, holidays)
    # Whole weeks in one go: each holds 5 weekdays; only holidays on weekdays need subtracting.
    span = (end - start).days
    weeks, rest = divmod(span, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += _ONE
        if day.weekday() < 5:
            count += 1
    count -= sum(1 for h in set(holidays) if start < h <= end and h.weekday() < 5)
    return count
