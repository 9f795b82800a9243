"""The 5-working-day term, with fixed dates (Algemene termijnenwet + the school's own days)."""

from datetime import date

import pytest

from ouderportaal.changerequests.workdays import (
    add_working_days,
    is_working_day,
    public_holidays,
    school_holidays,
    working_days_between,
)


@pytest.mark.parametrize(
    "start,expected,why",
    [
        (date(2026, 3, 9), date(2026, 3, 16), "Monday: five weekdays, over one weekend"),
        (date(2026, 3, 13), date(2026, 3, 20), "Friday: the weekend does not count"),
        (date(2026, 3, 14), date(2026, 3, 20), "Saturday: counting starts on Monday"),
        (date(2026, 4, 24), date(2026, 5, 4), "Koningsdag, Monday 27 April 2026"),
        (date(2026, 4, 1), date(2026, 4, 10), "Goede Vrijdag 3 April and Tweede paasdag 6 April"),
        (date(2026, 5, 1), date(2026, 5, 11), "5 May counts every year, not only in 2025/2030"),
        (date(2026, 5, 11), date(2026, 5, 19), "Hemelvaartsdag, Thursday 14 May 2026"),
        (date(2026, 5, 20), date(2026, 5, 28), "Tweede pinksterdag, Monday 25 May 2026"),
        (date(2026, 12, 22), date(2026, 12, 30), "Eerste kerstdag, Friday 25 December 2026"),
        (date(2026, 12, 29), date(2027, 1, 6), "Nieuwjaarsdag across the year end"),
        (date(2025, 4, 24), date(2025, 5, 1), "Koningsdag 2025 falls on Saturday 26 April"),
    ],
)
def test_five_working_days(start, expected, why):
    assert add_working_days(start, 5) == expected, why


def test_koningsdag_on_a_saturday_does_not_shift_the_term():
    # 2025: Koningsdag is Saturday 26 April; Monday 28 April is an ordinary working day.
    assert is_working_day(date(2025, 4, 28))
    assert not is_working_day(date(2025, 4, 26))


def test_a_study_day_of_the_school_does_not_count():
    study_day = date(2026, 3, 11)
    assert add_working_days(date(2026, 3, 9), 5) == date(2026, 3, 16)
    assert add_working_days(date(2026, 3, 9), 5, closed={study_day}) == date(2026, 3, 17)


def test_the_schools_holidays_do_not_count():
    closed = set(school_holidays("Midden", [2026]))
    # Summer holiday Midden 2026: 18 July - 30 August; the term runs into September.
    assert add_working_days(date(2026, 7, 16), 5, closed=closed) == date(2026, 9, 3)
    # Christmas holiday (all regions) 19 December 2026 - 3 January 2027.
    closed = set(school_holidays("Midden", [2026, 2027]))
    assert add_working_days(date(2026, 12, 17), 5, closed=closed) == date(2027, 1, 7)


def test_school_holidays_differ_per_region_and_leave_out_weekends():
    north = school_holidays("Noord", [2026])
    middle = school_holidays("Midden", [2026])
    assert date(2026, 7, 6) in north and date(2026, 7, 6) not in middle
    assert date(2026, 2, 16) in middle and date(2026, 2, 16) not in north
    assert all(day.weekday() < 5 for day in middle)
    with pytest.raises(ValueError):
        school_holidays("Oost", [2026])


def test_public_holidays_are_the_termijnenwet_days():
    days = public_holidays([2026])
    assert date(2026, 4, 3) in days  # Goede Vrijdag (art. 3 lid 2)
    assert date(2026, 5, 5) in days  # Bevrijdingsdag, every year
    assert date(2026, 4, 5) in days  # Eerste paasdag (a Sunday anyway)
    assert date(2026, 3, 17) not in days


def test_working_days_between_and_bad_input():
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 1
    assert working_days_between(date(2026, 3, 16), date(2026, 3, 13)) == 0
    assert add_working_days(date(2026, 3, 13), 0) == date(2026, 3, 13)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 13), -1)
