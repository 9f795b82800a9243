"""Uploads are refused by size before they are read, with a clear 413 page."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ouderportaal.helpdesk.models import Document
from ouderportaal.imports.models import ImportRun

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def staff_client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.staff)
    return client


def _heading(response) -> str:
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


def test_an_import_above_the_limit_is_refused_by_its_length(world, staff_client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    url = reverse("imports:index", kwargs={"school": world.school.slug})

    response = staff_client.post(
        url, {"kind": "edexml", "file": SimpleUploadedFile("groot.xml", b"x" * (3 * MB))}
    )

    assert response.status_code == 413
    assert _heading(response) == "Het bestand is te groot"
    assert "1 MB" in response.text
    assert not ImportRun.objects.exists()


def test_a_file_just_above_the_limit_is_stopped_while_it_streams_in(world, staff_client, settings):
    # Within the room left for the other form fields, so only the stream counter sees it.
    settings.IMPORT_MAX_UPLOAD_MB = 1
    url = reverse("imports:index", kwargs={"school": world.school.slug})

    response = staff_client.post(
        url, {"kind": "edexml", "file": SimpleUploadedFile("net-te-groot.xml", b"x" * (MB + 10))}
    )

    assert response.status_code == 413
    assert not ImportRun.objects.exists()


def test_a_document_above_the_help_desk_limit_is_refused(world, staff_client, settings):
    settings.HELPDESK_MAX_UPLOAD_MB = 1
    url = reverse("helpdeskadmin:documents", kwargs={"school": world.school.slug})

    response = staff_client.post(
        url, {"title": "Groot", "file": SimpleUploadedFile("groot.pdf", b"%PDF-" + b"x" * 2 * MB)}
    )

    assert response.status_code == 413
    assert not Document.objects.exists()


def test_forms_without_uploads_take_no_large_files(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.parent)
    url = reverse("changerequests:propose_child", kwargs={"student": world.child.public_id})

    response = client.post(url, {"file": SimpleUploadedFile("x.bin", b"x" * (3 * MB))})

    assert response.status_code == 413


def test_files_within_the_limit_still_arrive(world, staff_client):
    url = reverse("imports:index", kwargs={"school": world.school.slug})

    response = staff_client.post(
        url, {"kind": "edexml", "file": SimpleUploadedFile("klein.xml", b"<EDEX/>")}
    )

    assert response.status_code == 302
    assert ImportRun.objects.get().status == "refused"
