"""Working days for change requests, as the Algemene termijnenwet counts them.

A working day is Monday to Friday, not a public holiday and not a day the school
itself is closed. The public holidays are those of the Algemene termijnenwet art. 3:
the `holidays` library's PUBLIC category (which includes Goede Vrijdag) plus its
OPTIONAL category, so that 5 May (Bevrijdingsdag) counts every year and not only in
lustrum years. The school's own closed days (its region's school holidays, study
days) are passed in by the caller.

Pure functions on dates: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.constants import OPTIONAL, PUBLIC, SCHOOL

REQUEST_TERM_DAYS = 5
HOLIDAY_REGIONS = ("Noord", "Midden", "Zuid")


@lru_cache(maxsize=64)
def _public_holidays_of_year(year: int) -> dict[date, str]:
    return dict(holidays.NL(years=year, categories=(PUBLIC, OPTIONAL), language="nl").items())


def public_holidays(years: Iterable[int]) -> dict[date, str]:
    """The Atw holidays (date → Dutch name) in the given years."""
    found: dict[date, str] = {}
    for year in years:
        found.update(_public_holidays_of_year(year))
    return found


def is_public_holiday(day: date) -> bool:
    return day in _public_holidays_of_year(day.year)


def is_working_day(day: date, closed: Collection[date] = frozenset()) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day) and day not in closed


def add_working_days(start: date, count: int, closed: Collection[date] = frozenset()) -> date:
    """The day on which `count` working days after `start` have passed.

    The start day itself does not count: a request made on Friday 24 April 2026 is due
    on Monday 4 May 2026 (Koningsdag on Monday 27 April does not count).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            count -= 1
    return day


def working_days_between(start: date, end: date, closed: Collection[date] = frozenset()) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            days += 1
    return days


def school_holidays(region: str, years: Iterable[int]) -> dict[date, str]:
    """The region's school holidays (date → Dutch name) from the `holidays` library.

    Covers the school years the library knows (2014-2030). Weekends are left out:
    they are no working day anyway.
    """
    if region not in HOLIDAY_REGIONS:
        raise ValueError(f"unknown holiday region {region!r}")
    found = holidays.NL(years=list(years), subdiv=region, categories=(SCHOOL,), language="nl")
    return {day: name for day, name in sorted(found.items()) if day.weekday() < 5}
