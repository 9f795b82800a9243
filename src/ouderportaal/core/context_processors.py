from django.urls import reverse

from ouderportaal.core import branding
from ouderportaal.core.access import active_memberships


def portal(request):
    """What the page frame needs: the staff schools for the back-office menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_memberships": active_memberships(user)}


def school_look(request):
    """The look of the school the page belongs to (core/branding.py), when one is known:
    its name and logo in the header, its colour, its manifest for "add to home screen"."""
    school = branding.school_for_request(request)
    if school is None:
        return {"school_look": None}
    look = branding.branding_of(school)
    version = look.version if look else 0
    return {
        "school_look": {
            "school": school,
            "css_url": reverse("school_css", kwargs={"school": school.slug}) + f"?v={version}"
            if look and look.accent_colour
            else "",
            "logo_url": reverse("school_logo", kwargs={"school": school.slug}) + f"?v={version}"
            if look and look.has_logo
            else "",
            "manifest_url": reverse("school_manifest", kwargs={"school": school.slug}),
            "theme_colour": branding.accent_of(school),
        }
    }
