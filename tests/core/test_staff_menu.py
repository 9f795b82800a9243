"""The back-office links in the menu come from the session, read again at most once a
minute (core.context_processors.staff_menu); the back office itself checks the role on
every request."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import StaffFactory


def test_a_role_given_or_taken_shows_in_the_menu_within_a_minute(world, client):
    home = reverse("portal:home")
    back_office = reverse("backoffice:home", kwargs={"school": world.school.slug})
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(world.parent)
        assert back_office not in client.get(home).content.decode()
        membership = StaffFactory(school=world.school, user=world.parent)
        # Within the minute the kept menu is shown: no query for roles on every page.
        assert back_office not in client.get(home).content.decode()
        clock.shift(timedelta(seconds=61))
        assert back_office in client.get(home).content.decode()
        membership.is_active = False
        membership.save()
        assert client.get(back_office).status_code == 404  # the role is checked at once
        clock.shift(timedelta(seconds=61))
        assert back_office not in client.get(home).content.decode()


def test_staff_see_their_schools_in_the_menu(world, client):
    client.force_login(world.staff)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("backoffice:home", kwargs={"school": world.school.slug}) in page
    assert reverse("backoffice:home", kwargs={"school": world.other_school.slug}) not in page
