"""The portal manager gives the school its colour in the browser; the back office's
overview and the settings page pass axe at 360 and 1280 px, and parents see the colour."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, staff_log_in
from tests.factories import PASSWORD


@pytest.mark.parametrize("width", [360, 1280])
def test_manager_sets_the_colour_and_pages_stay_accessible(page, axe, world, width):
    page.set_viewport_size({"width": width, "height": 800})
    staff_log_in(page, world.staff)
    page.goto(f"/beheer/{world.school.slug}/")
    expect(page.get_by_role("heading", name="Te doen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == width
    axe(page)

    page.get_by_text("Portaal", exact=True).click()  # opens the section (<details>)
    page.get_by_role("link", name="Portaalinstellingen").click()
    page.get_by_role("link", name="Huisstijl").click()
    page.get_by_label("Accentkleur").fill("#ffcc00")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("te moeilijk te lezen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == width
    axe(page)
    page.get_by_label("Accentkleur").fill("#0b5d3b")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De huisstijl van de school is opgeslagen.")).to_be_visible()
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(11, 93, 59)")
    axe(page)


def test_parent_sees_the_school_colour_from_the_login_link(page, axe, world):
    from ouderportaal.core.models import SchoolBranding

    SchoolBranding.objects.create(school=world.school, accent_colour="#0b5d3b", version=1)
    page.goto(f"/account/inloggen/?school={world.school.slug}")
    expect(page.get_by_text("Het ouderportaal van KBS De Ark")).to_be_visible()
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 93, 59)")
    axe(page)
    log_in(page, "JdeVries", PASSWORD)
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 93, 59)")
