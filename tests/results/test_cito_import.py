"""The Cito CSV import: preview, all or nothing, line numbers, idempotent."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ouderportaal.core.models import AuditEvent, SchoolYear
from ouderportaal.results import cito
from ouderportaal.results.models import CitoImport, LvsResult, ResultSettings
from tests.factories import StudentFactory
from tests.results.helpers import year

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/samples/example-cito.csv")
HEADER = (
    "schooljaar;brincode;leerlingid;eckid;achternaam;roepnaam;jaargroep;groepsnaam;leergebied;"
    "toetsnaam;toetsversie;afnamedatum;dl;aantalopgaven;aantalgoed;vaardigheidsscore;"
    "codevaardigheidsschaal;bivlaag;bivhoog;IV;AE;Percentiel;functioneringsniveau;RNTRM;DLE;AVI"
)
ROW = (
    "2024-2025;99XX;L000101;;Vries;Sanne;4;4A;rekenen;Rekenen-Wiskunde 3.0;M4;2025-01-27;15;45;"
    "34;148;SYN-RW3;142;154;III;B;55;M4;;15;"
)


def sample_bytes() -> bytes:
    if SAMPLE.exists():
        return SAMPLE.read_bytes()
    return (HEADER + "\n" + ROW + "\n").encode()


@pytest.fixture
def ark(world):
    """The world's school as the demo's De Ark: BRIN 99XX, keys with a prefix."""
    school = world.school
    school.brin = "99XX"
    school.save()
    world.child.external_key = "99XX-L000101"
    world.child.save()
    world.sibling.external_key = "99XX-L000102"
    world.sibling.save()
    world.other_child.external_key = "99XX-L000103"
    world.other_child.save()
    ResultSettings.objects.create(school=school, cito_key_prefix="99XX-")
    return school


def test_sample_file_imports_and_a_second_import_changes_nothing(ark, world):
    plan = cito.plan_import(ark, sample_bytes())
    assert plan.errors == []
    assert plan.counts == {"new": 11, "correction": 0, "unchanged": 0}
    batch = cito.apply_import(ark, plan, filename="example-cito.csv")
    assert batch.created == 11
    assert LvsResult.objects.filter(student=world.child).count() == 7
    first = LvsResult.objects.filter(student=world.child, moment="M3").get()
    assert first.ability_score == 121 and first.level_iv == "II" and first.level_ae == "B"
    assert first.scale_code == "SYN-RW3" and first.release_moment == "M"
    assert first.school_year.label == "2023-2024"
    reading = LvsResult.objects.get(student=world.child, subject="begrijpend lezen")
    assert reading.functioning_level == "<M4"  # stored as imported
    avi = LvsResult.objects.get(student=world.child, test_name="AVI")
    assert avi.ability_score is None and avi.avi_level == "M4"
    assert AuditEvent.objects.filter(action="results.cito.imported").count() == 1

    again = cito.plan_import(ark, sample_bytes())
    assert again.counts == {"new": 0, "correction": 0, "unchanged": 11}
    assert cito.apply_import(ark, again) is None
    assert LvsResult.objects.count() == 11
    assert CitoImport.objects.count() == 1


def test_one_bad_row_imports_nothing_and_names_the_line(ark):
    bad = ROW.replace(";III;B;", ";VI;B;")
    data = "\n".join([HEADER, ROW, bad.replace("M4;2025-01-27", "E4;2025-06-02")]).encode()
    plan = cito.plan_import(ark, data)
    assert [line for line, _ in plan.errors] == [3]
    assert "VI" in plan.errors[0][1]
    with pytest.raises(ValueError):
        cito.apply_import(ark, plan)
    assert LvsResult.objects.count() == 0


@pytest.mark.parametrize(
    "change,fragment",
    [
        (("L000101", "L999999"), "L999999"),  # unknown pupil
        (("2025-01-27", "27 januari"), "27 januari"),
        (("99XX", "12AB"), "12AB"),
        ((";148;", ";abc;"), "abc"),
        ((";142;154;", ";150;154;"), "interval"),
    ],
)
def test_each_bad_row_gets_its_line_and_reason(ark, change, fragment):
    data = "\n".join([HEADER, ROW.replace("M4", "E4"), ROW.replace(*change)]).encode()
    plan = cito.plan_import(ark, data)
    assert len(plan.errors) == 1
    line, message = plan.errors[0]
    assert line == 3
    assert fragment in message


def test_pupils_are_matched_by_key_or_eck_id_never_by_name(ark, world):
    world.child.eck_id = "https://id.school/LL_abc"
    world.child.save()
    by_eck = ROW.replace("L000101;;", ";https://id.school/LL_abc;")
    plan = cito.plan_import(ark, f"{HEADER}\n{by_eck}\n".encode())
    assert plan.errors == [] and plan.rows[0].student == world.child
    by_name_only = ROW.replace("L000101", "")
    plan = cito.plan_import(ark, f"{HEADER}\n{by_name_only}\n".encode())
    assert plan.rows == [] and plan.errors[0][0] == 2


def test_comma_separated_windows_1252_file(ark, world):
    header = HEADER.replace(";", ",")
    row = ROW.replace(";", ",").replace("Vries", "Vriës")
    data = f"{header}\r\n{row}\r\n".encode("cp1252")
    plan = cito.plan_import(ark, data)
    assert plan.errors == [] and plan.counts["new"] == 1


def test_the_school_can_adjust_column_names(ark):
    settings = ResultSettings.objects.get(school=ark)
    settings.cito_mapping = {"student_key": "leerlingnummer"}
    settings.save()
    data = f"{HEADER.replace('leerlingid', 'leerlingnummer')}\n{ROW}\n".encode()
    assert cito.plan_import(ark, data).counts["new"] == 1
    # With the adjusted mapping, the standard column name no longer counts.
    plan = cito.plan_import(ark, f"{HEADER}\n{ROW}\n".encode())
    assert plan.rows == [] and plan.errors[0][0] == 2


def test_a_changed_value_becomes_a_correction(ark, world):
    cito.apply_import(ark, cito.plan_import(ark, f"{HEADER}\n{ROW}\n".encode()))
    changed = ROW.replace(";148;SYN-RW3;142;154;III;", ";150;SYN-RW3;144;156;II;")
    plan = cito.plan_import(ark, f"{HEADER}\n{changed}\n".encode())
    assert plan.counts == {"new": 0, "correction": 1, "unchanged": 0}
    cito.apply_import(ark, plan)
    old, new = LvsResult.objects.order_by("pk")
    assert new.supersedes == old and new.ability_score == 150
    assert old.ability_score == 148  # never overwritten


def test_same_result_twice_in_one_file_is_an_error(ark):
    plan = cito.plan_import(ark, f"{HEADER}\n{ROW}\n{ROW}\n".encode())
    assert plan.errors == [(3, "hetzelfde resultaat als op regel 2")]


def test_missing_columns_stop_the_whole_file(ark):
    with pytest.raises(cito.FileError):
        cito.plan_import(ark, b"naam;datum\nSanne;2025-01-01\n")


def test_management_command_dry_run_and_import(ark, tmp_path, capsys):
    path = tmp_path / "cito.csv"
    path.write_bytes(sample_bytes())
    call_command("import-cito", "--school", ark.slug, str(path), "--dry-run")
    assert LvsResult.objects.count() == 0
    call_command("import-cito", "--school", ark.slug, str(path))
    assert LvsResult.objects.count() == 11
    call_command("import-cito", "--school", ark.slug, str(path))
    assert LvsResult.objects.count() == 11
    assert "Nothing changed" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{ROW.replace('L000101', 'L404')}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-cito", "--school", ark.slug, str(bad))
    with pytest.raises(CommandError):
        call_command("import-cito", "--school", "nope", str(path))


def test_administration_previews_then_imports_in_the_back_office(client, ark, world):
    url = reverse("resultsadmin:cito_import", kwargs={"school": ark.slug})
    client.force_login(world.staff)
    upload = SimpleUploadedFile("cito.csv", sample_bytes(), content_type="text/csv")
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert "Nieuwe resultaten: 11" in html
    assert "2023-2024" in html  # school year that will be added
    assert LvsResult.objects.count() == 0  # preview writes nothing
    sha = cito.plan_import(ark, sample_bytes()).sha256
    response = client.post(url, {"confirm": sha})
    assert response.status_code == 302
    assert LvsResult.objects.count() == 11
    assert SchoolYear.objects.filter(school=ark, label="2023-2024").exists()


def test_back_office_shows_every_bad_row(client, ark, world):
    url = reverse("resultsadmin:cito_import", kwargs={"school": ark.slug})
    client.force_login(world.staff)
    data = f"{HEADER}\n{ROW}\n{ROW.replace('L000101', 'L404')}\n".encode()
    html = client.post(url, {"file": SimpleUploadedFile("x.csv", data)}).content.decode()
    assert "Regel 3:" in html and "L404" in html
    assert "Alle regels inlezen" not in html
    assert LvsResult.objects.count() == 0


def test_teachers_cannot_import(client, ark, world):
    client.force_login(world.teacher)
    url = reverse("resultsadmin:cito_import", kwargs={"school": ark.slug})
    assert client.get(url).status_code == 404


def test_pupils_of_another_school_are_not_matched(ark, world):
    StudentFactory(school=world.other_school, external_key="99XX-L000199")
    row = ROW.replace("L000101", "L000199")
    plan = cito.plan_import(ark, f"{HEADER}\n{row}\n".encode())
    assert plan.rows == [] and len(plan.errors) == 1


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["old-mac", "windows", "unix"])
def test_every_kind_of_line_end_is_read(client, ark, world, newline):
    """Old-Mac exports end lines with CR alone; they are read like any other."""
    bad_row = ROW.replace("L000101", "L404")
    data = newline.join([HEADER, ROW, ROW.replace("rekenen", "spelling"), bad_row, ""]).encode()
    url = reverse("resultsadmin:cito_import", kwargs={"school": ark.slug})
    client.force_login(world.staff)

    html = client.post(url, {"file": SimpleUploadedFile("cito.csv", data)}).content.decode()

    assert "Regel 4:" in html and "L404" in html  # the right line number
    plan = cito.plan_import(ark, data.replace(bad_row.encode() + newline.encode(), b""))
    assert plan.errors == [] and plan.counts["new"] == 2


def test_a_broken_csv_structure_is_a_clear_message(client, ark, world):
    data = f'{HEADER}\n{ROW}\n"{"x" * 200_000}\n'.encode()  # an unclosed quote, huge field
    url = reverse("resultsadmin:cito_import", kwargs={"school": ark.slug})
    client.force_login(world.staff)

    response = client.post(url, {"file": SimpleUploadedFile("cito.csv", data)})

    assert response.status_code == 200
    assert "De opbouw van het CSV-bestand klopt niet op regel 3" in response.content.decode()
    assert LvsResult.objects.count() == 0


def test_an_import_shows_on_a_kept_cito_page_at_once(ark, world, client):
    """The import writes in bulk, without signals: it marks the kept pages itself."""
    year(ark, first=2024)  # the import adds results only
    client.force_login(world.parent)
    url = reverse("results:lvs", args=[world.child.public_id])
    client.get(url)
    assert "Er zijn nog geen Cito-resultaten" in client.get(url).content.decode()
    cito.apply_import(ark, cito.plan_import(ark, (HEADER + "\n" + ROW + "\n").encode()))
    page = client.get(url).content.decode()
    assert "Er zijn nog geen Cito-resultaten" not in page
    assert "Rekenen-Wiskunde 3.0" in page
