"""What a new parent does, from the school's account mail to a reset password.

The portal manager (who must use a second factor) sends the account mail through a real
SMTP server on loopback; the parent follows the link from the received message.
"""

import re

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, GuardianFactory, LinkFactory
from tests.smtp import links_in, smtp_server  # noqa: F401 - fixture

FIRST = "mijn eerste lange zin"
SECOND = "een heel nieuwe zin nu"


def set_password_link(inbox, count):
    inbox.wait_for(count)
    message = inbox.messages[count - 1]
    (link,) = [url for url in links_in(message) if "wachtwoord-instellen" in url]
    return link


def log_out(page):
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/account/inloggen/"))
    # The login page asks for a passkey challenge as it loads, which starts a session of
    # its own; let it answer first, or its cookie may replace the session a link opened
    # right after it starts.
    page.wait_for_load_state("networkidle")


def test_a_new_parent_from_account_mail_to_reset_password(page, axe, world, smtp_server):  # noqa: F811
    guardian = GuardianFactory(
        school=world.school,
        roepnaam="Fatima",
        initials="F",
        achternaam="El Amrani",
        email="fatima@example.nl",
    )
    LinkFactory(guardian=guardian, student=world.other_child)

    # The portal manager logs in and is led through setting up the second factor.
    log_in(page, "directie", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    axe(page)
    secret = page.locator(".secret").inner_text().replace(" ", "")
    page.get_by_label("Code van zes cijfers uit uw authenticator-app").fill(
        pyotp.TOTP(secret).now()
    )
    page.get_by_role("button", name="Bevestigen").click()
    page.goto(f"/beheer/{world.school.slug}/accounts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ouderaccounts")
    axe(page)
    page.get_by_role("link", name="Groep 5A").click()
    axe(page)
    page.get_by_role("link", name="Fatima El Amrani").click()
    page.get_by_role("button", name="Account aanmaken en accountmail sturen").click()
    expect(page.get_by_text("1 van 1 klaar")).to_be_visible()
    axe(page)
    log_out(page)

    # The parent opens the link from the mail: the username is filled in.
    page.goto(set_password_link(smtp_server, 1))
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("FElAmrani")
    axe(page)
    page.get_by_label("Nieuw wachtwoord").fill(FIRST)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(FIRST)
    page.get_by_role("button", name="Wachtwoord instellen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_text("Noor").first).to_be_visible()
    axe(page)
    log_out(page)

    log_in(page, "FElAmrani", FIRST)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    log_out(page)

    # Lower case does not work, and the help desk's message says why.
    log_in(page, "felamrani", FIRST)
    expect(page.get_by_role("alert")).to_contain_text(
        "Ongeldige combinatie van gebruikersnaam en wachtwoord"
    )
    expect(page.get_by_role("alert")).to_contain_text("hoofdlettergevoelig")
    axe(page)

    # Forgot password: a new link by mail; afterwards only the new password works.
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    axe(page)
    page.get_by_label("Gebruikersnaam of e-mailadres").fill("FElAmrani")
    page.get_by_role("button", name="Link sturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mail")
    axe(page)
    page.goto(set_password_link(smtp_server, 2))
    page.get_by_label("Nieuw wachtwoord").fill(SECOND)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(SECOND)
    page.get_by_role("button", name="Wachtwoord instellen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    log_out(page)

    log_in(page, "FElAmrani", FIRST)
    expect(page.get_by_role("alert")).to_contain_text("Ongeldige combinatie")
    log_in(page, "FElAmrani", SECOND)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_caps_lock_warning_on_the_login_page(page, axe, world):
    page.goto("/account/inloggen/")
    warning = page.locator("#capslock-warning")
    expect(warning).to_be_hidden()
    field = page.get_by_label("Wachtwoord", exact=True)
    # Headless Chromium has no real Caps Lock key; send the event a keyboard would send.
    field.evaluate(
        "el => el.dispatchEvent(new KeyboardEvent('keydown', {key: 'A', modifierCapsLock: true}))"
    )
    expect(warning).to_be_visible()
    axe(page)
    field.evaluate("el => el.dispatchEvent(new KeyboardEvent('keyup', {key: 'a'}))")
    expect(warning).to_be_hidden()
