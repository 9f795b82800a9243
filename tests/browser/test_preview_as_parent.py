"""Staff open a pupil's pages as a parent with gezag sees them, on a phone."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import staff_log_in


def no_violations(page):
    """Every axe violation counts here, whatever its impact."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_staff_see_the_parents_pages_read_only_at_360_px(page, world):
    staff_log_in(page, world.staff)
    page.goto(f"/beheer/{world.school.slug}/leerlingen/{world.child.public_id}/")
    page.get_by_role("link", name="Bekijken als ouder").click()
    no_violations(page)
    page.get_by_role("button", name="Pagina's van de ouder tonen").click()

    banner = page.get_by_role("note").filter(has_text="Voorbeeld")
    expect(banner).to_contain_text("Voorbeeld: zo ziet een ouder met gezag deze pagina nu")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sanne")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    no_violations(page)

    page.get_by_role("link", name="Cito-toetsen").click()
    expect(page).to_have_url(re.compile(r"/als-ouder/leerling/.+/ouders/kind/.+/cito/$"))
    expect(banner).to_be_visible()
    no_violations(page)

    page.get_by_role("link", name="Afspraak met de leerkracht").click()
    expect(page.get_by_role("button", name="Verzoek versturen")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    no_violations(page)

    page.get_by_role("link", name="Terug naar het beheer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanne de Vries")
