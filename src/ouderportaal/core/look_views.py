"""A school's look, served by the portal: its stylesheet (accent colour), logo, app icons
and web app manifest. Public: the login page shows them before anyone logs in, and they
hold nothing personal. No service worker: nothing of the portal is cached for offline use.
"""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from ouderportaal.core import branding
from ouderportaal.core.access import public_view
from ouderportaal.core.models import School, SchoolBranding

# Versioned addresses (`?v=`) may be kept long; the manifest is re-read by browsers.
LONG = 365 * 24 * 3600
SHORT = 3600


def _school(slug) -> School:
    return get_object_or_404(School, slug=slug)


def _look(school) -> SchoolBranding | None:
    return SchoolBranding.objects.filter(school=school).first()


def _etag(request, school, *parts):
    look = SchoolBranding.objects.filter(school__slug=school).values_list("version", flat=True)
    version = next(iter(look), 0)
    return hashlib.sha256(f"{school}:{version}:{parts}".encode()).hexdigest()[:32]


def _cached(response, request, seconds=LONG):
    patch_cache_control(response, public=True, max_age=seconds if "v" in request.GET else SHORT)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_view
@condition(etag_func=lambda request, school: _etag(request, school, "css"))
def school_css(request, school):
    school = _school(school)
    accent = branding.accent_of(school)
    css = f":root {{ --accent: {accent}; --accent-ink: #ffffff; }}\n"
    return _cached(HttpResponse(css, content_type="text/css; charset=utf-8"), request)


@public_view
@condition(etag_func=lambda request, school: _etag(request, school, "logo"))
def school_logo(request, school):
    school = _school(school)
    look = _look(school)
    if look is not None and look.logo:
        data = bytes(look.logo)
    else:
        data = branding.app_icon(
            None, branding.accent_of(school), branding.initials(school.name), 192
        )
    return _cached(HttpResponse(data, content_type="image/png"), request)


@public_view
@condition(etag_func=lambda request, school, size: _etag(request, school, "icon", size))
def school_icon(request, school, size):
    if size not in branding.ICON_SIZES:
        raise Http404
    school = _school(school)
    look = _look(school)
    data = branding.app_icon(
        bytes(look.logo) if look is not None and look.logo else None,
        branding.accent_of(school),
        branding.initials(school.name),
        size,
    )
    return _cached(HttpResponse(data, content_type="image/png"), request)


@public_view
def school_manifest(request, school):
    school = _school(school)
    look = _look(school)
    version = look.version if look else 0
    manifest = {
        "name": f"{school.name} · Ouderportaal",
        "short_name": school.name[:30],
        "lang": "nl",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": branding.accent_of(school),
        "icons": [
            {
                "src": reverse("school_icon", kwargs={"school": school.slug, "size": size})
                + f"?v={version}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in branding.ICON_SIZES
        ],
    }
    return _manifest_response(request, manifest)


@public_view
def manifest(request):
    """The portal's own manifest, for pages where no one school is known."""
    data = {
        "name": "Ouderportaal",
        "short_name": "Ouderportaal",
        "lang": "nl",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": branding.DEFAULT_ACCENT,
        "icons": [
            {"src": static(f"core/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in branding.ICON_SIZES
        ],
    }
    return _manifest_response(request, data)


def _manifest_response(request, data):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=SHORT)
    return response
