import io
import zipfile

import pytest

from ouderportaal.helpdesk.pdf import simple_pdf

OFFICE_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}


def office_file(kind: str, content_type: str | None = None) -> bytes:
    """A zip shaped like an Office Open XML file, with the given main content type."""
    main = content_type or OFFICE_TYPES[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/main.xml" '
            f'ContentType="{main}"/></Types>',
        )
        archive.writestr("main.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture
def pdf_bytes():
    return simple_pdf([["Handleiding", "Inloggen in het ouderportaal"]], title="Handleiding")
