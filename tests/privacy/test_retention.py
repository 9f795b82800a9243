"""`ouderportaal apply-retention`: data whose term has passed is deleted."""

from __future__ import annotations

import io
from datetime import date

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.models import LoginFailure
from ouderportaal.core import audit
from ouderportaal.core.models import AuditEvent, Guardian, GuardianLink, Student
from ouderportaal.privacy.models import (
    BoardPrivacySettings,
    PrivacySettings,
    RetentionRun,
    StaffRead,
)
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


class TestBoardTerms:
    """A board's terms hold for its schools unless a school sets its own."""

    @staticmethod
    def _left_13_months_ago(world):
        return StudentFactory(
            school=world.school, group=world.group, roepnaam="Mila", left_on=date(2026, 2, 10)
        )

    def test_a_board_term_of_one_year_deletes_a_pupil_who_left_13_months_ago(self, world):
        BoardPrivacySettings.objects.create(board=world.school.board, pupil_years=1)
        with time_machine.travel(TODAY, tick=False):
            pupil = self._left_13_months_ago(world)
            _run()
        assert not Student.objects.filter(pk=pupil.pk).exists()

    def test_a_school_with_its_own_three_year_term_keeps_the_pupil(self, world):
        BoardPrivacySettings.objects.create(board=world.school.board, pupil_years=1)
        PrivacySettings.objects.create(school=world.school, pupil_years=3)
        with time_machine.travel(TODAY, tick=False):
            pupil = self._left_13_months_ago(world)
            _run()
        assert Student.objects.filter(pk=pupil.pk).exists()

    def test_a_school_that_leaves_its_term_empty_follows_the_board(self, world):
        BoardPrivacySettings.objects.create(board=world.school.board, pupil_years=1)
        PrivacySettings.objects.create(school=world.school, show_staff_names=False)
        with time_machine.travel(TODAY, tick=False):
            pupil = self._left_13_months_ago(world)
            _run()
        assert not Student.objects.filter(pk=pupil.pk).exists()

    def test_the_board_log_term_deletes_old_reads(self, world):
        BoardPrivacySettings.objects.create(board=world.school.board, log_months=6)
        with time_machine.travel("2026-08-01 12:00 +02:00", tick=False):
            StaffRead.objects.create(
                school=world.school, user=world.staff, roles="teacher", kind="pupil"
            )
        with time_machine.travel(TODAY, tick=False):
            _run()
        assert not StaffRead.objects.exists()


def _settings_page(client, world):
    url = reverse("privacyadmin:settings", kwargs={"school": "de-ark"})
    client.force_login(world.staff)
    return client.get(url).content.decode()


def test_the_back_office_shows_which_term_applies_and_where_it_comes_from(world, client):
    page = _settings_page(client, world)
    assert "2 jaar" in page and "standaardtermijn van het portaal" in page
    BoardPrivacySettings.objects.create(board=world.school.board, pupil_years=4)
    page = _settings_page(client, world)
    assert "4 jaar" in page and "termijn van het schoolbestuur" in page
    PrivacySettings.objects.create(school=world.school, pupil_years=6)
    page = _settings_page(client, world)
    assert "6 jaar" in page and "eigen termijn van de school" in page


def test_the_statement_and_register_use_the_board_term(world, client):
    BoardPrivacySettings.objects.create(board=world.school.board, pupil_years=5, log_months=36)
    statement = client.get(reverse("privacystatement:statement", kwargs={"school": "de-ark"}))
    assert "5 jaar" in statement.content.decode()
    assert "36 maanden" in statement.content.decode()
    client.force_login(world.staff)
    register = client.get(reverse("privacyadmin:register", kwargs={"school": "de-ark"}))
    assert "| 5 jaar na uitschrijving |" in register.content.decode()


def test_a_superuser_sets_the_board_term_in_the_admin_and_it_is_audited(world, client):
    from ouderportaal.accounts.models import AccountState
    from tests.factories import UserFactory

    root = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    AccountState.objects.create(
        user=root, totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=timezone.now()
    )
    client.force_login(root)
    board = world.school.board
    response = client.post(
        reverse("admin:privacy_boardprivacysettings_add"),
        {"board": board.pk, "pupil_years": 1, "log_months": 24},
    )
    assert response.status_code == 302
    terms = BoardPrivacySettings.objects.get(board=board)
    assert terms.pupil_years == 1
    event = AuditEvent.objects.get(action="privacy.board_terms.changed")
    assert event.actor == root
    assert (event.data["old"], event.data["new"]) == ({"pupil_years": 2}, {"pupil_years": 1})
    # A term out of range is refused with a message and changes nothing.
    url = reverse("admin:privacy_boardprivacysettings_change", args=[terms.pk])
    response = client.post(url, {"board": board.pk, "pupil_years": 40, "log_months": 24})
    assert response.status_code == 200
    terms.refresh_from_db()
    assert terms.pupil_years == 1
    # School staff cannot set it: the back office only shows it.
    client.force_login(world.staff)
    assert client.get(url).status_code != 200
