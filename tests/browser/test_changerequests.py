"""A parent proposes a new address; the administration accepts it; both parents hear it."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import log_in as _log_in
from tests.browser.conftest import staff_log_in
from tests.factories import PASSWORD, GuardianFactory, LinkFactory, UserFactory


def log_in(page, username, password):
    _log_in(page, username, password)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_parent_proposes_address_and_administration_accepts(page, axe, world):
    other = GuardianFactory(
        school=world.school,
        user=UserFactory(username="MdeVries"),
        email="marieke@example.nl",
        street="Havenstraat",
        house_number="88",
    )
    LinkFactory(guardian=other, student=world.child)

    log_in(page, "JdeVries", PASSWORD)
    page.get_by_role("link", name="Sanne de Vries").click()
    page.get_by_role("link", name="Wijziging doorgeven in het adres of telefoonnummer").click()
    expect(page.get_by_role("heading", name="Gegevens van Sanne wijzigen")).to_be_visible()
    expect(page.get_by_label("Straat")).to_have_value("Kerkstraat")
    axe(page)
    # A wrong postcode is refused and what was typed stays.
    page.get_by_label("Straat").fill("Beukenlaan")
    page.get_by_label("Huisnummer").fill("3a")
    page.get_by_label("Postcode").fill("35121")
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.get_by_text("Vul een Nederlandse postcode in")).to_be_visible()
    expect(page.get_by_label("Straat")).to_have_value("Beukenlaan")
    axe(page)
    page.get_by_label("Postcode").fill("3512 kl")
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.get_by_text("binnen 5 werkdagen, uiterlijk op")).to_be_visible()
    expect(page.locator(".status").first).to_have_text("ingediend")
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Uitloggen").click()

    staff_log_in(page, world.staff)
    page.goto(f"/beheer/{world.school.slug}/wijzigingsverzoeken/")
    expect(page.get_by_role("heading", name="Wijzigingsverzoeken", exact=True)).to_be_visible()
    expect(page.get_by_text("Uiterlijk verwerken op")).to_be_visible()
    expect(page.get_by_role("cell", name="Beukenlaan")).to_be_visible()
    axe(page)
    page.get_by_role("link", name=re.compile("Sanne de Vries")).click()
    expect(page.get_by_role("checkbox", name="Straat overnemen")).to_be_checked()
    axe(page)
    page.get_by_role("button", name="Aangevinkte wijzigingen verwerken").click()
    expect(page.get_by_text("Het verzoek is afgehandeld: verwerkt.")).to_be_visible()
    expect(page.get_by_text("Er zijn geen open verzoeken.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Uitloggen").click()

    log_in(page, "JdeVries", PASSWORD)
    page.get_by_role("link", name="Sanne de Vries").click()
    expect(page.get_by_text("Beukenlaan 3a")).to_be_visible()
    page.get_by_role("link", name="Gegevens wijzigen").click()
    expect(page.locator(".status").first).to_have_text("verwerkt")
    axe(page)

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["jdevries@example.nl", "marieke@example.nl"]
    to_other = next(m for m in mail.outbox if m.to == ["marieke@example.nl"])
    assert "Beukenlaan" in to_other.body
    assert "andere ouder" in to_other.body
