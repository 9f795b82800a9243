"""The visitor's network address, as rate limits and logs need it."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's IP address.

    Behind the installation's own reverse proxy (BEHIND_PROXY), every request comes
    from the proxy, so the address is the right-most X-Forwarded-For entry: the one the
    proxy itself saw. Entries further left can be made up by the visitor.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None
