"""Small builders for the school's portal rules and for result rows."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting, Release


def moment(*args) -> datetime:
    """An aware datetime in the school's time zone: moment(2027, 2, 10, 17)."""
    return timezone.make_aware(datetime(*args))


def close_module(school, module):
    ModuleSetting.objects.update_or_create(
        school=school, module=module, defaults={"is_open": False}
    )


def closed_period(school, starts_at, ends_at, modules=(), message="Gesloten voor de rapporten."):
    return ClosedPeriod.objects.create(
        school=school,
        starts_at=starts_at,
        ends_at=ends_at,
        whole_portal=not modules,
        modules=list(modules),
        message=message,
    )


def release(school, year, moment_code, release_at, group=None, announce=True):
    return Release.objects.create(
        school=school,
        school_year=year,
        moment=moment_code,
        group=group,
        release_at=release_at,
        announce=announce,
    )


def lvs_result(
    student,
    *,
    group=None,
    entered_at,
    moment_code="M",
    subject="Rekenen-Wiskunde",
    year=None,
    score=None,
):
    from ouderportaal.results.models import LvsResult

    group = group if group is not None else student.group
    return LvsResult.objects.create(
        school=student.school,
        student=student,
        group=group,
        school_year=year or group.school_year,
        entered_at=entered_at,
        release_moment=moment_code,
        taken_on=entered_at.date(),
        subject=subject,
        test_name=f"{subject} 3.0",
        moment=f"{moment_code}{group.jaargroep if group else ''}",
        ability_score=score,
    )


def method_test(school, group, *, name="Blok 3", subject="Rekenen", taken_on=date(2027, 1, 20)):
    from ouderportaal.results.models import MethodTest

    return MethodTest.objects.create(
        school=school,
        school_year=group.school_year,
        group=group,
        subject=subject,
        name=name,
        taken_on=taken_on,
    )


def method_result(student, test, *, entered_at, percentage=75, group=None):
    from ouderportaal.results.models import MethodResult

    group = group if group is not None else student.group
    return MethodResult.objects.create(
        school=student.school,
        student=student,
        group=group,
        school_year=test.school_year,
        entered_at=entered_at,
        release_moment="",
        taken_on=test.taken_on,
        test=test,
        percentage=percentage,
    )
