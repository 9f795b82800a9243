"""What parents see when the school closes a module or the portal (through HTTP)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import GroupFactory, SchoolFactory, StudentFactory, make_parent
from tests.schoolcontrol.helpers import close_module, closed_period, moment

CLOSED_TEXT = (
    "Het ouderportaal is gesloten in verband met de rapporten. "
    "Vanaf 12 februari kunt u weer inloggen."
)


def at(when):
    return mock.patch("django.utils.timezone.now", return_value=when)


def visit(client, user, url, when):
    """Open `url` as `user` with the clock at `when` (the session is made then too)."""
    with at(when):
        client.force_login(user)
        return client.get(url).content.decode()


def test_closed_module_answers_with_a_friendly_page_and_no_data(world, client):
    for module in ("general", "method_tests", "lvs", "change_requests", "appointments"):
        close_module(world.school, module)
    client.force_login(world.parent)
    response = client.get(reverse("portal:general", args=[world.child.public_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Niet beschikbaar op deze school" in text
    assert "KBS De Ark" in text
    assert world.child.street not in text  # no general data
    assert "Algemene gegevens" in text


def test_with_general_data_off_the_child_link_leads_to_the_first_open_module(world, client):
    close_module(world.school, "general")
    client.force_login(world.parent)
    response = client.get(reverse("portal:general", args=[world.child.public_id]))
    method_tests = reverse("results:method_tests", args=[world.child.public_id])
    assert response.status_code == 302
    assert response["Location"] == method_tests
    page = client.get(method_tests).content.decode()
    assert world.child.street not in page
    for url in (
        method_tests,
        reverse("results:lvs", args=[world.child.public_id]),
        reverse("changerequests:child_requests", args=[world.child.public_id]),
    ):
        assert f'href="{url}"' in page
    assert f'href="{reverse("portal:general", args=[world.child.public_id])}"' not in page


def test_a_closed_module_page_keeps_the_tabs_of_the_open_modules(world, client):
    close_module(world.school, "lvs")
    client.force_login(world.parent)
    page = client.get(reverse("results:lvs", args=[world.child.public_id])).content.decode()
    assert "Niet beschikbaar op deze school" in page
    assert f'href="{reverse("results:method_tests", args=[world.child.public_id])}"' in page
    assert f'href="{reverse("results:lvs", args=[world.child.public_id])}"' not in page


def test_closed_module_disappears_from_the_menu(world, client):
    client.force_login(world.parent)
    url = reverse("results:lvs", args=[world.child.public_id])
    general = reverse("portal:general", args=[world.child.public_id])
    assert f'href="{url}"' in client.get(general).content.decode()
    close_module(world.school, "lvs")
    page = client.get(general).content.decode()
    assert f'href="{url}"' not in page
    # A bookmarked address still answers, without data.
    response = client.get(url)
    assert "Niet beschikbaar op deze school" in response.content.decode()


def test_closed_module_at_one_school_leaves_the_other_school_alone(world, client):
    other_child = StudentFactory(
        school=world.other_school, group=GroupFactory(school=world.other_school)
    )
    parent = make_parent([world.child, other_child], username="TweeScholen")
    close_module(world.school, "lvs")
    client.force_login(parent)
    assert (
        "Niet beschikbaar"
        in client.get(reverse("results:lvs", args=[world.child.public_id])).content.decode()
    )
    response = client.get(reverse("results:lvs", args=[other_child.public_id]))
    assert "Niet beschikbaar" not in response.content.decode()
    assert other_child.roepnaam in response.content.decode()


@pytest.mark.parametrize("url_name", ["portal:general", "results:method_tests", "results:lvs"])
def test_closed_portal_shows_the_schools_message_on_every_child_page(world, client, url_name):
    closed_period(world.school, moment(2027, 2, 5, 17), moment(2027, 2, 12, 8), message=CLOSED_TEXT)
    url = reverse(url_name, args=[world.child.public_id])
    text = visit(client, world.parent, url, moment(2027, 2, 8, 10))
    assert CLOSED_TEXT in text
    assert "Weer open vanaf vrijdag 12 februari 2027, 08:00" in text
    assert world.child.street not in text
    # At the opening time the page is back (the clock moves; no job runs).
    text = visit(client, world.parent, url, moment(2027, 2, 12, 8))
    assert CLOSED_TEXT not in text
    assert "Sanne" in text


def test_closed_portal_shows_the_message_instead_of_the_child_on_the_home_page(world, client):
    other_child = StudentFactory(
        school=world.other_school, group=GroupFactory(school=world.other_school)
    )
    parent = make_parent([world.child, other_child], username="TweeScholen")
    closed_period(world.school, moment(2027, 2, 5, 17), moment(2027, 2, 12, 8), message=CLOSED_TEXT)
    text = visit(client, parent, reverse("portal:home"), moment(2027, 2, 8, 10))
    assert CLOSED_TEXT in text
    # The closed school's child is not a link to its data; the other school's child is.
    assert reverse("portal:general", args=[world.child.public_id]) not in text
    assert reverse("portal:general", args=[other_child.public_id]) in text
    text = visit(client, parent, reverse("portal:home"), moment(2027, 2, 12, 8, 0, 1))
    assert CLOSED_TEXT not in text
    assert reverse("portal:general", args=[world.child.public_id]) in text


def test_a_period_for_one_module_closes_only_that_module(world, client):
    closed_period(world.school, moment(2027, 2, 5, 17), moment(2027, 2, 12, 8), modules=["lvs"])
    when = moment(2027, 2, 8, 10)
    lvs = visit(client, world.parent, reverse("results:lvs", args=[world.child.public_id]), when)
    general = visit(
        client, world.parent, reverse("portal:general", args=[world.child.public_id]), when
    )
    home = visit(client, world.parent, reverse("portal:home"), when)
    assert "Gesloten voor de rapporten." in lvs
    assert "Gesloten voor de rapporten." not in general
    assert world.child.street in general
    assert reverse("portal:general", args=[world.child.public_id]) in home


def test_closed_page_is_in_english_for_english_parents(world, client):
    closed_period(
        world.school, timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=1)
    )
    world.parent.language = "en"
    world.parent.save()
    client.force_login(world.parent)
    text = client.get(reverse("portal:general", args=[world.child.public_id])).content.decode()
    assert "The portal is closed for a while" in text
    assert "Gesloten voor de rapporten." in text  # the school's own words
    # ... marked as Dutch, so that a screen reader reads them in Dutch, with a short note.
    assert '<blockquote class="school-message" lang="nl">Gesloten voor de rapporten.' in text
    assert "The school writes its messages in Dutch." in text


def test_other_schools_closing_does_not_affect_this_school(world, client):
    closed_period(
        world.other_school, timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=1)
    )
    client.force_login(world.parent)
    text = client.get(reverse("portal:general", args=[world.child.public_id])).content.decode()
    assert "Gesloten voor de rapporten." not in text


def test_gate_query_count_is_fixed(world, client):
    # Visiting a child page with and without rules costs the same number of queries; the
    # school's kept data is read again once after it changed (its rules: three queries;
    # its look: one), then kept.
    client.force_login(world.parent)
    url = reverse("portal:general", args=[world.child.public_id])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request after the login saves the session
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    school = SchoolFactory()
    for module in ("lvs", "appointments"):
        close_module(world.school, module)
    for day in range(5):
        closed_period(world.school, moment(2030, 1, 1 + day, 8), moment(2030, 1, 1 + day, 9))
        closed_period(school, moment(2030, 1, 1 + day, 8), moment(2030, 1, 1 + day, 9))
    with CaptureQueriesContext(connection) as changed:
        client.get(url)
    with CaptureQueriesContext(connection) as busy:
        client.get(url)
    assert len(changed) == len(plain) + 4
    assert len(busy) == len(plain)


def test_home_page_query_count_with_a_closed_school_does_not_grow(db, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    now = timezone.now()
    for size in (1, 6):
        school = SchoolFactory()
        children = [StudentFactory(school=school) for _ in range(size)]
        other = StudentFactory(school=SchoolFactory())
        client.force_login(make_parent([*children, other], username=f"Groot{size}"))
        client.get(reverse("portal:home"))  # the first request after the login saves the session
        with CaptureQueriesContext(connection) as open_page:
            client.get(reverse("portal:home"))
        closed_period(school, now - timedelta(hours=1), now + timedelta(days=1))
        with CaptureQueriesContext(connection) as changed_page:
            text = client.get(reverse("portal:home")).content.decode()
        assert text.count("Gesloten voor de rapporten.") == size
        # The changed school's kept data is read again once (its rules: three queries;
        # whether it asks parents to read its vision: one), then kept: the closed
        # school's message comes with them.
        assert len(changed_page) == len(open_page) + 4
        with CaptureQueriesContext(connection) as closed_page:
            text = client.get(reverse("portal:home")).content.decode()
        assert text.count("Gesloten voor de rapporten.") == size
        assert len(closed_page) == len(open_page)
        counts[size] = len(closed_page)
    assert counts[1] == counts[6]
