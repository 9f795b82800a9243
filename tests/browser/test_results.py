"""A parent opens a child's results on a phone: method tests, learning goals, Cito
charts with their tables, and the explanation of 'vaardigheidsscore'."""

from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from ouderportaal.results.models import CutScore
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.results.helpers import (
    current_period,
    learning_goal,
    lvs_result,
    method_result,
    method_test,
    year,
)


def _results(world):
    test = method_test(world.group, name="Blok 3", mastery_norm=80)
    method_result(world.child, test, percentage=Decimal(86), mastered=True)
    spelling = method_test(world.group, subject="spelling", method="Staal", name="Blok 2")
    method_result(world.child, spelling, percentage=Decimal(70), mastered=False)
    learning_goal(current_period(world.school), text="Optellen en aftrekken tot 1000.")
    earlier = year(world.school, 2025)
    for moment, day, score, level in (
        ("M4", date(2025, 1, 28), 140, "III"),
        ("E4", date(2025, 6, 2), 152, "III"),
        ("M5", date(2026, 1, 28), 163, "II"),
    ):
        lvs_result(
            world.child,
            school_year=earlier,
            moment=moment,
            taken_on=day,
            ability_score=Decimal(score),
            interval_low=Decimal(score - 6),
            interval_high=Decimal(score + 6),
            level_iv=level,
        )
        CutScore.objects.create(
            school=world.school,
            scale_code="SYN-RW3",
            moment=moment,
            cut_1_2=score + 12,
            cut_2_3=score + 4,
            cut_3_4=score - 4,
            cut_4_5=score - 12,
        )
    lvs_result(
        world.child,
        school_year=earlier,
        subject="spelling",
        test_name="Spelling 3.0",
        scale_code="SYN-SP3",
        ability_score=Decimal(118),
        interval_low=Decimal(113),
        interval_high=Decimal(123),
        level_iv="II",
    )


def test_parent_reads_results_with_explanations(page, axe, world):
    _results(world)
    log_in(page, "JdeVries", PASSWORD)
    page.get_by_role("link", name="Sanne de Vries").click()
    page.get_by_role("link", name="Methodetoetsen").click()
    expect(page.get_by_role("heading", name="Bij de les: Herfst tot kerst")).to_be_visible()
    expect(page.get_by_text("Optellen en aftrekken tot 1000.")).to_be_visible()
    expect(page.get_by_role("row", name="Blok 3")).to_contain_text("86% goed")
    expect(page.get_by_role("row", name="Blok 2")).to_contain_text("nog niet beheerst")
    expect(page.get_by_text("Eén toets zegt weinig")).to_be_visible()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Cito-toetsen").click()
    charts = page.get_by_role("img", name="groei")
    expect(charts).to_have_count(2)
    expect(page.get_by_role("img", name="Rekenen: groei van M4 tot M5")).to_be_visible()
    expect(
        page.get_by_role("table", name="Rekenen (Rekenen-Wiskunde 3.0): de getallen")
    ).to_contain_text("163")
    expect(page.get_by_role("table", name="Spelling (Spelling 3.0): de getallen")).to_contain_text(
        "118"
    )
    explanation = page.get_by_text("Een getal op één schaal dat door de jaren heen oploopt")
    expect(explanation).to_be_hidden()
    page.locator("summary", has_text="Vaardigheidsscore").first.click()
    expect(explanation).to_be_visible()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Uitleg van alle woorden").click()
    expect(page.get_by_role("heading", name="Uitleg bij de resultaten")).to_be_visible()
    axe(page)
