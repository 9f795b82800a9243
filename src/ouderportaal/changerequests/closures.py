"""The school's own closed days (they do not count as working days for the deadline):
add, remove and fill from the region's school holidays, each recorded in the audit
trail with what was there before and after."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from ouderportaal.changerequests import workdays
from ouderportaal.changerequests.models import ClosureDay
from ouderportaal.core import audit


def _days(school, first: date, last: date) -> dict[str, str]:
    found = ClosureDay.objects.filter(school=school, date__gte=first, date__lte=last)
    return {day.date.isoformat(): day.reason for day in found.order_by("date")}


def add_closure_days(school, *, first: date, last: date | None, reason: str, actor) -> int:
    """Close the working days from `first` to `last` (weekends are skipped); days that
    were already closed take the new reason. Returns the number of days."""
    last = last or first
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    with transaction.atomic():
        old = _days(school, first, last)
        existing = set(
            ClosureDay.objects.filter(school=school, date__in=days).values_list("date", flat=True)
        )
        ClosureDay.objects.filter(school=school, date__in=existing).update(
            reason=reason, source=ClosureDay.Source.MANUAL
        )
        ClosureDay.objects.bulk_create(
            (ClosureDay(school=school, date=d, reason=reason) for d in days if d not in existing),
            ignore_conflicts=True,
        )
        audit.record(
            "closureday.added",
            actor=actor,
            school=school,
            first=first.isoformat(),
            last=last.isoformat(),
            reason=reason,
            old=old,
            new=_days(school, first, last),
        )
    return len(days)


def remove_closure_days(school, *, first: date, last: date, actor) -> int:
    """Open the days from `first` to `last` again; returns how many were closed."""
    with transaction.atomic():
        old = _days(school, first, last)
        deleted, _details = ClosureDay.objects.filter(
            school=school, date__gte=first, date__lte=last
        ).delete()
        audit.record(
            "closureday.removed",
            actor=actor,
            school=school,
            first=first.isoformat(),
            last=last.isoformat(),
            count=deleted,
            old=old,
            new={},
        )
    return deleted


def import_school_holidays(school, today: date, actor=None) -> int:
    """Add the region's school holidays for this and next school year; keeps what the
    school entered itself. Returns the number of days added."""
    first_year = today.year if today.month >= 8 else today.year - 1
    found = workdays.school_holidays(school.holiday_region, range(first_year, first_year + 3))
    start, end = date(first_year, 8, 1), date(first_year + 2, 7, 31)
    found = {d: name for d, name in found.items() if start <= d <= end}
    with transaction.atomic():
        existing = set(
            ClosureDay.objects.filter(school=school, date__in=list(found)).values_list(
                "date", flat=True
            )
        )
        new = [
            ClosureDay(school=school, date=d, reason=name, source=ClosureDay.Source.HOLIDAYS)
            for d, name in found.items()
            if d not in existing
        ]
        ClosureDay.objects.bulk_create(new, ignore_conflicts=True)
        if actor is not None:
            audit.record(
                "closureday.imported",
                actor=actor,
                school=school,
                count=len(new),
                region=school.holiday_region,
                old=None,
                new={day.date.isoformat(): day.reason for day in new},
            )
    return len(new)
