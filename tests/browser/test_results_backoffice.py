"""Back office on a phone, keyboard only: a teacher enters method-test results in the
grid, and the administration previews and imports a Cito file."""

from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ouderportaal.results.models import LvsResult, MethodResult, ResultSettings

SAMPLE = Path("/work/shared/samples/example-cito.csv")


def staff_session(page, live_server, user):
    """Staff sign in with a second factor; these tests start from a signed-in session."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_teacher_enters_results_with_the_keyboard(page, axe, world, live_server):
    staff_session(page, live_server, world.teacher)
    page.goto(f"/beheer/{world.school.slug}/resultaten/")
    axe(page)
    page.get_by_role("link", name="Groep 5A").click()
    page.get_by_label("Vak", exact=True).fill("rekenen")
    page.get_by_label("Blok of hoofdstuk").fill("Blok 6")
    page.get_by_label("Datum").fill("2026-11-20")
    page.get_by_label("Toetsonderdelen").fill("Getallen")
    page.get_by_role("button", name="Toets toevoegen").click()
    expect(page.get_by_role("heading", name="rekenen: Blok 6")).to_be_visible()
    axe(page)

    first = page.locator(".grid-table input").first
    first.focus()
    page.keyboard.type("85")
    page.keyboard.press("Tab")
    page.keyboard.type("70")
    page.keyboard.press("Tab")
    page.keyboard.type("850")  # wrong
    page.keyboard.press("Enter")
    expect(page.get_by_text("Er is niets opgeslagen")).to_be_visible()
    expect(page.locator(".grid-table input").first).to_have_value("85")
    assert MethodResult.objects.count() == 0
    axe(page)
    wrong = page.locator('.grid-table input[aria-invalid="true"]')
    wrong.fill("")
    wrong.focus()
    page.keyboard.type("50")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Opgeslagen: 2")).to_be_visible()
    assert MethodResult.objects.count() == 2


def test_administration_imports_the_sample_after_a_preview(page, axe, world, live_server):
    world.school.brin = "99XX"
    world.school.save()
    for student, key in (
        (world.child, "L000101"),
        (world.sibling, "L000102"),
        (world.other_child, "L000103"),
    ):
        student.external_key = f"99XX-{key}"
        student.save()
    ResultSettings.objects.create(school=world.school, cito_key_prefix="99XX-")
    staff_session(page, live_server, world.staff)
    page.goto(f"/beheer/{world.school.slug}/resultaten/cito-import/")
    axe(page)
    page.get_by_label("CSV-bestand uit het leerlingvolgsysteem").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.get_by_text("Nieuwe resultaten: 11.")).to_be_visible()
    axe(page)
    assert LvsResult.objects.count() == 0
    page.get_by_role("button", name="Alle regels inlezen").click()
    expect(page.get_by_text("Ingelezen: 11 nieuw")).to_be_visible()
    assert LvsResult.objects.count() == 11
