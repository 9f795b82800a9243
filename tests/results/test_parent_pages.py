"""What parents see: method tests, Cito charts with tables, explanations, goals."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import resolve, reverse

from ouderportaal.core.schoolcache import RESULTS, raise_version
from ouderportaal.results import visibility
from ouderportaal.results.models import CutScore, ResultSettings
from tests.results.helpers import (
    current_period,
    learning_goal,
    lvs_result,
    many_lvs_results,
    many_method_results,
    method_result,
    method_test,
    year,
)

pytestmark = pytest.mark.django_db


def method_url(world, child=None):
    return reverse("results:method_tests", kwargs={"student": (child or world.child).public_id})


def lvs_url(world, child=None):
    return reverse("results:lvs", kwargs={"student": (child or world.child).public_id})


def test_parent_sees_method_results_with_the_norm_in_words(client, world):
    test = method_test(world.group, name="Blok 3", mastery_norm=80)
    method_result(world.child, test, percentage=Decimal("72.5"), mastered=False)
    spelling = method_test(world.group, subject="spelling", name="Blok 2")
    method_result(world.child, spelling, percentage=Decimal(90), mastered=True)
    other = method_test(world.group, name="Blok 9")
    method_result(world.other_child, other, percentage=Decimal(11), mastered=False)
    client.force_login(world.parent)
    html = client.get(method_url(world)).content.decode()
    assert "Blok 3" in html and "72,5% goed" in html
    assert "nog niet beheerst" in html
    assert "norm 80% goed" in html
    assert "Blok 2" in html and "beheerst" in html
    assert "Blok 9" not in html  # another child's test


def test_grades_ratings_and_test_parts_are_shown(client, world):
    grade_test = method_test(
        world.group, subject="wereldoriëntatie", name="Hoofdstuk 1", result_type="grade"
    )
    method_result(world.child, grade_test, percentage=None, grade=Decimal("7.5"))
    rating_test = method_test(world.group, subject="taal", name="Thema 1", result_type="rating")
    method_result(world.child, rating_test, percentage=None, rating="voldoende")
    with_parts = method_test(world.group, name="Blok 4")
    part = with_parts.parts.create(name="Bewerkingen")
    result = method_result(world.child, with_parts, percentage=Decimal(80))
    result.parts.create(part=part, percentage=Decimal(64))
    client.force_login(world.parent)
    html = client.get(method_url(world)).content.decode()
    assert ">7,5<" in html.replace("\n", "").replace(" ", "") or "7,5" in html
    assert "voldoende" in html
    assert "Bewerkingen: 64%" in html


def test_a_correction_replaces_the_result_it_supersedes(client, world):
    test = method_test(world.group)
    old = method_result(world.child, test, percentage=Decimal(41), mastered=False)
    method_result(world.child, test, percentage=Decimal(83), supersedes=old)
    client.force_login(world.parent)
    html = client.get(method_url(world)).content.decode()
    assert "83% goed" in html
    assert "41% goed" not in html


def test_learning_goals_of_the_current_period_for_the_childs_groep(client, world):
    period = current_period(world.school)
    learning_goal(period, subject="rekenen", text="Getallen tot en met 1000.")
    learning_goal(period, jaargroep="3", subject="lezen", text="Korte woorden lezen.")
    learning_goal(period, subject="taal", text="Verborgen doel.", published=False)
    past = current_period(
        world.school,
        name="Zomer tot herfst",
        start_date=date(2020, 8, 1),
        end_date=date(2020, 10, 1),
    )
    learning_goal(past, text="Oud doel.")
    client.force_login(world.parent)
    html = client.get(method_url(world)).content.decode()
    assert "Herfst tot kerst" in html
    assert "Getallen tot en met 1000." in html
    assert "Korte woorden lezen." not in html  # groep 3
    assert "Verborgen doel." not in html
    assert "Oud doel." not in html


def test_the_school_standing_text_is_shown_and_editable(client, world):
    client.force_login(world.parent)
    assert "Eén toets zegt weinig" in client.get(method_url(world)).content.decode()
    ResultSettings.objects.create(school=world.school, standing_text="Praat erover met de juf.")
    html = client.get(lvs_url(world)).content.decode()
    assert "Praat erover met de juf." in html


def test_lvs_page_has_a_chart_and_a_table_per_subject(client, world):
    lvs_result(world.child, moment="M5", ability_score=Decimal(160), level_iv="III")
    lvs_result(
        world.child,
        moment="E5",
        taken_on=date(2026, 6, 2),
        ability_score=Decimal(171),
        interval_low=Decimal(165),
        interval_high=Decimal(177),
        level_iv="II",
    )
    lvs_result(
        world.child,
        subject="spelling",
        test_name="Spelling 3.0",
        scale_code="SYN-SP3",
        ability_score=Decimal(118),
        interval_low=None,
        interval_high=None,
    )
    client.force_login(world.parent)
    html = client.get(lvs_url(world)).content.decode()
    assert html.count('role="img"') == 2
    assert html.count("<table") == 2
    assert "<title" in html and "<desc" in html
    assert "polyline" in html
    assert "171" in html and "165–177" in html
    assert "Vaardigheidsscore" in html
    assert 'class="explain"' in html  # explanations one tap away
    assert "#vaardigheidsscore" in html


def test_different_scale_codes_are_never_one_line(client, world):
    lvs_result(
        world.child,
        moment="M3",
        ability_score=Decimal(32),
        scale_code="RW-2",
        interval_low=None,
        interval_high=None,
    )
    lvs_result(world.child, moment="M4", ability_score=Decimal(140), scale_code="SYN-RW3")
    client.force_login(world.parent)
    html = client.get(lvs_url(world)).content.decode()
    assert html.count('role="img"') == 2
    assert html.count("<polyline") == 2
    assert "verschillende toetsversies" in html


def test_level_bands_only_where_the_school_entered_cut_scores(client, world):
    lvs_result(world.child, moment="M5")
    lvs_result(world.child, subject="spelling", scale_code="SYN-SP3", moment="M5")
    client.force_login(world.parent)
    html = client.get(lvs_url(world)).content.decode()
    assert 'class="band ' not in html
    CutScore.objects.create(
        school=world.school,
        scale_code="SYN-RW3",
        moment="M5",
        cut_1_2=180,
        cut_2_3=165,
        cut_3_4=150,
        cut_4_5=135,
    )
    CutScore.objects.create(
        school=world.other_school,
        scale_code="SYN-SP3",
        moment="M5",
        cut_1_2=180,
        cut_2_3=165,
        cut_3_4=150,
        cut_4_5=135,
    )
    html = client.get(lvs_url(world)).content.decode()
    assert html.count('class="band ') == 5  # five bands for rekenen only
    assert html.count('class="bands"') == 1


def test_results_without_a_score_appear_in_a_table(client, world):
    lvs_result(
        world.child,
        subject="technisch lezen",
        test_name="AVI",
        moment="M4",
        ability_score=None,
        scale_code="",
        interval_low=None,
        interval_high=None,
        level_iv="",
        level_ae="",
        avi_level="E4",
    )
    client.force_login(world.parent)
    html = client.get(lvs_url(world)).content.decode()
    assert "AVI-niveau E4" in html
    assert 'role="img"' not in html


def test_glossary_is_public_and_explains_the_terms(client):
    html = client.get(reverse("results:glossary")).content.decode()
    for key in (
        "vaardigheidsscore",
        "niveau-i-v",
        "niveau-a-e",
        "functioneringsniveau",
        "dl-dle",
        "referentieniveau",
        "avi",
        "methodetoets",
    ):
        assert f'id="{key}"' in html
    assert "III is gemiddeld" in html


def test_pages_are_gated_by_their_portal_module():
    assert resolve("/ouders/kind/x/methodetoetsen/").func.portal_module == "method_tests"
    assert resolve("/ouders/kind/x/cito/").func.portal_module == "lvs"


def test_every_parent_read_goes_through_the_school_rules(client, world, monkeypatch):
    test = method_test(world.group, name="Blok 7")
    method_result(world.child, test)
    lvs_result(world.child)
    calls = []

    def hide_everything(queryset, *, school, kind, at):
        calls.append((school, kind))
        return queryset.none()

    monkeypatch.setattr(visibility, "filter_for_parents", hide_everything)
    client.force_login(world.parent)
    assert "Blok 7" not in client.get(method_url(world)).content.decode()
    assert 'role="img"' not in client.get(lvs_url(world)).content.decode()
    assert (world.school, "method_tests") in calls
    assert (world.school, "lvs") in calls
    # Staff are not filtered.
    client.force_login(world.staff)
    staff_url = reverse(
        "resultsadmin:pupil", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    html = client.get(staff_url).content.decode()
    assert "Blok 7" in html and 'role="img"' in html


def test_other_parents_get_404(client, world):
    client.force_login(world.other_parent)
    assert client.get(lvs_url(world)).status_code == 404
    client.force_login(world.info_only)
    assert client.get(method_url(world)).status_code == 404


def test_query_count_does_not_grow_with_eight_years_of_results(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(url):
        """Queries of the first visit after a change (the page is built) and of the
        next one (the kept page, results/kept.py)."""
        with CaptureQueriesContext(connection) as built:
            client.get(url)
        with CaptureQueriesContext(connection) as kept:
            client.get(url)
        return len(built), len(kept)

    period = current_period(world.school)
    learning_goal(period)
    client.force_login(world.parent)
    # Small: one result of each kind.
    year(world.school)
    lvs_result(world.child)
    method_result(world.child, method_test(world.group))
    client.get(reverse("portal:home"))  # the first visit after the login saves the session
    counts(lvs_url(world)), counts(method_url(world))  # the school's kept rules and settings
    raise_version(world.school, RESULTS)  # as any change to the school's results does
    small_lvs, small_method = counts(lvs_url(world)), counts(method_url(world))
    assert small_lvs[1] < small_lvs[0] and small_method[1] < small_method[0]
    # Large: eight years of Cito results and many method tests.
    many_lvs_results(world.child, years=8)
    many_method_results(world.child, world.group, count=40)
    assert counts(lvs_url(world)) == small_lvs
    assert counts(method_url(world)) == small_method


def test_method_page_shows_the_newest_school_year_and_earlier_years_on_request(client, world):
    this_year = method_test(world.group, name="Blok dit jaar")
    method_result(world.child, this_year)
    earlier = year(world.school, first=2024)
    old = method_test(
        world.group, school_year=earlier, name="Blok vroeger", taken_on=date(2024, 10, 1)
    )
    method_result(world.child, old, school_year=earlier, group=None)
    client.force_login(world.parent)
    html = client.get(method_url(world)).content.decode()
    assert "Blok dit jaar" in html
    # The earlier year is not rendered, only offered.
    assert "Blok vroeger" not in html
    assert "?schooljaar=2024-2025" in html
    html = client.get(method_url(world), {"schooljaar": "2024-2025"}).content.decode()
    assert "Blok vroeger" in html and "Blok dit jaar" not in html
    assert "Resultaten van schooljaar 2024-2025." in html
    # A year without visible results (or nonsense) shows the newest year.
    html = client.get(method_url(world), {"schooljaar": "1999-2000"}).content.decode()
    assert "Blok dit jaar" in html and "Blok vroeger" not in html
