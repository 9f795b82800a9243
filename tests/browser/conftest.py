"""Browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server.

Run them as their own pytest invocation: `pytest -m browser tests/browser`.
"""

import os
import re
import shutil

import pytest

# Playwright's sync API keeps an event loop running; Django's ORM must still be usable
# from the test's fixtures in this process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page in a fresh context (no cookies), Dutch."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """axe's violations of every impact on the page, one line each.

    axe-core comes with axe-playwright-python; it is injected once per document.
    """
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]


@pytest.fixture
def axe():
    """`axe(page)` fails the test on any accessibility violation axe finds (all impacts)."""

    def check(page):
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)

    return check


def log_in(page, username, password):
    page.goto("/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def staff_log_in(page, user):
    """Staff log in with a second factor: give them an app code first."""
    import pyotp
    from django.utils import timezone
    from playwright.sync_api import expect

    from ouderportaal.accounts.models import AccountState
    from tests.factories import PASSWORD

    secret = pyotp.random_base32()
    AccountState.objects.update_or_create(
        user=user, defaults={"totp_secret": secret, "totp_confirmed_at": timezone.now()}
    )
    log_in(page, user.username, PASSWORD)
    page.get_by_label(re.compile("Code")).fill(pyotp.TOTP(secret).now())
    page.get_by_label(re.compile("Code")).press("Enter")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
