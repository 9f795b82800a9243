"""The administration uploads an EDEXML file on a phone, checks the preview, confirms."""

from pathlib import Path

from playwright.sync_api import expect

from ouderportaal.core.models import Student
from tests.browser.conftest import staff_log_in

SAMPLE = Path(__file__).parent.parent / "imports" / "files" / "example-2.1.xml"


def test_upload_preview_and_confirm(page, axe, world):
    world.school.brin = "99XX"
    world.school.vestiging = "00"
    world.school.save()
    staff_log_in(page, world.staff)
    page.goto(f"/beheer/{world.school.slug}/importeren/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren uit de administratie")
    axe(page)

    page.get_by_label("leerlingen, groepen en leerkrachten (EDEXML)").check()
    page.get_by_label("Bestand", exact=True).set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voorbeeld van de import")
    new = page.get_by_role("region", name="Nieuw")
    expect(new.get_by_role("cell", name="Sanne de Vries")).to_be_visible()
    # The world's own pupils are not in the file: they would leave.
    left = page.get_by_role("region", name="Vertrokken")
    expect(left.get_by_role("cell", name="Noor Jansen")).to_be_visible()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not Student.objects.filter(external_key="L000101").exists()

    # Every pupil of the school would leave, and the file is for another school year:
    # a red warning, and the import needs the school's name typed.
    warning = page.locator(".import-risks")
    expect(warning).to_contain_text("3 van de 3 leerlingen op vertrokken")
    expect(page.locator(".import-leavers")).to_contain_text("verliezen meteen de toegang")
    page.get_by_label("Typ de naam van de school").fill("KBS De Ark")
    page.get_by_role("button", name="Bevestigen en importeren").click()
    expect(page.get_by_text("De import is klaar: 12 wijzigingen.")).to_be_visible()
    axe(page)
    assert Student.objects.filter(school=world.school, external_key="L000101").exists()
