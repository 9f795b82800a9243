"""A closure starting: parents hear at the period's start that the portal (or part of it)
is closed, when their school switched this kind of mail on (it is off by default).

A real SMTP server on loopback and a set clock (time-machine).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderportaal.notifications.models import (
    DEFAULT_KINDS,
    Notification,
    Preference,
    SchoolNotificationSettings,
)
from ouderportaal.schoolcontrol.tasks import record_effects
from tests.factories import StudentFactory, make_parent
from tests.notifications.helpers import at, run_again_and_catch_up, run_effects
from tests.oncommit import committing
from tests.schoolcontrol.helpers import closed_period, lvs_result, moment, release
from tests.smtp import text_of

MESSAGE = "Wij maken de rapporten. Vanaf 12 februari ziet u alles weer."


def closures_on(school):
    SchoolNotificationSettings.objects.create(
        school=school, kinds=[str(kind) for kind in DEFAULT_KINDS] + ["closure"]
    )


def report_closures(world):
    """Both schools close the results from Friday 5 February 17:00 until 12 February
    08:00; only De Ark announces closures. Returns the parent at the other school."""
    closures_on(world.school)
    elders_parent = make_parent(
        [StudentFactory(school=world.other_school, roepnaam="Lotte")], username="LotteOuder"
    )
    for school in (world.school, world.other_school):
        closed_period(
            school,
            moment(2027, 2, 5, 17),
            moment(2027, 2, 12, 8),
            modules=["method_tests", "lvs"],
            message=MESSAGE,
        )
    return elders_parent


def test_a_closure_mails_each_parent_of_its_school_once_at_its_start(world, smtp_server):
    elders_parent = report_closures(world)
    with at(2027, 2, 5, 16, 59):
        run_effects(world.school, world.other_school)
    assert smtp_server.count() == 0 and not Notification.objects.exists()

    with at(2027, 2, 5, 17, 0):
        run_effects(world.school, world.other_school)
        smtp_server.wait_for(2)
        run_again_and_catch_up(world.school, world.other_school)

    received = {rcpt[0]: message for rcpt, message in smtp_server.received}
    # JdeVries (Sanne and Thijs) and PBakker (Noor); not EVisser (informatierecht only),
    # not the parent at the other school, which did not switch closure mail on.
    assert sorted(received) == sorted([world.parent.email, world.other_parent.email])
    assert smtp_server.count() == 2
    assert elders_parent.email not in received and world.info_only.email not in received
    assert not Notification.objects.filter(user=elders_parent).exclude(state="off").exists()
    text = text_of(received[world.parent.email])
    assert "Sanne: Sluiting van het portaal" in text and "Thijs" in text
    assert (
        "Van vrijdag 5 februari 2027, 17:00 tot vrijdag 12 februari 2027, 08:00 zijn deze "
        "delen van het portaal gesloten: Methodetoetsen, Cito-toetsen (LVS)." in text
    )
    assert f"De school schrijft: {MESSAGE}" in text
    assert "U kunt tijdens een sluiting gewoon inloggen" in text
    html = received[world.parent.email].get_body(preferencelist=("html",)).get_content()
    assert MESSAGE in html

    # One click switches closure mail off, and nothing else.
    url = re.match(r"<(.+)>", received[world.other_parent.email]["List-Unsubscribe"]).group(1)
    path = "/" + url.split("://", 1)[1].partition("/")[2]
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert Preference.objects.get(user=world.other_parent).off_kinds == ["closure"]


def test_a_closure_starting_at_night_waits_for_the_end_of_quiet_hours(world, smtp_server):
    closures_on(world.school)
    closed_period(world.school, moment(2027, 2, 5, 22), moment(2027, 2, 12, 8), message=MESSAGE)
    with at(2027, 2, 5, 22, 0):
        run_effects(world.school)
    with at(2027, 2, 6, 6, 59), committing():
        call_command("send-notifications", verbosity=0)
    assert smtp_server.count() == 0
    with at(2027, 2, 6, 7, 0):
        with committing():
            call_command("send-notifications", verbosity=0)
        smtp_server.wait_for(2)
    assert smtp_server.count() == 2
    text = text_of(smtp_server.to(world.parent.email)[0])
    assert "laat het portaal geen gegevens over de kinderen zien" in text  # the whole portal


def test_a_closure_is_new_on_home_and_seen_on_its_closure_message(world, client):
    closures_on(world.school)
    lvs_result(world.child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 5, 8))
    closed_period(world.school, moment(2027, 2, 5, 17), moment(2027, 2, 12, 8), modules=["lvs"])
    lvs = reverse("results:lvs", kwargs={"student": world.child.public_id})
    with at(2027, 2, 5, 12, 0):
        run_effects(world.school)
        client.force_login(world.parent)
        page = client.get(reverse("portal:home")).content.decode()
        assert "Binnenkort" in page and "5 februari 2027, 17:00" in page
    with at(2027, 2, 5, 17, 30):
        run_effects(world.school)
        client.force_login(world.parent)
        page = client.get(reverse("portal:home")).content.decode()
        assert "Sluiting van het portaal" in page and f'href="{lvs}"' in page
        # The results page shows the closure message: the closure is seen, the results
        # (which the parent did not get to see) are still new.
        assert "Wij maken" not in client.get(lvs).content.decode()
    unseen = Notification.objects.filter(user=world.parent, event__student=world.child)
    assert set(unseen.filter(seen_at__isnull=True).values_list("event__kind", flat=True)) == {
        "results"
    }


def test_the_school_switches_closure_mail_on_and_sees_an_example(world, client):
    client.force_login(world.staff)
    url = reverse("notifications:staff", args=[world.school.slug])
    preview = reverse("notifications:preview", args=[world.school.slug])
    page = client.get(url).content.decode()
    assert 'value="closure"' in page and 'value="closure" checked' not in page  # off by default
    assert "delen van het portaal gesloten" not in client.get(preview).content.decode()
    client.post(
        url,
        {
            "kinds": ["results", "document", "closure"],
            "default_mode": "direct",
            "default_digest_time": "18:00",
        },
    )
    assert SchoolNotificationSettings.objects.get(school=world.school).enabled("closure")
    example = client.get(preview).content.decode()
    assert "delen van het portaal gesloten: Methodetoetsen, Cito-toetsen (LVS)." in example


def test_saving_a_closed_period_queues_the_closure_for_its_start(world, client, settings):
    """No polling: the task that records the start waits for that moment in the queue."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    starts, ends = timezone.now() + timedelta(days=3), timezone.now() + timedelta(days=10)
    client.force_login(world.staff)
    form = {
        "new-starts_at": timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"),
        "new-ends_at": timezone.localtime(ends).strftime("%Y-%m-%dT%H:%M"),
        "new-whole_portal": "1",
        "new-message": MESSAGE,
    }
    response = client.post(reverse("schoolcontrol:periods", args=[world.school.slug]), form)
    assert response.status_code == 302
    queued = DBTaskResult.objects.filter(task_path=record_effects.module_path)
    moments = sorted(task.run_after for task in queued)
    assert [task.args_kwargs["args"] for task in queued] == [[world.school.pk]] * 2
    assert abs(moments[0] - starts) < timedelta(minutes=1)
    assert abs(moments[1] - ends) < timedelta(minutes=1)
