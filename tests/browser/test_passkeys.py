"""Passkeys in Chromium with a virtual authenticator (Chrome DevTools Protocol).

The authenticator keeps resident keys and verifies the user (as a phone with a
fingerprint does), so the login needs no username and counts as two factors.
"""

import re

import pytest
from playwright.sync_api import expect

from ouderportaal.accounts.models import Passkey
from ouderportaal.core.models import AuditEvent
from tests.browser.conftest import staff_log_in
from tests.factories import PASSWORD


@pytest.fixture
def authenticator(page, live_server, settings):
    settings.PORTAL_URL = live_server.url
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def log_in_with_password(page, username):
    page.goto("/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def add_passkey(page, axe, name):
    page.goto("/account/profiel/")
    page.get_by_role("link", name="Passkeys beheren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passkeys")
    axe(page)
    page.get_by_label("Naam van dit apparaat").fill(name)
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.get_by_text(f"Passkey “{name}” is toegevoegd")).to_be_visible()
    expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    axe(page)


def log_out(page):
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/account/inloggen/"))


def test_a_parent_adds_a_passkey_and_logs_in_without_a_username(page, axe, world, authenticator):
    cdp, authenticator_id = authenticator
    log_in_with_password(page, "JdeVries")
    add_passkey(page, axe, "Telefoon")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert [c["isResidentCredential"] for c in stored["credentials"]] == [True]
    page.get_by_role("button", name="Uitloggen").click()

    # On the login page the browser offers the passkey with the username field
    # (conditional UI); the virtual authenticator picks it at once, as a parent tapping
    # the suggestion does. No username is typed.
    expect(page).to_have_url(re.compile(r"/ouders/"))
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_text("Sanne").first).to_be_visible()
    expect(page.get_by_text("Thijs").first).to_be_visible()
    passkey = Passkey.objects.get(user=world.parent)
    assert passkey.last_used_at is not None
    login = AuditEvent.objects.filter(action="account.login").latest("pk")
    assert login.data["method"] == "passkey"

    # The help page that explains passkeys.
    page.goto(f"/hulp/{world.school.slug}/onderwerp/passkeys/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen met een passkey")
    expect(page.get_by_text("Op een Android-telefoon")).to_be_visible()
    axe(page)


def test_staff_with_a_passkey_reach_the_back_office_without_a_code(
    page, axe, world, authenticator, settings
):
    settings.STAFF_REQUIRE_TOTP = True
    # A browser without autofill for passkeys: the button is the way.
    page.add_init_script("delete PublicKeyCredential.isConditionalMediationAvailable;")
    staff_log_in(page, world.staff)
    add_passkey(page, axe, "Laptop school")
    log_out(page)
    # The password form stays first; the passkey button shows because it can work.
    expect(page.get_by_role("button", name="Inloggen met een passkey")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Inloggen met een passkey").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    page.goto(f"/beheer/{world.school.slug}/")
    expect(page).to_have_url(re.compile(rf"/beheer/{world.school.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "code" not in page.url


def test_without_passkey_support_only_the_password_form_shows(
    browser, live_server, world, settings
):
    settings.PORTAL_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/account/inloggen/")
    expect(page.get_by_role("button", name="Inloggen", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Inloggen met een passkey")).to_be_hidden()
    context.close()
