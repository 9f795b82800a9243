"""Notification mail through a real SMTP server, with the clock set (time-machine)."""

from __future__ import annotations

import re
from datetime import time

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ouderportaal.core.models import AuditEvent
from ouderportaal.notifications.models import Notification, Preference
from ouderportaal.schoolcontrol.models import ModuleSetting
from tests.factories import GroupFactory, StudentFactory, make_parent
from tests.notifications.helpers import at, run_again_and_catch_up, run_effects
from tests.oncommit import committing
from tests.schoolcontrol.helpers import (
    close_module,
    closed_period,
    lvs_result,
    moment,
    release,
)
from tests.smtp import text_of


def released_family(world):
    """Cito results of 5A (Sanne, Thijs, Noor) held back until 12 February 08:00 for 5A;
    a child of 6B has results of the same moment, but 6B has no release date."""
    other_group = GroupFactory(school=world.school, name="6B", jaargroep="6")
    other_child = StudentFactory(school=world.school, group=other_group, roepnaam="Lotte")
    other_group_parent = make_parent([other_child], username="LotteOuder")
    for child in (world.child, world.sibling, world.other_child, other_child):
        lvs_result(child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8), group=world.group)
    return other_group_parent


def test_a_release_mails_each_parent_with_gezag_once_at_its_moment(world, smtp_server):
    other_group_parent = released_family(world)
    with at(2027, 2, 12, 7, 59):
        run_effects(world.school)
    assert smtp_server.count() == 0
    assert not Notification.objects.exists()
    with at(2027, 2, 12, 8, 0):
        run_effects(world.school)
        smtp_server.wait_for(2)
        run_again_and_catch_up(world.school)
    received = {rcpt[0]: message for rcpt, message in smtp_server.received}
    # JdeVries (Sanne and Thijs) and PBakker (Noor); not EVisser (informatierecht only),
    # not the parent of 6B (no release for that group).
    assert sorted(received) == sorted([world.parent.email, world.other_parent.email])
    assert smtp_server.count() == 2
    assert other_group_parent.email not in received and world.info_only.email not in received
    message = received[world.parent.email]
    text = text_of(message)
    assert "- Sanne: Nieuwe resultaten" in text and "Thijs" in text  # one mail, both children
    assert "Nieuwe resultaten" in text and "/ouders/" in text
    assert "Rekenen" not in text and "Vries" not in text  # no results, no surnames
    assert world.school.name in message["From"]
    assert message["Reply-To"] == world.school.portal_email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http")
    assert message.get_body(preferencelist=("html",)) is not None


def test_quiet_hours_hold_the_mail_until_seven(world, smtp_server):
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 22))
    with at(2027, 2, 12, 22, 0):
        run_effects(world.school)
    with at(2027, 2, 13, 6, 59), committing():
        call_command("send-notifications", verbosity=0)
    assert smtp_server.count() == 0
    with at(2027, 2, 13, 7, 0):
        with committing():
            call_command("send-notifications", verbosity=0)
        smtp_server.wait_for(1)
    assert [rcpt for rcpt, _m in smtp_server.received] == [[world.other_parent.email]]


def test_a_daily_digest_bundles_the_days_events(world, smtp_server, client):
    Preference.objects.create(user=world.other_parent, mode="digest", digest_time=time(18))
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10), moment_code="M")
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10), moment_code="B")
    year = world.group.school_year
    release(world.school, year, "M", moment(2027, 2, 12, 9))
    release(world.school, year, "B", moment(2027, 2, 12, 14))
    for hour in (9, 14):
        with at(2027, 2, 12, hour, 0):
            run_effects(world.school)
            call_command("send-notifications", verbosity=0)
    assert smtp_server.count() == 0
    with at(2027, 2, 12, 18, 0):
        with committing():
            call_command("send-notifications", verbosity=0)
        smtp_server.wait_for(1)
    assert smtp_server.count() == 1
    sent = Notification.objects.filter(user=world.other_parent)
    assert sent.count() == 2 and {n.mail_id for n in sent} == {sent[0].mail_id}


def test_one_click_unsubscribe_without_a_session_switches_that_kind_off(world, smtp_server):
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    with at(2027, 2, 12, 8, 0):
        run_effects(world.school)
        smtp_server.wait_for(1)
    (message,) = smtp_server.to(world.other_parent.email)
    url = re.match(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    path = url.split("://", 1)[1].partition("/")[2]
    mail_program = Client(enforce_csrf_checks=True)  # no session, no CSRF token
    response = mail_program.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=world.other_parent).off_kinds == ["results"]
    assert AuditEvent.objects.filter(
        action="notifications.unsubscribed", actor=world.other_parent
    ).exists()
    # A tampered token changes nothing.
    assert mail_program.post(f"/{path}x").status_code == 404
    # The next release is listed in the portal but not mailed.
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10), moment_code="E")
    release(world.school, world.group.school_year, "E", moment(2027, 6, 20, 8))
    with at(2027, 6, 20, 8, 0):
        run_effects(world.school)
    assert smtp_server.count() == 1
    assert Notification.objects.filter(
        user=world.other_parent, state=Notification.State.OFF
    ).exists()


def test_unsubscribe_page_asks_before_it_changes_anything(world, smtp_server):
    lvs_result(world.other_child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    with at(2027, 2, 12, 8, 0):
        run_effects(world.school)
        smtp_server.wait_for(1)
    (message,) = smtp_server.to(world.other_parent.email)
    url = re.match(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    path = "/" + url.split("://", 1)[1].partition("/")[2]
    response = Client().get(path)
    assert response.status_code == 200 and "Nieuwe resultaten" in response.content.decode()
    assert not Preference.objects.filter(user=world.other_parent).exists()


def test_home_lists_new_results_until_the_parent_opens_them(world, client):
    lvs_result(world.child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    with at(2027, 2, 12, 7, 0):
        client.force_login(world.parent)
        run_effects(world.school)
        page = client.get(reverse("portal:home")).content.decode()
        assert "Niets nieuw sinds uw vorige bezoek." in page
        assert "Nieuwe Cito-resultaten zijn zichtbaar vanaf 12 februari 2027, 08:00." in page
    with at(2027, 2, 12, 8, 30):
        client.force_login(world.parent)
        run_effects(world.school)
        page = client.get(reverse("portal:home")).content.decode()
        lvs = reverse("results:lvs", kwargs={"student": world.child.public_id})
        assert f'href="{lvs}"' in page
        assert client.get(lvs).status_code == 200
        page = client.get(reverse("portal:home")).content.decode()
        assert f'href="{lvs}"' not in page


def test_news_stays_new_while_the_results_page_shows_a_closure_instead(world, client):
    lvs_result(world.child, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    lvs = reverse("results:lvs", kwargs={"student": world.child.public_id})
    with at(2027, 2, 12, 8, 30):
        run_effects(world.school)
    unseen = Notification.objects.filter(user=world.parent, seen_at__isnull=True)
    assert unseen.count() == 1
    # A closed period for the results answers 200 with the closure message: not seen.
    closed_period(world.school, moment(2027, 2, 12, 9), moment(2027, 2, 12, 12), modules=["lvs"])
    with at(2027, 2, 12, 10, 0):
        client.force_login(world.parent)
        response = client.get(lvs)
        assert response.status_code == 200
        assert "Gesloten voor de rapporten." in response.content.decode()
    assert unseen.count() == 1
    # The school switched the module off: "even gesloten", not seen either.
    close_module(world.school, "lvs")
    with at(2027, 2, 12, 13, 0):
        client.force_login(world.parent)
        assert client.get(lvs).status_code == 200
    assert unseen.count() == 1
    # Open again: the parent sees the results, and only now the news is seen.
    setting = ModuleSetting.objects.get(school=world.school, module="lvs")
    setting.is_open = True
    setting.save()  # a save, as the staff page does: the school's kept rules follow
    with at(2027, 2, 12, 13, 5):
        client.force_login(world.parent)
        assert client.get(lvs).status_code == 200
        assert f'href="{lvs}"' not in client.get(reverse("portal:home")).content.decode()
    assert unseen.count() == 0
