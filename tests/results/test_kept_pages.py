"""A child's results pages are kept once rendered (results/kept.py), and every change a
parent could see still shows at once: each page is asked twice before the change, so
the second answer is the kept one (through HTTP; the writes through the school's own
services)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouderportaal.results.services import (
    Entry,
    enter_method_results,
    save_settings,
    settings_of,
    upload_goals,
)
from tests.factories import GroupFactory
from tests.results.helpers import (
    current_period,
    learning_goal,
    lvs_result,
    method_result,
    method_test,
)
from tests.schoolcontrol.test_preview_pages import page_url

pytestmark = pytest.mark.django_db


def method_url(child):
    return reverse("results:method_tests", args=[child.public_id])


def lvs_url(child):
    return reverse("results:lvs", args=[child.public_id])


def kept_page(client, url) -> str:
    client.get(url)
    return client.get(url).content.decode()


def reads_results(client, url, table="results_lvsresult") -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return any(table in q["sql"] for q in queries.captured_queries)


def test_the_second_visit_is_the_kept_page(client, world):
    lvs_result(world.child)
    client.force_login(world.parent)
    client.get(reverse("portal:home"))  # the first visit after the login saves the session
    assert reads_results(client, lvs_url(world.child))
    assert not reads_results(client, lvs_url(world.child))
    # The other parent with gezag sees the same kept page of the same child; a brother's
    # page is his own.
    assert reads_results(client, lvs_url(world.sibling))


def test_a_result_entered_by_the_teacher_shows_at_once(client, world):
    test = method_test(world.group, name="Blok 4", mastery_norm=80)
    client.force_login(world.parent)
    assert "Blok 4" not in kept_page(client, method_url(world.child))
    enter_method_results(
        test, world.group, [Entry(pupil=world.child, value=Decimal(85))], actor=world.staff
    )
    assert "85% goed" in client.get(method_url(world.child)).content.decode()


def test_a_corrected_method_result_shows_at_once(client, world):
    test = method_test(world.group, name="Blok 4", mastery_norm=80)
    method_result(world.child, test, percentage=Decimal(60), mastered=False)
    client.force_login(world.parent)
    assert "60% goed" in kept_page(client, method_url(world.child))
    enter_method_results(
        test, world.group, [Entry(pupil=world.child, value=Decimal(90))], actor=world.staff
    )
    page = client.get(method_url(world.child)).content.decode()
    assert "90% goed" in page and "60% goed" not in page


def test_learning_goals_from_a_file_show_at_once(client, world):
    """The upload writes in bulk, without signals: it marks the kept pages itself."""
    period = current_period(world.school)
    learning_goal(period, text="Getallen tot en met 1000.")
    client.force_login(world.parent)
    assert "Getallen tot en met 1000." in kept_page(client, method_url(world.child))
    upload_goals(period, [("5", "taal", "Zinnen met een bijzin.", "")], actor=world.staff)
    assert "Zinnen met een bijzin." in client.get(method_url(world.child)).content.decode()


def test_a_pupil_moved_to_another_groep_sees_its_goals_at_once(client, world):
    period = current_period(world.school)
    learning_goal(period, jaargroep="5", text="Doel van groep 5.")
    learning_goal(period, jaargroep="6", text="Doel van groep 6.")
    client.force_login(world.parent)
    assert "Doel van groep 5." in kept_page(client, method_url(world.child))
    world.child.group = GroupFactory(school=world.school, name="6A", jaargroep="6")
    world.child.jaargroep = "6"
    world.child.save()
    page = client.get(method_url(world.child)).content.decode()
    assert "Doel van groep 6." in page and "Doel van groep 5." not in page


def test_a_renamed_test_shows_at_once(client, world):
    test = method_test(world.group, name="Blok 4")
    method_result(world.child, test, percentage=Decimal(70))
    client.force_login(world.parent)
    assert "Blok 4" in kept_page(client, method_url(world.child))
    test.name = "Blok 4 (herkansing)"
    test.save()
    assert "Blok 4 (herkansing)" in client.get(method_url(world.child)).content.decode()


def test_a_staff_preview_neither_uses_nor_keeps_the_parents_page(client, world):
    lvs_result(world.child)
    preview = page_url(world, "results:lvs")
    client.force_login(world.staff)
    client.get(preview)
    assert reads_results(client, preview)  # not kept for the next preview
    client.force_login(world.parent)
    client.get(reverse("portal:home"))
    assert reads_results(client, lvs_url(world.child))  # nothing kept by the preview
    assert not reads_results(client, lvs_url(world.child))
    client.force_login(world.staff)
    assert reads_results(client, preview)  # the parent's kept page is not used


def test_a_new_standing_text_shows_at_once(client, world):
    client.force_login(world.parent)
    assert "Eén toets zegt weinig" in kept_page(client, lvs_url(world.child))
    settings = settings_of(world.school)
    settings.standing_text = "Praat erover met de juf."
    save_settings(settings, fields=["standing_text"], actor=world.staff)
    page = client.get(lvs_url(world.child)).content.decode()
    assert "Praat erover met de juf." in page and "Eén toets zegt weinig" not in page


def test_the_kept_page_follows_the_language(client, world):
    client.force_login(world.parent)
    assert "nog geen Cito-resultaten" in kept_page(client, lvs_url(world.child))
    world.parent.language = "en"
    world.parent.save(update_fields=["language"])
    page = client.get(lvs_url(world.child)).content.decode()
    assert "There are no Cito results to show yet." in page


def test_a_cache_that_cannot_be_used_only_costs_the_build(client, world, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "LOCATION": str(blocked / "pages")},
    }
    method_result(world.child, method_test(world.group, name="Blok 4"), percentage=Decimal(70))
    client.force_login(world.parent)
    for _ in range(2):
        response = client.get(method_url(world.child))
        assert response.status_code == 200
        assert "Blok 4" in response.content.decode()
