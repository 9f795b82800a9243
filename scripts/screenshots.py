"""Take the screenshots for scripts/screenshots: python scripts/screenshots.py URL FOLDER."""

import os
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import django
from playwright.sync_api import sync_playwright

# The demo's password, from the same settings and data folder as the server.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouderportaal.settings")
django.setup()
from ouderportaal.core.demo import DEMO_PASSWORD  # noqa: E402

WIDTHS = (360, 1280)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def wait_for(base: str) -> None:
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 - our own http URL
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the portal did not start at {base}")


def log_in(page, base, username):
    page.goto(f"{base}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def parent_pages(page, base):
    yield "home", f"{base}/ouders/"
    page.goto(f"{base}/ouders/")
    child = page.get_by_role("link", name="Sanne de Vries").first.get_attribute("href")
    yield "child", f"{base}{child}"
    yield "cito", f"{base}{child}cito/"
    yield "method-tests", f"{base}{child}methodetoetsen/"


def staff_pages(page, base):
    yield "staff-overview", f"{base}/beheer/de-ark/"
    yield "branding-settings", f"{base}/beheer/de-ark/portaal/huisstijl/"


def main(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    wait_for(base)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for username, pages in (("JdeVries", parent_pages), ("directie.ark", staff_pages)):
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": 800}, locale="nl-NL"
                )
                page = context.new_page()
                log_in(page, base, username)
                for name, url in list(pages(page, base)):
                    page.goto(url)
                    path = folder / f"{name}-{width}.png"
                    page.screenshot(path=path, full_page=True)
                    print(path)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
