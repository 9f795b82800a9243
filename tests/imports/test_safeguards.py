"""An EDEXML import that could empty a school needs an explicit, typed confirmation."""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.models import AuditEvent, Student
from ouderportaal.imports import synthetic
from ouderportaal.imports.models import ImportRun
from tests.factories import StudentFactory

# A day in school year 2025-2026, the year of the synthetic files below.
TODAY = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def edexml(pupils=20, *, drop=0, year="2025-2026", created=None) -> bytes:
    """A synthetic export of `pupils` pupils, without the first `drop` of them."""
    text = synthetic.edexml(pupils, year=year).decode()
    for number in range(drop):
        begin = text.index(f'<leerling key="L{number:06d}"')
        end = text.index("</leerling>", begin) + len("</leerling>")
        text = text[:begin] + text[end:]
    if created:
        text = text.replace(
            "</schooljaar>", f"</schooljaar><aanmaakdatum>{created}</aanmaakdatum>", 1
        )
    return text.encode()


def command(tmp_path, content: bytes, *extra):
    path = tmp_path / "leerlingen.xml"
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    call_command("import-edexml", "--school", "99XX", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def enrolled(school):
    return Student.objects.filter(school=school).enrolled().count()


def preview(client, school, content: bytes):
    response = client.post(
        reverse("imports:index", kwargs={"school": school.slug}),
        {"kind": "edexml", "file": SimpleUploadedFile("leerlingen.xml", content)},
    )
    return ImportRun.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def confirm(client, school, run, typed=None):
    data = {} if typed is None else {"confirmation": typed}
    return client.post(
        reverse("imports:confirm", kwargs={"school": school.slug, "run": run.pk}),
        data,
        follow=True,
    )


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def twenty(tmp_path, school):
    command(tmp_path, edexml(20))
    assert enrolled(school) == 20
    return school


def test_a_normal_import_needs_no_confirmation(tmp_path, twenty):
    # Two of twenty pupils (10 %) leaving is within the default limit.
    out, _err = command(tmp_path, edexml(20, drop=2))
    assert "Imported" in out
    assert enrolled(twenty) == 18


def test_cli_refuses_too_many_leavers_without_force(tmp_path, twenty):
    with pytest.raises(CommandError, match="--force"):
        command(tmp_path, edexml(20, drop=3))
    assert enrolled(twenty) == 20
    run = ImportRun.objects.latest("pk")
    assert run.status == "refused" and [r["code"] for r in run.risks] == ["leavers"]

    out, err = command(tmp_path, edexml(20, drop=3), "--force")
    assert "Imported" in out and "3 van de 20 leerlingen" in err
    assert enrolled(twenty) == 17
    assert AuditEvent.objects.filter(
        action="imports.edexml.applied", data__confirmed_risks=["leavers"]
    ).exists()


def test_the_leaver_threshold_is_a_setting(tmp_path, twenty, settings):
    settings.IMPORT_MAX_LEAVERS_PERCENT = 20
    command(tmp_path, edexml(20, drop=3))
    assert enrolled(twenty) == 17


def test_cli_refuses_another_school_year_without_force(tmp_path, school):
    with pytest.raises(CommandError, match="--force"):
        command(tmp_path, edexml(5, year="2024-2025"))
    assert not Student.objects.exists()
    _out, err = command(tmp_path, edexml(5, year="2024-2025"), "--force")
    assert "schooljaar 2024-2025" in err and "2025-2026" in err
    assert enrolled(school) == 5


def test_cli_refuses_a_file_older_than_the_last_import(tmp_path, school):
    command(tmp_path, edexml(5, created="2026-02-20T08:00:00"))
    with pytest.raises(CommandError, match="--force"):
        command(tmp_path, edexml(6, created="2026-02-10T08:00:00"))
    assert enrolled(school) == 5
    command(tmp_path, edexml(6, created="2026-02-25T08:00:00"))
    assert enrolled(school) == 6


def test_dry_run_shows_the_risks(tmp_path, twenty):
    _out, err = command(tmp_path, edexml(20, drop=10), "--dry-run")
    assert "10 van de 20 leerlingen" in err
    assert enrolled(twenty) == 20


def test_back_office_shows_a_red_warning_and_needs_the_typed_name(tmp_path, twenty, admin_client):
    run = preview(admin_client, twenty, edexml(20, drop=10))
    page = BeautifulSoup(
        admin_client.get(
            reverse("imports:run", kwargs={"school": twenty.slug, "run": run.pk})
        ).content,
        "html.parser",
    )
    warning = page.select_one(".import-risks")
    assert warning is not None and warning["role"] == "alert"
    assert "10 van de 20 leerlingen" in warning.get_text()
    leavers = page.select_one(".import-leavers").get_text()
    assert "verliezen meteen de toegang" in leavers
    assert page.select_one("input[name=confirmation]") is not None

    for typed in (None, "", "De Voorbeeld", "De Voorbееldschool"):  # the last: Cyrillic е
        response = confirm(admin_client, twenty, run, typed)
        assert "typ de naam van de school" in response.content.decode()
        assert enrolled(twenty) == 20
        run.refresh_from_db()
        assert run.status == "preview"

    response = confirm(admin_client, twenty, run, "  de voorbeeldschool ")
    assert "De import is klaar" in response.content.decode()
    assert enrolled(twenty) == 10


def test_back_office_shows_what_leaving_means_even_below_the_threshold(
    tmp_path, twenty, admin_client
):
    run = preview(admin_client, twenty, edexml(20, drop=1))
    page = admin_client.get(
        reverse("imports:run", kwargs={"school": twenty.slug, "run": run.pk})
    ).content.decode()
    assert "import-risks" not in page
    assert "1 leerling wordt op vertrokken gezet" in page
    confirm(admin_client, twenty, run)
    assert enrolled(twenty) == 19


def test_other_school_year_in_the_back_office(school, admin_client):
    StudentFactory(school=school, external_key="L000001")  # in the file: stays
    run = preview(admin_client, school, edexml(3, year="2024-2025"))
    assert [r["code"] for r in run.risks] == ["school_year"]
    confirm(admin_client, school, run)
    assert ImportRun.objects.get(pk=run.pk).status == "preview"
    confirm(admin_client, school, run, "De Voorbeeldschool")
    assert ImportRun.objects.get(pk=run.pk).status == "applied"


def test_the_school_year_follows_the_calendar(tmp_path, school):
    with time_machine.travel(date(2026, 8, 1)):
        with pytest.raises(CommandError, match="--force"):
            command(tmp_path, edexml(3, year="2025-2026"))
        command(tmp_path, edexml(3, year="2026-2027"))
    assert Student.objects.count() == 3
