"""The demo's part: a report period around the coming report, with a release."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from ouderportaal.core.models import Group
from ouderportaal.core.schoolcache import raise_version
from ouderportaal.schoolcontrol.models import DEFAULT_CLOSED_MESSAGE, ClosedPeriod, Moment, Release


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def demo_step(schools, rng) -> None:
    today = timezone.localdate()
    periods, releases = [], []
    for index, school in enumerate(schools):
        year = school.current_school_year()
        # The last report: closed for a week, two months ago.
        periods.append(
            ClosedPeriod(
                school=school,
                starts_at=_at(today - timedelta(days=63), 17),
                ends_at=_at(today - timedelta(days=56), 8),
                message=DEFAULT_CLOSED_MESSAGE,
            )
        )
        # The coming report: closed from in two weeks until the report goes out.
        opens = today + timedelta(days=21 + index)
        periods.append(
            ClosedPeriod(
                school=school,
                starts_at=_at(today + timedelta(days=14), 17),
                ends_at=_at(opens, 8),
                message=(
                    "Het ouderportaal is gesloten in verband met de rapporten. Vanaf "
                    f"{opens:%d-%m-%Y} ziet u de gegevens van uw kind weer."
                ),
            )
        )
        if year is None:
            continue
        if index == 0:
            releases.append(
                Release(
                    school=school,
                    school_year=year,
                    moment=Moment.MIDDLE,
                    release_at=_at(opens, 8),
                    announce=True,
                )
            )
        else:
            # A report day per group: the lower groups a week earlier.
            for group in Group.objects.filter(school=school, school_year=year).order_by("name"):
                lower = group.jaargroep in {"1", "2", "C"}
                releases.append(
                    Release(
                        school=school,
                        school_year=year,
                        moment=Moment.MIDDLE,
                        group=group,
                        release_at=_at(opens - timedelta(days=7 if lower else 0), 8),
                        announce=True,
                    )
                )
    ClosedPeriod.objects.bulk_create(periods)
    Release.objects.bulk_create(releases)
    for school in schools:
        raise_version(school)  # bulk writes do not signal the kept school data
