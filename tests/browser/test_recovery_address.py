"""A parent moves their account to a new e-mail address, and recovery follows only then.

Mail goes through a real SMTP server on loopback; the parent follows the link from the
received message.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.smtp import links_in, smtp_server, text_of  # noqa: F401 - fixture

NEW = "jeroen.nieuw@example.nl"


def test_a_parent_changes_the_address_and_a_reset_then_goes_there(page, axe, world, smtp_server):  # noqa: F811
    old = world.parent.email
    log_in(page, "JdeVries", PASSWORD)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    page.goto("/account/profiel/")
    expect(page.get_by_text(old)).to_be_visible()
    page.get_by_role("link", name="E-mailadres wijzigen").click()
    axe(page)
    page.get_by_label("Nieuw e-mailadres").fill(NEW)
    page.get_by_label("Uw huidige wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Bevestigingslink sturen").click()
    expect(page.get_by_text("Wacht op bevestiging")).to_be_visible()
    axe(page)

    # The new address gets the link; the old one a notice without the new address.
    smtp_server.wait_for(2)
    (confirmation,) = smtp_server.to(NEW)
    (notice,) = smtp_server.to(old)
    assert "nieuw e-mailadres" in notice["Subject"] and NEW not in text_of(notice)
    (link,) = [url for url in links_in(confirmation) if "e-mailadres-bevestigen" in url]

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mailadres bevestigen")
    axe(page)
    page.get_by_role("button", name="Dit adres bevestigen").click()
    expect(page).to_have_url(re.compile(r"/account/profiel/$"))
    expect(page.get_by_text(f"Vanaf nu gaat mail over uw account naar {NEW}.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Uitloggen").click()

    # A reset now goes to the new address only; the old address no longer leads anywhere.
    # (Mail is sent before the answer page shows, so the count below is final.)
    for typed in ("JdeVries", old):
        page.goto("/account/wachtwoord-vergeten/")
        page.get_by_label("Gebruikersnaam of e-mailadres").fill(typed)
        page.get_by_role("button", name="Link sturen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mail")
    smtp_server.wait_for(3)
    resets = [m for m in smtp_server.to(NEW) if "wachtwoord-instellen" in text_of(m)]
    assert len(resets) == 1 and "JdeVries" in text_of(resets[0])
    assert smtp_server.to(old) == [notice]
    assert smtp_server.count() == 3
