"""Size limits for uploads, enforced before a request body is read.

Two lines of defence, both answering 413 with the portal's own page:

1. `UploadLimitMiddleware` compares the request's Content-Length with the limit of the
   view before anything of the body is read (it runs before the CSRF check, which is
   the first to read a form).
2. `LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) counts the bytes of uploaded
   files while they stream in and stops at the limit.

A view that accepts files says how large they may be with `@accepts_uploads(...)`; any
other view takes at most `DEFAULT_UPLOAD_BYTES` of file data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

MB = 1024 * 1024
DEFAULT_UPLOAD_BYTES = 1 * MB
# Room for the other form fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 1 * MB


class UploadTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def accepts_uploads(limit_mb: str | int):
    """Let a view accept files up to a size: a setting's name (in MB) or a number of MB."""

    def decorate(view):
        view.upload_limit_mb = limit_mb  # read by UploadLimitMiddleware.process_view
        return view

    return decorate


def upload_limit(view) -> int:
    """The number of file bytes the view accepts."""
    limit_mb = getattr(view, "upload_limit_mb", None)
    if limit_mb is None:
        return DEFAULT_UPLOAD_BYTES
    if isinstance(limit_mb, str):
        limit_mb = getattr(settings, limit_mb)
    return int(limit_mb * MB)


def too_large(request, limit: int):
    from ouderportaal.core.errors import request_too_large

    return request_too_large(request, limit)


class LimitedUploadHandler(FileUploadHandler):
    """Counts uploaded bytes as they arrive and stops at the view's limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = getattr(self.request, "upload_limit", DEFAULT_UPLOAD_BYTES)
        if self.received > limit:
            raise UploadTooLarge(limit)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file


class UploadLimitMiddleware:
    """Refuses a too large request before its body is read (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        limit = upload_limit(view_func)
        request.upload_limit = limit
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + FORM_OVERHEAD_BYTES:
            return too_large(request, limit)
        if request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 - read the form here, where a stop can be answered
            except UploadTooLarge as exc:
                return too_large(request, exc.limit)
        return None


def describe_limit(limit: int) -> str:
    megabytes = limit / MB
    return _("%(size)s MB") % {"size": f"{megabytes:g}"}
