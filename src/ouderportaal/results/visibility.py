"""The one door through which parent-facing pages read results.

Every page, chart, download or mail for parents gets its results from these
functions. They return current results (corrections replace what they supersede) and
pass them through the school's rules (`schoolcontrol.rules.filter_for_parents`), so
modules, closed periods and releases apply in one place. Staff pages do not use this:
staff see every result of their school.
"""

from __future__ import annotations

from django.utils import timezone

from ouderportaal.results.models import LearningGoal, LvsResult, MethodResult, Period
from ouderportaal.schoolcontrol.rules import filter_for_parents


def current_method_results(student):
    """All current (not superseded) method results of a pupil, unfiltered (staff)."""
    return MethodResult.objects.filter(
        student=student, school=student.school, superseded_by__isnull=True
    )


def current_lvs_results(student):
    """All current (not superseded) LVS results of a pupil, unfiltered (staff)."""
    return LvsResult.objects.filter(
        student=student, school=student.school, superseded_by__isnull=True
    )


def visible_method_results(student, at=None):
    """Method test results a parent of `student` may see at moment `at` (now)."""
    return filter_for_parents(
        current_method_results(student),
        school=student.school,
        kind="method_tests",
        at=at or timezone.now(),
    )


def visible_lvs_results(student, at=None):
    """LVS (Cito) results a parent of `student` may see at moment `at` (now)."""
    return filter_for_parents(
        current_lvs_results(student),
        school=student.school,
        kind="lvs",
        at=at or timezone.now(),
    )


def current_period(school, on=None):
    day = on or timezone.localdate()
    return (
        Period.objects.filter(school=school, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )


def visible_learning_goals(student, on=None):
    """Published learning goals for the pupil's jaargroep in the current period."""
    period = current_period(student.school, on)
    jaargroep = student.jaargroep or (student.group.jaargroep if student.group else "")
    if period is None or not jaargroep:
        return period, LearningGoal.objects.none()
    goals = LearningGoal.objects.filter(
        school=student.school, period=period, jaargroep=jaargroep, published=True
    )
    return period, goals
