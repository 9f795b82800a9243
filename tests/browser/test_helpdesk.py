"""The help desk in a phone-sized browser: help without login, documents, appointments."""

import re
from pathlib import Path

from playwright.sync_api import expect

from ouderportaal.helpdesk.pdf import simple_pdf
from tests.browser.conftest import log_in as _log_in
from tests.browser.conftest import staff_log_in
from tests.factories import PASSWORD, StudentFactory, make_parent


def log_in(page, username, password):
    _log_in(page, username, password)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_logged_out_parent_finds_help_and_searches(page, axe, world):
    page.goto("/account/inloggen/")
    axe(page)
    page.get_by_role("link", name="Accountinfo niet ontvangen?").click()
    # Two schools: the parent picks theirs first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Hulp bij het ouderportaal")
    axe(page)
    page.get_by_label("Zoek uw school (naam of plaats)").fill("ark")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name="OBS Elders")).to_have_count(0)
    page.get_by_role("link", name="KBS De Ark").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Accountinfo niet ontvangen?")
    expect(
        page.locator("article").get_by_role("link", name="ouderportaal@de-ark.example.nl")
    ).to_be_visible()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("Zoeken in de hulp").fill("wachtwoord")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("status")).to_contain_text("gevonden voor „wachtwoord”")
    expect(page.get_by_role("link", name="Checklist: lukt inloggen niet?").first).to_be_visible()
    axe(page)

    # The school is remembered: from the login page the next help link goes straight there.
    page.goto("/account/inloggen/")
    page.get_by_role("link", name="Checklist: lukt inloggen niet?").click()
    expect(page).to_have_url(re.compile(r"/hulp/de-ark/onderwerp/checklist-inloggen/$"))


def test_manual_upload_download_and_refusal(page, axe, world, tmp_path):
    manual = tmp_path / "Handleiding.pdf"
    manual.write_bytes(simple_pdf([["Handleiding", "Inloggen"]], title="Handleiding"))
    program = tmp_path / "handleiding-nieuw.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 500)

    staff_log_in(page, world.staff)
    page.goto("/beheer/de-ark/documenten/")
    axe(page)
    page.get_by_label("Titel").fill("Handleiding ouderportaal")
    page.get_by_label("ingelogde ouders van deze school").check()
    page.get_by_label("Bestand").set_input_files(str(manual))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_text("Het document is geüpload.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("Titel").fill("Nep")
    page.get_by_label("Bestand").set_input_files(str(program))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_text("Dit soort bestand wordt niet geaccepteerd")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Uitloggen").click()

    log_in(page, "JdeVries", PASSWORD)
    page.get_by_role("link", name="Documenten van KBS De Ark").click()
    axe(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Handleiding ouderportaal").click()
    download = info.value
    assert download.suggested_filename == "handleiding-ouderportaal.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    link = page.get_by_role("link", name="Handleiding ouderportaal").get_attribute("href")
    page.get_by_role("button", name="Uitloggen").click()

    make_parent([StudentFactory(school=world.other_school)], username="AnderOuder")
    log_in(page, "AnderOuder", PASSWORD)
    response = page.request.get(link)
    assert response.status == 404


def test_appointment_request_and_answer(page, axe, world):
    log_in(page, "JdeVries", PASSWORD)
    page.get_by_role("link", name="Sanne de Vries").click()
    page.get_by_role("link", name="Afspraak met de leerkracht").click()
    axe(page)
    page.get_by_label("Waarover wilt u praten?").fill("Hoe gaat het met lezen?")
    page.get_by_label("Voorkeur voor dagen en tijden").fill("Dinsdag na 15.00 uur")
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.get_by_text("Uw verzoek is verstuurd.")).to_be_visible()
    expect(page.get_by_text("wacht op antwoord")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    staff_log_in(page, world.teacher)
    page.goto("/beheer/de-ark/afspraken/")
    axe(page)
    page.get_by_role("link", name="Hoe gaat het met lezen?").click()
    axe(page)
    page.get_by_label("Voorgestelde tijd").fill("2026-12-08T15:30")
    page.get_by_label("Antwoord").fill("Graag, tot dan!")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_text("Uw antwoord is naar de ouder gestuurd.")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    log_in(page, "JdeVries", PASSWORD)
    page.get_by_role("link", name="Sanne de Vries").click()
    page.get_by_role("link", name="Afspraak met de leerkracht").click()
    expect(page.get_by_text("Graag, tot dan!")).to_be_visible()
    expect(page.get_by_text("8 december 2026")).to_be_visible()
    axe(page)
