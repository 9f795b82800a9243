"""The back-office pages: upload, preview, confirm, cancel."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.models import AuditEvent, Group, Student
from ouderportaal.imports.models import ImportRun
from tests.factories import StaffFactory, UserFactory

from .conftest import FILES


def upload(client, school, path, kind="edexml", name=None):
    data = path.read_bytes()
    return client.post(
        reverse("imports:index", kwargs={"school": school.slug}),
        {"kind": kind, "file": SimpleUploadedFile(name or path.name, data)},
    )


@pytest.fixture(autouse=True)
def _in_the_sample_files_school_year():
    """The sample files are for school year 2024-2025: import them during that year."""
    with time_machine.travel(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_upload_preview_confirm(admin_client, school, admin):
    page = admin_client.get(reverse("imports:index", kwargs={"school": school.slug}))
    assert "Importeren uit de administratie" in page.content.decode()

    response = upload(admin_client, school, FILES / "example-2.1.xml")
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "imports:run", kwargs={"school": school.slug, "run": run.pk}
    )
    assert run.status == "preview" and run.created_by == admin and run.source == "web"
    assert not Student.objects.exists()  # nothing happens before confirmation

    page = admin_client.get(response["Location"]).content.decode()
    assert "Voorbeeld van de import" in page
    assert "Bevestigen en importeren" in page
    assert "Sanne de Vries" in page
    assert "Nieuw (9)" in page

    response = admin_client.post(
        reverse("imports:confirm", kwargs={"school": school.slug, "run": run.pk}), follow=True
    )
    assert "De import is klaar: 9 wijzigingen." in response.content.decode()
    run.refresh_from_db()
    assert run.status == "applied" and run.applied_by == admin and run.content == b""
    assert Student.objects.filter(school=school).count() == 3
    assert AuditEvent.objects.filter(action="imports.edexml.applied", actor=admin).count() == 1

    # Confirming twice does nothing more.
    response = admin_client.post(
        reverse("imports:confirm", kwargs={"school": school.slug, "run": run.pk}), follow=True
    )
    assert "al afgehandeld" in response.content.decode()

    # The same file again: a preview without changes.
    upload(admin_client, school, FILES / "example-2.1.xml")
    second = ImportRun.objects.first()
    assert second.counts["changes"] == 0
    page = admin_client.get(
        reverse("imports:run", kwargs={"school": school.slug, "run": second.pk})
    ).content.decode()
    assert "Dit bestand verandert niets" in page

    history = admin_client.get(reverse("imports:index", kwargs={"school": school.slug}))
    assert history.content.decode().count("example-2.1.xml") == 2


def test_file_of_another_school_is_refused_with_a_clear_message(admin_client, school):
    school.brin = "12AB"
    school.save()
    upload(admin_client, school, FILES / "example-2.1.xml")
    run = ImportRun.objects.get()
    assert run.status == "refused"
    page = admin_client.get(
        reverse("imports:run", kwargs={"school": school.slug, "run": run.pk})
    ).content.decode()
    assert "BRIN 99XX" in page and "BRIN 12AB" in page
    assert "Bevestigen en importeren" not in page
    response = admin_client.post(
        reverse("imports:confirm", kwargs={"school": school.slug, "run": run.pk}), follow=True
    )
    assert not Student.objects.exists()
    assert response.status_code == 200


def test_data_changed_since_the_preview(admin_client, school):
    upload(admin_client, school, FILES / "example-2.1.xml")
    first = ImportRun.objects.get()
    upload(admin_client, school, FILES / "example-2.1.xml")
    second = ImportRun.objects.first()
    admin_client.post(reverse("imports:confirm", kwargs={"school": school.slug, "run": second.pk}))
    response = admin_client.post(
        reverse("imports:confirm", kwargs={"school": school.slug, "run": first.pk}), follow=True
    )
    assert "veranderd sinds dit voorbeeld" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "preview" and first.counts["changes"] == 0
    assert Group.objects.filter(school=school).count() == 3


def test_cancel(admin_client, school):
    upload(admin_client, school, FILES / "example-2.1.xml")
    run = ImportRun.objects.get()
    admin_client.post(reverse("imports:cancel", kwargs={"school": school.slug, "run": run.pk}))
    run.refresh_from_db()
    assert run.status == "cancelled" and run.content == b""
    admin_client.post(reverse("imports:confirm", kwargs={"school": school.slug, "run": run.pk}))
    assert not Student.objects.exists()


def test_form_errors_keep_the_choice(admin_client, school):
    response = admin_client.post(
        reverse("imports:index", kwargs={"school": school.slug}), {"kind": "guardians"}
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", {"name": "kind", "checked": True})["value"] == "guardians"
    assert "Dit veld is verplicht" in soup.find(id="file-errors").get_text()
    assert not ImportRun.objects.exists()


def test_another_schools_import_is_not_found(client, school, admin):
    other_admin = StaffFactory(user=UserFactory(username="elders"))
    run = ImportRun.objects.create(
        school=school, kind="edexml", source="web", file_name="x.xml", content=b"<EDEX/>"
    )
    client.force_login(other_admin.user)
    url = reverse("imports:run", kwargs={"school": other_admin.school.slug, "run": run.pk})
    assert client.get(url).status_code == 404
    confirm = reverse("imports:confirm", kwargs={"school": other_admin.school.slug, "run": run.pk})
    assert client.post(confirm).status_code == 404
    run.refresh_from_db()
    assert run.status == "preview"


def test_teachers_cannot_import(client, school):
    teacher = StaffFactory(school=school, is_administration=False, is_portal_manager=False)
    client.force_login(teacher.user)
    assert client.get(reverse("imports:index", kwargs={"school": school.slug})).status_code == 404


def test_previews_nobody_confirmed_are_dropped_after_a_week(admin_client, school):
    old = ImportRun.objects.create(
        school=school,
        kind="edexml",
        source="web",
        file_name="oud.xml",
        content=b"<EDEX/>",
        created_at=timezone.now() - timedelta(days=8),
    )
    upload(admin_client, school, FILES / "example-2.1.xml")
    old.refresh_from_db()
    assert old.status == "cancelled" and bytes(old.content) == b""
    assert ImportRun.objects.filter(status="preview").count() == 1
