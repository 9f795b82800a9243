"""Files the EDEXML import cannot read get a clear answer, and nothing changes."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ouderportaal.core.models import Student
from ouderportaal.imports.models import ImportRun

from .conftest import FILES

SAMPLE = (FILES / "example-2.1.xml").read_bytes()


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def preview(client, school, content: bytes, kind="edexml"):
    response = client.post(
        reverse("imports:index", kwargs={"school": school.slug}),
        {"kind": kind, "file": SimpleUploadedFile("bestand", content)},
        follow=True,
    )
    assert response.status_code == 200
    run = ImportRun.objects.latest("pk")
    soup = BeautifulSoup(response.content, "html.parser")
    return run, soup.select_one(".problem-error").get_text(" ", strip=True)


def _declared_as(encoding: str, body: bytes = SAMPLE) -> bytes:
    return body.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)


@pytest.mark.parametrize(
    "content",
    [
        _declared_as("UTF-7"),
        _declared_as("Shift_JIS"),
        _declared_as("UTF-32"),
        _declared_as("EBCDIC-NL"),
        SAMPLE.decode().replace('encoding="UTF-8"', 'encoding="UTF-7"', 1).encode("utf-7"),
    ],
    ids=["utf-7", "shift-jis", "utf-32", "unknown", "utf-7-content"],
)
def test_an_unsupported_encoding_is_named_and_nothing_is_read(admin_client, school, content):
    run, error = preview(admin_client, school, content)

    assert run.status == "refused"
    assert "tekenset" in error and "UTF-8" in error
    assert not Student.objects.exists()


@pytest.mark.parametrize("encoding", ["windows-1252", "ISO-8859-1", "ISO-8859-15"])
def test_single_byte_encodings_still_work(admin_client, school, encoding):
    content = _declared_as(encoding, SAMPLE.decode().encode("cp1252", errors="replace"))
    response = admin_client.post(
        reverse("imports:index", kwargs={"school": school.slug}),
        {"kind": "edexml", "file": SimpleUploadedFile("leerlingen.xml", content)},
    )
    assert response.status_code == 302
    assert ImportRun.objects.get().status == "preview"


def test_the_flemish_variant_is_named_as_such(admin_client, school):
    run, error = preview(admin_client, school, (FILES / "flemish-edexml.xml").read_bytes())

    assert run.status == "refused"
    assert "Vlaamse (Belgische) variant van EDEXML" in error
    assert "niet ondersteund" in error
    assert not Student.objects.exists()
    # The Belgian national number is neither kept nor shown.
    assert "00000000000" not in str(run.problems) and run.content == b""


def test_the_flemish_variant_is_refused_on_the_command_line_too(school):
    from django.core.management.base import CommandError

    from .conftest import run_import

    with pytest.raises(CommandError):
        run_import("import-edexml", FILES / "flemish-edexml.xml")
    assert not Student.objects.exists()
