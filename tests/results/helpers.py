"""Small builders for results in tests."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from ouderportaal.results.models import (
    LearningGoal,
    LvsResult,
    MethodResult,
    MethodTest,
    Period,
)
from tests.factories import SchoolYearFactory


def year(school, first=2026):
    return SchoolYearFactory(
        school=school,
        label=f"{first}-{first + 1}",
        start_date=date(first, 8, 1),
        end_date=date(first + 1, 7, 31),
    )


def method_test(group, **fields):
    values = {
        "school": group.school,
        "school_year": group.school_year,
        "group": group,
        "jaargroep": group.jaargroep,
        "subject": "rekenen",
        "method": "Wereld in getallen 5",
        "name": "Blok 3",
        "taken_on": date(2026, 10, 5),
        "result_type": MethodTest.ResultType.PERCENTAGE,
    }
    values.update(fields)
    return MethodTest.objects.create(**values)


def method_result(student, test, **fields):
    values = {
        "school": student.school,
        "student": student,
        "group": test.group,
        "school_year": test.school_year,
        "taken_on": test.taken_on,
        "test": test,
        "percentage": Decimal(85),
        "mastered": True,
    }
    values.update(fields)
    return MethodResult.objects.create(**values)


def lvs_result(student, **fields):
    values = {
        "school": student.school,
        "student": student,
        "school_year": fields.pop("school_year", None) or year(student.school),
        "taken_on": date(2026, 1, 28),
        "release_moment": "M",
        "subject": "rekenen",
        "test_name": "Rekenen-Wiskunde 3.0",
        "moment": "M5",
        "ability_score": Decimal(160),
        "scale_code": "SYN-RW3",
        "interval_low": Decimal(154),
        "interval_high": Decimal(166),
        "level_iv": "III",
        "level_ae": "C",
        "percentile": 45,
        "functioning_level": "M5",
        "dle": 25,
        "dl": 25,
    }
    values.update(fields)
    return LvsResult.objects.create(**values)


def many_lvs_results(student, years=8):
    """Results for every moment of `years` school years, four subjects each."""
    rows = []
    for index in range(years):
        first = 2019 + index
        school_year = year(student.school, first)
        groep = 3 + min(index, 5)
        for subject, scale in (
            ("rekenen", "SYN-RW3"),
            ("spelling", "SYN-SP3"),
            ("begrijpend lezen", "SYN-BL3"),
            ("technisch lezen", "SYN-DMT"),
        ):
            for letter, day in (("M", date(first + 1, 1, 28)), ("E", date(first + 1, 6, 2))):
                score = Decimal(100 + index * 20 + (5 if letter == "E" else 0))
                rows.append(
                    LvsResult(
                        school=student.school,
                        student=student,
                        school_year=school_year,
                        taken_on=day,
                        release_moment=letter,
                        subject=subject,
                        test_name=subject,
                        moment=f"{letter}{groep}",
                        ability_score=score,
                        scale_code=scale,
                        interval_low=score - 5,
                        interval_high=score + 5,
                        level_iv="III",
                    )
                )
    LvsResult.objects.bulk_create(rows)
    return rows


def many_method_results(student, group, count=40):
    for index in range(count):
        test = method_test(
            group,
            subject=("rekenen", "spelling", "taal")[index % 3],
            name=f"Blok {index}",
            taken_on=date(2026, 9, 1) + timedelta(days=index),
        )
        method_result(student, test, percentage=Decimal(50 + index))


def current_period(school, **fields):
    today = timezone.localdate()
    values = {
        "school": school,
        "school_year": school.current_school_year() or year(school),
        "name": "Herfst tot kerst",
        "start_date": today - timedelta(days=10),
        "end_date": today + timedelta(days=10),
    }
    values.update(fields)
    return Period.objects.create(**values)


def learning_goal(period, **fields):
    values = {
        "school": period.school,
        "period": period,
        "jaargroep": "5",
        "subject": "rekenen",
        "text": "We werken aan getallen tot en met 1000.",
    }
    values.update(fields)
    return LearningGoal.objects.create(**values)
