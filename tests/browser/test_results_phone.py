"""The Cito and method test pages read well on a 360 px phone and on a desktop: nothing
scrolls sideways, no text renders under 12 px (SVG text measured as drawn), the tables
stack into one block per row, captions speak parent language, and axe finds nothing."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ouderportaal.results.models import CutScore
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.results.helpers import lvs_result, method_result, method_test, year

# The smallest rendered font size of any visible text in <main>, in CSS pixels. SVG text
# is scaled by the drawing's transform to the screen (getScreenCTM), so a 15-unit font in
# an SVG drawn at 60% renders at 9 px and is reported as such.
SMALLEST_TEXT = """() => {
  let smallest = Infinity, where = "";
  const main = document.querySelector("main");
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest("title, desc, style, script")) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.clip === "rect(0px, 0px, 0px, 0px)") continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      size = size * Math.sqrt(m.a * m.a + m.b * m.b);
    }
    if (size < smallest) { smallest = size; where = node.textContent.trim().slice(0, 30); }
  }
  return [smallest, where];
}"""


def _results(world):
    earlier = year(world.school, 2025)
    for moment, day, score, level in (
        ("M3", date(2024, 1, 28), 110, "III"),
        ("E3", date(2024, 6, 2), 124, "III"),
        ("M4", date(2025, 1, 28), 140, ""),
        ("E4", date(2025, 6, 2), 152, "III"),
        ("M5", date(2026, 1, 28), 163, ""),
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
            level_ae="",
        )
        CutScore.objects.create(
            school=world.school,
            scale_code="SYN-RW3",
            moment=moment,
            cut_1_2=score + 6,
            cut_2_3=score - 3,
            cut_3_4=score - 8,
            cut_4_5=score - 14,
        )
    test = method_test(world.group, name="Blok 3", mastery_norm=80)
    method_result(world.child, test, percentage=Decimal(86), mastered=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_cito_page_fits_the_screen_with_readable_text(page, axe, world, width):
    _results(world)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "JdeVries", PASSWORD)
    page.goto(f"/ouders/kind/{world.child.public_id}/cito/")
    expect(page.get_by_role("img", name="Rekenen: groei van M3 tot M5")).to_be_visible()
    # The newest score has no level from the test: the school's cut scores give it.
    expect(page.locator("main")).to_contain_text(
        "Deze score hoort bij niveau II: boven het landelijk gemiddelde."
    )
    expect(page.locator("main")).not_to_contain_text("SYN-")
    expect(page.locator("main")).not_to_contain_text("niveaugrenzen")
    assert page.locator(".chart-svg .band").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") == width
    smallest, where = page.evaluate(SMALLEST_TEXT)
    assert smallest >= 12, f"text of {smallest:.1f} px: {where!r}"
    axe(page)

    page.goto(f"/ouders/kind/{world.child.public_id}/methodetoetsen/")
    expect(page.get_by_role("row", name="Blok 3")).to_contain_text("86% goed")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    smallest, where = page.evaluate(SMALLEST_TEXT)
    assert smallest >= 12, f"text of {smallest:.1f} px: {where!r}"
    axe(page)


def test_cito_table_stacks_on_a_phone(page, world):
    _results(world)
    log_in(page, "JdeVries", PASSWORD)
    page.goto(f"/ouders/kind/{world.child.public_id}/cito/")
    cell = page.locator(".lvs-table td[data-label='Percentiel']").first
    # One block per row: the percentile sits under the date, not beside it.
    date_cell = page.locator(".lvs-table td[data-label='Datum']").first
    assert cell.bounding_box()["y"] > date_cell.bounding_box()["y"]
    assert abs(cell.bounding_box()["x"] - date_cell.bounding_box()["x"]) < 2
