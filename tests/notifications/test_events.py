"""Which things become notifications, the preferences page and the school's control page."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core.models import AuditEvent
from ouderportaal.notifications.models import Notification, Preference
from ouderportaal.notifications.services import notifications_for_user
from ouderportaal.results.services import Entry, enter_method_results
from ouderportaal.schoolcontrol.tasks import record_effects
from tests.changerequests.conftest import child_form
from tests.oncommit import committing
from tests.schoolcontrol.helpers import closed_period, lvs_result, method_test, moment, release


@pytest.fixture(autouse=True)
def daytime():
    """A school day at 10:00, outside every parent's quiet hours (tests may move on)."""
    with time_machine.travel(moment(2027, 1, 21, 10), tick=False):
        yield


def enter(world, test, children, value=80):
    with committing():
        enter_method_results(
            test,
            world.group,
            [Entry(pupil=child, value=Decimal(value)) for child in children],
            actor=world.teacher,
        )


def test_method_results_mail_at_once_when_nothing_holds_them_back(world):
    test = method_test(world.school, world.group)
    with time_machine.travel(moment(2027, 1, 21, 15), tick=False):
        enter(world, test, [world.child, world.sibling])
        enter(world, test, [world.child], value=90)  # a correction: nothing new to mail
    (message,) = mail.outbox
    assert message.to == [world.parent.email]
    assert "Sanne" in message.body and "Thijs" in message.body
    assert "80" not in message.body and "90" not in message.body


def test_results_entered_in_a_closed_period_are_announced_when_it_ends(world):
    test = method_test(world.school, world.group)
    closed_period(world.school, moment(2027, 1, 20, 8), moment(2027, 1, 22, 8))
    with time_machine.travel(moment(2027, 1, 21, 15), tick=False):
        enter(world, test, [world.other_child])
    assert mail.outbox == [] and not Notification.objects.exists()
    with time_machine.travel(moment(2027, 1, 22, 8), tick=False), committing():
        record_effects.call(world.school.pk)
    assert [m.to for m in mail.outbox] == [[world.other_parent.email]]


def test_a_whole_portal_closure_holds_a_release_back_until_it_ends(world):
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    closed_period(world.school, moment(2027, 2, 11, 8), moment(2027, 2, 13, 8))
    with time_machine.travel(moment(2027, 2, 12, 8), tick=False), committing():
        record_effects.call(world.school.pk)
    assert mail.outbox == []  # not visible yet: never announced early


def test_a_decided_change_request_is_new_in_the_portal_but_mailed_once(world, client):
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, city="Amersfoort"),
    )
    request = ChangeRequest.objects.get()
    detail = reverse("requestsadmin:detail", args=[world.school.slug, request.pk])
    client.force_login(world.staff)
    token = client.get(detail).context["token"]
    mail.outbox.clear()
    client.post(detail, {"action": "accept", "accept": ["city"], "reason": "", "token": token})
    assert [m.to for m in mail.outbox] == [[world.parent.email]]  # the decision mail only
    (item,) = Notification.objects.filter(user=world.parent)
    assert item.state == Notification.State.OWN_MAIL
    client.force_login(world.parent)
    page = client.get(reverse("portal:home")).content.decode()
    requests_page = reverse("changerequests:child_requests", args=[world.child.public_id])
    assert f'href="{requests_page}"' in page
    client.get(requests_page)
    assert f'href="{requests_page}"' not in client.get(reverse("portal:home")).content.decode()
    assert notifications_for_user(world.parent)[0]["kind"] == "change_request"


def test_preferences_page_switches_kinds_and_mode(world, client):
    client.force_login(world.parent)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert "Mail over nieuws" in page and 'value="21:00"' in page
    client.post(
        url,
        {
            "kinds": ["document"],
            "mode": "digest",
            "digest_time": "19:30",
            "quiet_start": "22:00",
            "quiet_end": "06:30",
        },
    )
    preference = Preference.objects.get(user=world.parent)
    assert preference.mode == "digest" and "results" in preference.off_kinds
    assert AuditEvent.objects.filter(action="notifications.preferences.changed").exists()
    test = method_test(world.school, world.group)
    enter(world, test, [world.child])
    assert mail.outbox == []
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{url}"' in profile


def test_staff_page_turns_a_kind_off_shows_the_mail_and_logs_what_was_sent(world, client):
    test = method_test(world.school, world.group)
    enter(world, test, [world.child])
    client.force_login(world.staff)
    url = reverse("notifications:staff", args=[world.school.slug])
    page = client.get(url).content.decode()
    assert "Verstuurd aan ouders" in page and "Sanne" in page and "verstuurd" in page
    preview = client.get(reverse("notifications:preview", args=[world.school.slug]))
    assert "Er staat iets nieuws voor u in het ouderportaal" in preview.content.decode()
    response = client.post(
        url, {"kinds": ["document"], "default_mode": "direct", "default_digest_time": "23:00"}
    )
    assert "Kies een tijd tussen 07:00 en 21:00." in response.content.decode()
    client.post(
        url, {"kinds": ["document"], "default_mode": "direct", "default_digest_time": "18:00"}
    )
    mail.outbox.clear()
    enter(world, method_test(world.school, world.group, name="Blok 4"), [world.other_child])
    assert mail.outbox == []
    assert Notification.objects.get(user=world.other_parent).state == Notification.State.OFF
    # Another school's manager sees nothing of it.
    client.force_login(world.other_staff)
    assert client.get(url).status_code == 404
