"""The portal's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from ouderportaal.core.access import public_view
from ouderportaal.urls import (  # noqa: F401 - the handlers are looked up in this module
    handler400,
    handler403,
    handler404,
    handler500,
)
from ouderportaal.urls import urlpatterns as portal_urlpatterns


@public_view
def bad_request(request):
    raise SuspiciousOperation("tampered input")


@public_view
def forbidden(request):
    raise PermissionDenied


@public_view
def broken(request):
    raise RuntimeError("a bug")


@public_view
def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("test-fout/400/", bad_request),
    path("test-fout/403/", forbidden),
    path("test-fout/500/", broken),
    path("test-fout/503/", database_gone),
    *portal_urlpatterns,
]
