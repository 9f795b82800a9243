"""A parent of two children logs in on a phone, sees them, opens one, logs out."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def test_parent_sees_exactly_their_children(page, axe, world):
    log_in(page, "JdeVries", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    axe(page)
    cards = page.locator(".child-card h2")
    expect(cards).to_have_count(2)
    expect(cards).to_contain_text(["Sanne de Vries", "Thijs de Vries"])

    page.get_by_role("link", name="Sanne de Vries").click()
    expect(page.get_by_role("heading", name="Persoonsgegevens")).to_be_visible()
    expect(page.get_by_text("5A").first).to_be_visible()
    axe(page)
    child_url = page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/account/inloggen/"))

    log_in(page, "PBakker", PASSWORD)
    response = page.goto(child_url)
    assert response.status == 404
