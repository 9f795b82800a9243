"""Checks for uploaded documents: the type is read from the content, not from the name.

Accepted: PDF, PowerPoint/Word/Excel (the Office Open XML zip formats, recognised by
their `[Content_Types].xml`), PNG and JPEG. Anything else, such as a renamed program,
is refused. The size limit is the setting HELPDESK_MAX_UPLOAD_MB (default 20).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
PNG = FileKind("png", "image/png", "PNG")
JPEG = FileKind("jpg", "image/jpeg", "JPEG")
OFFICE = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": FileKind(
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": FileKind(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": FileKind(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
    ),
}
NAME_EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
    "pptx": {"pptx"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
}
MAX_CONTENT_TYPES_BYTES = 1_000_000


def max_upload_bytes() -> int:
    return settings.HELPDESK_MAX_UPLOAD_MB * 1024 * 1024


def _office_kind(upload) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            content_types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    for marker, kind in OFFICE.items():
        if f'ContentType="{marker}"' in content_types:
            return kind
    return None


def detect_kind(upload) -> FileKind | None:
    upload.seek(0)
    head = upload.read(16)
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
    else:
        kind = None
    upload.seek(0)
    return kind


def check_upload(upload) -> FileKind:
    """The kind of an acceptable upload; a ValidationError in plain words otherwise."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("This file is too large. The limit is %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            _(
                "This kind of file is not accepted. Upload a PDF, PowerPoint (.pptx), "
                "Word (.docx), Excel (.xlsx), PNG or JPEG file."
            )
        )
    name_extension = upload.name.rpartition(".")[2].lower() if "." in upload.name else ""
    if name_extension not in NAME_EXTENSIONS[kind.extension]:
        raise ValidationError(
            _("The file name does not match its content: this is a %(kind)s file.")
            % {"kind": kind.label}
        )
    return kind
