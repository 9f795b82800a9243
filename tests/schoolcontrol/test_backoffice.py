"""The portal manager's pages: modules, closed periods, releases, log (through HTTP)."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.models import AuditEvent
from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting, Release
from ouderportaal.schoolcontrol.tasks import record_effects
from tests.factories import GroupFactory, SchoolYearFactory
from tests.schoolcontrol.helpers import closed_period, moment, release


def url(name, world, **kwargs):
    return reverse(f"schoolcontrol:{name}", kwargs={"school": world.school.slug, **kwargs})


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def manager(world, client):
    client.force_login(world.staff)
    return client


def test_switching_a_module_off_and_on_is_recorded(world, manager):
    data = {"general": "on", "method_tests": "on", "change_requests": "on", "appointments": "on"}
    response = manager.post(url("modules", world), data)
    assert response.status_code == 302
    assert ModuleSetting.objects.get(school=world.school, module="lvs").is_open is False
    [event] = events("schoolcontrol.module.changed")
    assert event.actor == world.staff
    assert event.school == world.school
    assert event.data == {"module": "lvs", "old": {"open": True}, "new": {"open": False}}
    # The form shows the saved state; saving it again changes nothing.
    page = manager.get(url("modules", world)).content.decode()
    assert 'name="lvs"' in page and 'name="lvs" checked' not in page
    manager.post(url("modules", world), data)
    assert len(events("schoolcontrol.module.changed")) == 1
    manager.post(url("modules", world), {**data, "lvs": "on"})
    assert ModuleSetting.objects.get(school=world.school, module="lvs").is_open is True
    assert events("schoolcontrol.module.changed")[-1].data["new"] == {"open": True}


def test_other_school_and_teacher_cannot_change_modules(world, client):
    for user in (world.teacher, world.other_staff, world.parent):
        client.force_login(user)
        response = client.post(url("modules", world), {})
        assert response.status_code == 404
    assert not ModuleSetting.objects.exists()


def test_scheduling_a_closed_period(world, manager):
    data = {
        "new-starts_at": "2027-02-05T17:00",
        "new-ends_at": "2027-02-12T08:00",
        "new-whole_portal": "1",
        "new-message": "Gesloten rond de rapporten. Vanaf 12 februari weer open.",
    }
    response = manager.post(url("periods", world), data)
    assert response.status_code == 302
    period = ClosedPeriod.objects.get(school=world.school)
    assert period.starts_at == moment(2027, 2, 5, 17)
    assert period.ends_at == moment(2027, 2, 12, 8)
    assert period.whole_portal and period.created_by == world.staff
    [event] = events("schoolcontrol.period.created")
    assert event.data["old"] is None
    assert event.data["new"]["message"].startswith("Gesloten rond")


def test_closed_period_form_keeps_input_and_explains_errors(world, manager):
    data = {
        "new-starts_at": "2027-02-12T08:00",
        "new-ends_at": "2027-02-05T17:00",
        "new-whole_portal": "0",
        "new-message": "Mijn eigen woorden",
    }
    response = manager.post(url("periods", world), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Het portaal moet weer opengaan nadat het gesloten is" in text
    assert "Kies minstens één onderdeel" in text
    assert "Mijn eigen woorden" in text and 'value="2027-02-12T08:00"' in text
    assert not ClosedPeriod.objects.exists()


def test_closing_only_chosen_modules(world, manager):
    data = {
        "new-starts_at": "2027-02-05T17:00",
        "new-ends_at": "2027-02-12T08:00",
        "new-whole_portal": "0",
        "new-modules": ["lvs", "method_tests"],
        "new-message": "Toetsen even dicht",
    }
    manager.post(url("periods", world), data)
    period = ClosedPeriod.objects.get()
    assert period.whole_portal is False
    assert sorted(period.modules) == ["lvs", "method_tests"]


def test_extending_and_opening_early_are_recorded(world, manager):
    now = timezone.now()
    period = closed_period(world.school, now - timedelta(days=1), now + timedelta(days=2))
    new_end = timezone.localtime(now + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    response = manager.post(
        url("period", world, period=period.pk),
        {
            "starts_at": timezone.localtime(period.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": new_end,
            "whole_portal": "1",
            "message": period.message,
        },
    )
    assert response.status_code == 302
    [changed] = events("schoolcontrol.period.changed")
    assert changed.data["old"]["ends_at"] != changed.data["new"]["ends_at"]
    # The confirmation page, then opening now.
    assert "Nu openen" in manager.get(url("period_open", world, period=period.pk)).content.decode()
    manager.post(url("period_open", world, period=period.pk))
    period.refresh_from_db()
    assert period.ends_at <= timezone.now()
    [opened] = events("schoolcontrol.period.opened_early")
    assert opened.actor == world.staff
    assert opened.data["old"]["ends_at"] != opened.data["new"]["ends_at"]


def test_opening_a_future_period_now_cancels_it(world, manager):
    now = timezone.now()
    period = closed_period(world.school, now + timedelta(days=1), now + timedelta(days=2))
    manager.post(url("period_open", world, period=period.pk))
    assert not ClosedPeriod.objects.exists()
    assert events("schoolcontrol.period.deleted")[0].data["old"]["message"] == period.message


def test_removing_a_period_is_recorded(world, manager):
    now = timezone.now()
    period = closed_period(world.school, now + timedelta(days=1), now + timedelta(days=2))
    assert manager.get(url("period_delete", world, period=period.pk)).status_code == 200
    manager.post(url("period_delete", world, period=period.pk))
    assert not ClosedPeriod.objects.exists()
    [event] = events("schoolcontrol.period.deleted")
    assert event.data["new"] is None and event.data["old"]["whole_portal"] is True


def test_another_schools_period_is_not_found(world, manager):
    now = timezone.now()
    period = closed_period(world.other_school, now, now + timedelta(days=2))
    assert manager.get(url("period", world, period=period.pk)).status_code == 404
    assert manager.post(url("period_delete", world, period=period.pk)).status_code == 404
    assert ClosedPeriod.objects.filter(pk=period.pk).exists()


def test_release_for_the_whole_school_and_per_group(world, manager):
    year = world.group.school_year
    six = GroupFactory(school=world.school, name="6A", school_year=year)
    response = manager.post(
        url("releases", world),
        {"school_year": year.pk, "moment": "M", "release_at": "2027-02-12T08:00", "announce": "on"},
    )
    assert response.status_code == 302
    school_wide = Release.objects.get(group__isnull=True)
    assert school_wide.release_at == moment(2027, 2, 12, 8) and school_wide.announce
    # A second school-wide release for the same moment is refused, clearly.
    again = manager.post(
        url("releases", world),
        {"school_year": year.pk, "moment": "M", "release_at": "2027-02-13T08:00"},
    )
    assert "heeft al een vrijgavedatum voor de hele school" in again.content.decode()
    # Per group: one release per chosen group.
    manager.post(
        url("releases", world),
        {
            "school_year": year.pk,
            "moment": "E",
            "groups": [world.group.pk, six.pk],
            "release_at": "2027-07-01T08:00",
        },
    )
    assert Release.objects.filter(moment="E").count() == 2
    assert len(events("schoolcontrol.release.created")) == 3
    # A group of another year is refused.
    old_year = SchoolYearFactory(
        school=world.school,
        label="2025-2026",
        start_date=moment(2025, 8, 1).date(),
        end_date=moment(2026, 7, 31).date(),
    )
    old_group = GroupFactory(school=world.school, name="4B", school_year=old_year)
    response = manager.post(
        url("releases", world),
        {
            "school_year": year.pk,
            "moment": "B",
            "groups": [old_group.pk],
            "release_at": "2027-07-01T08:00",
        },
    )
    assert "horen bij een ander schooljaar: 4B" in response.content.decode()


def test_per_group_release_warns_about_groups_without_a_date(world, manager):
    GroupFactory(school=world.school, name="6A", school_year=world.group.school_year)
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8), group=world.group)
    text = manager.get(url("releases", world)).content.decode()
    assert "deze groepen hebben nog geen datum" in text
    assert "6A" in text


def test_changing_and_removing_a_release_is_recorded(world, manager):
    item = release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    manager.post(url("release", world, release=item.pk), {"release_at": "2027-02-19T08:00"})
    item.refresh_from_db()
    assert item.release_at == moment(2027, 2, 19, 8) and item.announce is False
    [changed] = events("schoolcontrol.release.changed")
    assert changed.data["old"]["release_at"] == moment(2027, 2, 12, 8).isoformat()
    assert changed.data["new"]["release_at"] == moment(2027, 2, 19, 8).isoformat()
    manager.post(url("release_delete", world, release=item.pk))
    assert not Release.objects.exists()
    assert events("schoolcontrol.release.deleted")[0].data["old"]["moment"] == "M"


def test_log_lists_changes_and_releases_taking_effect_once(world, manager):
    item = release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    closed_period(world.school, moment(2027, 2, 5, 17), moment(2027, 2, 12, 8))
    manager.post(url("modules", world), {"general": "on"})
    log = url("audit", world)
    with mock.patch("django.utils.timezone.now", return_value=moment(2027, 2, 1)):
        record_effects.call(world.school.pk)
        manager.force_login(world.staff)
        text = manager.get(log).content.decode()
    assert "Onderdeel gewijzigd: Cito-toetsen (LVS)" in text
    assert "Vrijgave ingegaan" not in text
    with mock.patch("django.utils.timezone.now", return_value=moment(2027, 2, 13)):
        manager.force_login(world.staff)
        assert "Vrijgave ingegaan" not in manager.get(log).content.decode()  # a GET writes nothing
        for _ in range(2):  # the queued run and the daily command: recorded once
            record_effects.call(world.school.pk)
        call_command("record-effects", stdout=StringIO())
        text = manager.get(log).content.decode()
    assert text.count("Vrijgave ingegaan") == 1
    assert text.count("Gesloten periode afgelopen") == 1
    [took] = events("schoolcontrol.release.took_effect")
    assert took.at == item.release_at and took.actor is None


def test_saving_a_release_queues_its_effect_for_that_moment(world, manager, settings):
    """With the database queue, the audit entry's task waits for the release moment."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    at = timezone.now() + timedelta(days=3)
    form = {
        "school_year": world.group.school_year.pk,
        "moment": "M",
        "release_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
    }
    assert manager.post(url("releases", world), form).status_code == 302
    (queued,) = DBTaskResult.objects.filter(task_path=record_effects.module_path)
    assert queued.args_kwargs["args"] == [world.school.pk]
    assert abs(queued.run_after - at) < timedelta(minutes=1)


def test_log_is_paginated_and_only_for_this_school(world, manager):
    from ouderportaal.core.audit import record

    for number in range(60):
        record(
            "schoolcontrol.module.changed",
            school=world.school,
            module="lvs",
            old={"open": True},
            new={"open": bool(number % 2)},
        )
    record(
        "schoolcontrol.module.changed",
        school=world.other_school,
        module="appointments",
        old={"open": True},
        new={"open": False},
    )
    first = manager.get(url("audit", world)).content.decode()
    assert "Pagina 1 van 2" in first
    assert "Afspraken" not in first
    second = manager.get(url("audit", world) + "?page=2").content.decode()
    assert second.count("Onderdeel gewijzigd") == 10


def test_teacher_sees_no_portal_settings_in_the_menu(world, client):
    client.force_login(world.teacher)
    page = client.get(reverse("backoffice:home", kwargs={"school": world.school.slug}))
    assert url("modules", world) not in page.content.decode()
    client.force_login(world.staff)
    page = client.get(reverse("backoffice:home", kwargs={"school": world.school.slug}))
    assert url("modules", world) in page.content.decode()
