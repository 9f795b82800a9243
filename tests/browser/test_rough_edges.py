"""Module switches never strand a parent; a whole-school account send asks first.

axe runs at a phone's width (360 px) and a desktop's (1280 px) on every page visited.
"""

import re

from playwright.sync_api import expect

from ouderportaal.accounts.models import AccountMailBatch
from tests.browser.conftest import PHONE, log_in, staff_log_in
from tests.factories import PASSWORD, GuardianFactory, LinkFactory, StudentFactory
from tests.schoolcontrol.helpers import close_module

DESKTOP = {"width": 1280, "height": 800}


def check_both_widths(page, axe):
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    axe(page)
    page.set_viewport_size(PHONE)


def test_with_general_data_off_the_parent_still_reaches_cito_results(page, axe, world):
    close_module(world.school, "general")
    log_in(page, "JdeVries", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    page.get_by_role("link", name="Sanne de Vries").click()
    # The child link leads to the first open module, with the tabs of every open one.
    expect(page).to_have_url(re.compile(r"/methodetoetsen/$"))
    tabs = page.locator("nav.tabs")
    expect(tabs.get_by_role("link", name="Algemene gegevens")).to_have_count(0)
    check_both_widths(page, axe)
    tabs.get_by_role("link", name="Cito-toetsen").click()
    expect(page).to_have_url(re.compile(r"/cito/$"))
    expect(page.get_by_text("Niet beschikbaar op deze school")).to_have_count(0)
    check_both_widths(page, axe)


def test_the_whole_school_account_send_asks_for_confirmation(page, axe, world):
    newcomer = StudentFactory(school=world.school, group=world.group)
    LinkFactory(guardian=GuardianFactory(school=world.school), student=newcomer)
    staff_log_in(page, world.staff)
    page.goto(f"/beheer/{world.school.slug}/accounts/")
    page.get_by_role("button", name="Accountmail sturen naar de hele school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Accountmail sturen naar heel {world.school.name}?"
    )
    expect(page.get_by_text("Ja, verstuur 1 accountmail", exact=True)).to_be_visible()
    assert not AccountMailBatch.objects.exists()
    check_both_widths(page, axe)
    page.get_by_role("button", name=re.compile(r"^Ja, verstuur \d+ accountmail")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accountmail versturen")
    assert AccountMailBatch.objects.count() == 1
    assert page.locator("meta[http-equiv]").count() == 0
    check_both_widths(page, axe)
