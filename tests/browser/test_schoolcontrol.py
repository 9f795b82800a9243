"""The portal manager closes the portal around the report; a parent sees the message."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in, staff_log_in
from tests.factories import PASSWORD


def test_portal_manager_closes_the_portal_and_the_parent_sees_why(page, axe, world):
    staff_log_in(page, world.staff)
    page.goto(f"/beheer/{world.school.slug}/")
    page.get_by_text("Portaal", exact=True).click()  # the menu section opens (<details>)
    page.get_by_role("link", name="Portaalinstellingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portaalinstellingen")
    axe(page)
    # Switch off the Cito tests, keyboard friendly labels included.
    page.get_by_label("Cito-toetsen (LVS)").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De onderdelen zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Cito-toetsen (LVS)")).not_to_be_checked()

    # Schedule a closed period that runs now.
    page.get_by_role("link", name="Gesloten periodes").click()
    axe(page)
    page.get_by_label("Gesloten vanaf").fill("2020-01-01T08:00")
    page.get_by_label("Weer open op").fill("2099-02-12T08:00")
    page.get_by_label("Het hele ouderportaal").check()
    page.get_by_label("Bericht voor ouders").fill(
        "Het ouderportaal is gesloten in verband met de rapporten."
    )
    page.get_by_role("button", name="Plannen").click()
    expect(page.get_by_text("De gesloten periode is gepland.")).to_be_visible()
    expect(page.get_by_text("nu gesloten")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Vrijgeven met het rapport").click()
    axe(page)
    page.get_by_role("link", name="Logboek").click()
    expect(page.get_by_text("Gesloten periode gepland")).to_be_visible()
    expect(page.get_by_text("Onderdeel gewijzigd: Cito-toetsen (LVS)")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Gebruik portaal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebruik van het portaal door ouders")
    axe(page)
    page.get_by_role("link", name="Bekijken als ouder").click()
    axe(page)
    page.get_by_label("Naam van de ouder of de leerling").fill("Sanne")
    page.get_by_role("button", name="Zoeken").click()
    page.locator("main .plain-list a").first.click()
    expect(
        page.get_by_text("Het ouderportaal is gesloten in verband met de rapporten.")
    ).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, "JdeVries", PASSWORD)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(
        page.get_by_text("Het ouderportaal is gesloten in verband met de rapporten.").first
    ).to_be_visible()
    expect(page.get_by_role("link", name="Sanne de Vries")).to_have_count(0)
    axe(page)
    page.goto(f"/ouders/kind/{world.child.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Het ouderportaal is even gesloten")
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
