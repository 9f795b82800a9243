"""The school's rules are kept across requests (core.schoolcache), and still every
change and every moment takes effect at once: the pages are asked twice before each
change, so the second answer comes from the kept rules (through HTTP, at set times)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SchoolFactory, StudentFactory, make_parent
from tests.schoolcontrol.helpers import closed_period, lvs_result, moment, release

SEVEN_59 = moment(2027, 2, 10, 7, 59)
EIGHT = moment(2027, 2, 10, 8, 0)
TEST_NAME = "Spelling 3.0"  # what the Cito page shows of the result below


def cito_url(child):
    return reverse("results:lvs", args=[child.public_id])


def warm_page(client, url) -> str:
    """The page after a first visit filled the kept rules."""
    client.get(url)
    return client.get(url).content.decode()


@pytest.fixture
def at_seven_59(world, client):
    with time_machine.travel(SEVEN_59, tick=False) as traveller:
        client.force_login(world.parent)
        yield traveller


def test_a_release_at_eight_shows_nothing_at_7_59_and_the_results_at_eight(
    world, client, at_seven_59
):
    lvs_result(world.child, entered_at=moment(2027, 1, 25, 10), subject="Spelling")
    release(world.school, world.child.group.school_year, "M", EIGHT)
    url = cito_url(world.child)
    assert TEST_NAME not in warm_page(client, url)
    at_seven_59.move_to(EIGHT)
    with CaptureQueriesContext(connection) as at_eight:
        page = client.get(url).content.decode()
    assert TEST_NAME in page
    # Nothing was written and the rules were not read again: the kept ones decided.
    assert not [q for q in at_eight.captured_queries if "schoolcontrol_" in q["sql"]]


def test_a_closed_period_that_starts_hides_the_results_at_once(world, client, at_seven_59):
    lvs_result(world.child, entered_at=moment(2027, 1, 25, 10), subject="Spelling")
    closed_period(world.school, EIGHT, EIGHT + timedelta(days=2))
    url = cito_url(world.child)
    assert TEST_NAME in warm_page(client, url)
    at_seven_59.move_to(EIGHT)
    page = client.get(url).content.decode()
    assert TEST_NAME not in page
    assert "Gesloten voor de rapporten." in page
    # The home page announced it before and shows it now.
    assert "Gesloten voor de rapporten." in client.get(reverse("portal:home")).content.decode()


def test_a_module_switched_off_by_the_school_disappears_at_once(world, client, at_seven_59):
    lvs_result(world.child, entered_at=moment(2027, 1, 25, 10), subject="Spelling")
    url = cito_url(world.child)
    general = reverse("portal:general", args=[world.child.public_id])
    assert TEST_NAME in warm_page(client, url)
    assert url in warm_page(client, general)  # the Cito tab
    manager = Client()
    manager.force_login(world.staff)
    switched = manager.post(
        reverse("schoolcontrol:modules", kwargs={"school": world.school.slug}),
        {"general": "on", "method_tests": "on", "change_requests": "on", "appointments": "on"},
    )
    assert switched.status_code == 302
    page = client.get(url).content.decode()
    assert TEST_NAME not in page
    assert "Niet beschikbaar op deze school" in page
    assert url not in client.get(general).content.decode()


def test_a_released_moment_and_a_new_release_later_in_the_year(world, client, at_seven_59):
    # A release the staff moves to a later moment holds the results back again at once.
    lvs_result(world.child, entered_at=moment(2027, 1, 25, 10), subject="Spelling")
    held = release(world.school, world.child.group.school_year, "M", moment(2027, 2, 9, 8))
    url = cito_url(world.child)
    assert TEST_NAME in warm_page(client, url)
    held.release_at = moment(2027, 2, 11, 8)
    held.save()
    assert TEST_NAME not in client.get(url).content.decode()


def test_a_corrected_result_shows_at_once(world, client, at_seven_59):
    first = lvs_result(world.child, entered_at=moment(2027, 1, 25, 10), subject="Spelling")
    url = cito_url(world.child)
    assert TEST_NAME in warm_page(client, url)
    corrected = lvs_result(
        world.child, entered_at=moment(2027, 2, 1, 10), subject="Begrijpend lezen"
    )
    corrected.supersedes = first
    corrected.save(update_fields=["supersedes"])
    page = client.get(url).content.decode()
    assert "Begrijpend lezen 3.0" in page
    assert TEST_NAME not in page


def test_kept_rules_never_cross_to_another_school(db, client):
    # Two schools, one with the Cito module closed, children with the same names: each
    # parent gets their own school's decision, whoever asked first.
    schools = [SchoolFactory(), SchoolFactory()]
    children = [StudentFactory(school=s, roepnaam="Sam", achternaam="Jansen") for s in schools]
    parents = [make_parent([c], username=f"ouder{n}") for n, c in enumerate(children)]
    for child in children:
        lvs_result(child, entered_at=moment(2026, 10, 1, 10), subject="Spelling")
    from tests.schoolcontrol.helpers import close_module

    close_module(schools[0], "lvs")
    with time_machine.travel(moment(2027, 1, 10, 10), tick=False):
        for first, second in ((0, 1), (1, 0)):
            pages = {}
            for index in (first, second, first, second):
                client.force_login(parents[index])
                pages[index] = client.get(cito_url(children[index])).content.decode()
            assert TEST_NAME not in pages[0]
            assert "Niet beschikbaar op deze school" in pages[0]
            assert TEST_NAME in pages[1]


def test_kept_rules_follow_the_language_of_the_page(world, client, at_seven_59):
    closed_period(world.school, SEVEN_59 - timedelta(hours=1), EIGHT, modules=["lvs"])
    url = cito_url(world.child)
    assert "Cito-toetsen" in warm_page(client, url)
    world.parent.language = "en"
    world.parent.save(update_fields=["language"])
    page = client.get(url).content.decode()
    assert "Cito tests (LVS)" in page
    assert "Cito-toetsen" not in page
