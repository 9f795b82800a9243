"""`ouderportaal apply-retention`: data whose term has passed is deleted."""

from __future__ import annotations

import io
from datetime import date

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ouderportaal.accounts.models import LoginFailure
from ouderportaal.core import audit
from ouderportaal.core.models import Guardian, GuardianLink, Student
from ouderportaal.privacy.models import PrivacySettings, RetentionRun, StaffRead
from ouderportaal.results.models import MethodResult
from tests.dbsnapshot import snapshot
from tests.factories import StudentFactory, make_parent
from tests.results.helpers import method_result, method_test

User = get_user_model()
TODAY = "2027-03-15 12:00 +01:00"


def _leavers(world):
    long_ago = StudentFactory(
        school=world.school, group=world.group, roepnaam="Bram", left_on=date(2024, 12, 20)
    )
    last_year = StudentFactory(
        school=world.school, group=world.group, roepnaam="Eva", left_on=date(2026, 7, 10)
    )
    gone = make_parent([long_ago], username="OudeOuder")
    stays = make_parent([last_year], username="RecenteOuder")
    test = method_test(world.group)
    first = method_result(long_ago, test)
    correction = method_result(long_ago, test, supersedes=first)  # a corrected result
    method_result(last_year, test)
    return long_ago, last_year, gone, stays, correction


def _run(*args) -> str:
    out = io.StringIO()
    call_command("apply-retention", *args, stdout=out)
    return out.getvalue()


def test_a_pupil_who_left_more_than_two_years_ago_is_deleted(world):
    with time_machine.travel(TODAY, tick=False):
        long_ago, last_year, gone, stays, _ = _leavers(world)
        output = _run()
    assert not Student.objects.filter(pk=long_ago.pk).exists()
    assert not MethodResult.objects.filter(student_id=long_ago.pk).exists()
    assert not GuardianLink.objects.filter(student_id=long_ago.pk).exists()
    assert not Guardian.objects.filter(user_id=gone.pk).exists()
    assert not User.objects.filter(pk=gone.pk).exists()
    # Left last year: kept, with the family's account and results.
    assert Student.objects.filter(pk=last_year.pk).exists()
    assert MethodResult.objects.filter(student=last_year).exists()
    assert User.objects.filter(pk=stays.pk).exists()
    # Pupils at school stay, of course.
    assert Student.objects.filter(pk=world.child.pk).exists()
    run = RetentionRun.objects.get()
    assert run.counts["pupils"] == 1
    assert run.counts["method_results"] == 2
    assert run.counts["accounts"] == 1
    assert "pupils: 1" in output
    assert "Bram" not in str(run.counts) and "Bram" not in output


def test_the_school_may_keep_pupils_longer(world):
    PrivacySettings.objects.create(school=world.school, pupil_years=3)
    with time_machine.travel(TODAY, tick=False):
        long_ago, *_ = _leavers(world)
        _run()
    assert Student.objects.filter(pk=long_ago.pk).exists()


def test_a_dry_run_changes_nothing(world):
    with time_machine.travel(TODAY, tick=False):
        _leavers(world)
        before = snapshot()
        output = _run("--dry-run")
    assert "Would delete" in output and "pupils: 1" in output
    assert snapshot() == before
    assert not RetentionRun.objects.exists()


def test_logs_and_login_failures_are_deleted_after_their_term(world):
    with time_machine.travel("2024-01-10 10:00 +01:00", tick=False):
        audit.record("student.updated", school=world.school, student=world.child)
        StaffRead.objects.create(
            school=world.school,
            user=world.staff,
            roles="teacher",
            kind="pupil",
            student=world.child,
        )
        LoginFailure.objects.create(username_key="x")
    with time_machine.travel("2026-02-10 10:00 +01:00", tick=False):
        StaffRead.objects.create(
            school=world.school,
            user=world.staff,
            roles="teacher",
            kind="pupil",
            student=world.child,
        )
        LoginFailure.objects.create(username_key="y")
    with time_machine.travel(TODAY, tick=False):
        _run()
    assert StaffRead.objects.count() == 1
    assert not LoginFailure.objects.exists()
    assert not world.school.audit_events.filter(action="student.updated").exists()
