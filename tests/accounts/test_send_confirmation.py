"""Bulk account mail: a confirmation with counts first, and nothing for active parents."""

import pytest
from django.core import mail
from django.urls import reverse

from ouderportaal.accounts.models import AccountMailBatch
from tests.accounts.helpers import mails_to
from tests.factories import GuardianFactory, LinkFactory, StudentFactory


@pytest.fixture
def separated(world):
    """A pupil of the group whose father has no account yet, and one without an address."""
    pupil = StudentFactory(school=world.school, group=world.group)
    LinkFactory(
        guardian=GuardianFactory(school=world.school, email="pieter@example.nl"), student=pupil
    )
    LinkFactory(guardian=GuardianFactory(school=world.school, email=""), student=pupil)
    return pupil


def _send(client, world, **extra):
    return client.post(
        reverse("accountadmin:send", kwargs={"school": world.school.slug}),
        {"scope": "group", "group": world.group.pk, **extra},
    )


def test_a_group_send_shows_the_counts_and_sends_nothing_before_confirming(
    world, portal_manager, separated
):
    response = _send(portal_manager, world)
    assert response.status_code == 200
    preview = response.context["preview"]
    # Pieter has no account yet; world.parent and other_parent already have a password;
    # the other parent of the new pupil has no address, info_only has no gezag.
    assert preview == {
        "to_send": 1,
        "active": 2,
        "already_sent": 0,
        "busy": 0,
        "no_account": 2,
    }
    html = response.content.decode()
    assert 'name="confirm" value="yes"' in html
    assert not AccountMailBatch.objects.exists()
    assert mail.outbox == []


def test_the_whole_school_send_asks_first(world, portal_manager):
    response = portal_manager.post(
        reverse("accountadmin:send", kwargs={"school": world.school.slug}), {"scope": "school"}
    )
    assert response.status_code == 200
    assert "Accountmail sturen naar heel" in response.content.decode()
    assert not AccountMailBatch.objects.exists()


def test_an_active_parent_gets_no_account_made_mail_from_a_group_send(
    world, portal_manager, separated
):
    assert world.parent.has_usable_password()
    _send(portal_manager, world, confirm="yes")
    assert mails_to("pieter@example.nl")
    assert mails_to(world.parent.email) == []


def test_new_account_information_for_an_active_parent_does_not_say_an_account_was_made(
    world, portal_manager
):
    record = world.parent.guardian_records.get(school=world.school)
    portal_manager.post(
        reverse(
            "accountadmin:guardian", kwargs={"school": world.school.slug, "guardian": record.pk}
        )
    )
    (message,) = mails_to(world.parent.email)
    assert "account voor u gemaakt" not in message.body
    assert "stuurt u nieuwe gegevens van uw account" in message.body
    html = message.alternatives[0][0]
    assert "account voor u gemaakt" not in html


def test_the_progress_page_does_not_reload_itself(world, portal_manager, separated):
    _send(portal_manager, world, confirm="yes")
    batch = AccountMailBatch.objects.get()
    page = portal_manager.get(
        reverse("accountadmin:batch", kwargs={"school": world.school.slug, "batch": batch.pk})
    ).content.decode()
    assert "http-equiv" not in page
