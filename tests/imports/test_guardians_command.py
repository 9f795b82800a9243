"""Guardian imports from the administration's CSV through `import-guardians`."""

import pytest
from django.core.management.base import CommandError

from ouderportaal.core.models import AuditEvent, Custody, Guardian, GuardianLink, Student
from ouderportaal.imports.models import ImportRun
from tests.factories import GuardianFactory, LinkFactory

from .conftest import FILES, run_import


@pytest.fixture
def pupils(school):
    run_import("import-edexml", FILES / "example-2.1.xml")
    return {s.external_key: s for s in Student.objects.filter(school=school)}


def test_guardians_are_imported_and_a_second_time_nothing_changes(school, pupils):
    out, err = run_import("import-guardians", FILES / "guardians.csv")
    assert "guardian: 4 new" in out
    assert "link: 5 new" in out
    marieke = Guardian.objects.get(school=school, external_key="O-1")
    assert (marieke.initials, marieke.roepnaam, marieke.voorvoegsel, marieke.achternaam) == (
        "M",
        "Marieke",
        "de",
        "Vries",
    )
    assert marieke.email == "marieke@example.invalid"
    assert marieke.phone_mobile == "06-12345678"
    assert (marieke.street, marieke.house_number, marieke.postcode, marieke.city) == (
        "Lindenlaan",
        "12",
        "3511 AB",
        "Utrecht",
    )
    sanne = pupils["L000101"]
    links = {link.guardian.external_key: link for link in sanne.guardian_links.all()}
    assert set(links) == {"O-1", "O-2"}  # the third gezag (O-3, line 4) is left out
    assert links["O-1"].relation == "moeder" and links["O-1"].custody == Custody.GEZAG
    assert "line 4: " in err and "deze derde wordt niet geïmporteerd" in err
    assert "L999999" in err  # unknown pupil: left out, reported
    assert not Guardian.objects.filter(external_key__in=["O-3", "O-6"]).exists()
    karin = GuardianLink.objects.get(guardian__external_key="O-4")
    assert karin.custody == Custody.INFORMATIERECHT
    foster = GuardianLink.objects.get(guardian__external_key="O-1", student=pupils["L000103"])
    assert (foster.relation, foster.custody) == ("pleegouder", Custody.NONE)
    assert AuditEvent.objects.filter(action="imports.custody").count() == 5

    out, _err = run_import("import-guardians", FILES / "guardians.csv")
    assert "changes: 0" in out
    assert ImportRun.objects.filter(kind="guardians", status="applied").count() == 2


def test_windows_1252_with_commas_and_updates(school, pupils):
    run_import("import-guardians", FILES / "guardians.csv")
    out, _err = run_import("import-guardians", FILES / "guardians-cp1252.csv")
    rene = Guardian.objects.get(external_key="O-7")
    assert rene.roepnaam == "René"
    assert Guardian.objects.get(external_key="O-8").roepnaam == "Zoë"
    assert Guardian.objects.get(external_key="O-8").achternaam == "Bakker, van den"
    karin = GuardianLink.objects.get(guardian__external_key="O-4")
    assert karin.custody == Custody.NONE  # informatierecht column absent: nee
    # Columns that are missing or empty keep what the portal has.
    karin_guardian = karin.guardian
    assert karin_guardian.phone_home == "030-1234567"
    assert karin_guardian.street == "Dorpsstraat"


def test_existing_gezag_counts_towards_the_maximum(school, pupils):
    noor = pupils["L000103"]
    LinkFactory(guardian=GuardianFactory(school=school), student=noor)
    LinkFactory(guardian=GuardianFactory(school=school), student=noor)
    _out, err = run_import("import-guardians", FILES / "guardians.csv")
    assert "line 6: " in err
    assert noor.guardian_links.filter(custody=Custody.GEZAG).count() == 2
    assert not Guardian.objects.filter(external_key="O-5").exists()


def test_keyless_guardian_is_matched_by_email(school, pupils):
    existing = GuardianFactory(school=school, email="marieke@example.invalid", achternaam="Vries")
    run_import("import-guardians", FILES / "guardians.csv")
    existing.refresh_from_db()
    assert existing.external_key == "O-1"
    assert Guardian.objects.filter(school=school, email="marieke@example.invalid").count() == 1


def test_bad_rows_are_reported_with_line_and_column_and_nothing_changes(school, pupils):
    with pytest.raises(CommandError):
        run_import("import-guardians", FILES / "guardians-bad.csv")
    run = ImportRun.objects.get(kind="guardians")
    assert run.status == "refused"
    where = {(p["line"], p["where"]) for p in run.problems if p["severity"] == "error"}
    assert where == {
        (3, "kolom Relatie"),
        (4, "kolom Gezag"),
        (4, "kolom E-mail"),
        (4, "kolom Postcode"),
    }
    assert not Guardian.objects.exists()


def test_missing_columns(school, pupils, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("Naam;Telefoon\nJan;06\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run_import("import-guardians", path)
    message = ImportRun.objects.get(kind="guardians").problems[-1]["message"]
    assert "leerlingkey" in message and "Leerlingkey;Ouderkey" in message


def test_dry_run(school, pupils):
    out, _err = run_import("import-guardians", FILES / "guardians.csv", "99XX", "--dry-run")
    assert "guardian: 4 new" in out
    assert not Guardian.objects.exists()
