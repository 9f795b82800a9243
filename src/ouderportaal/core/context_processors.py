import time

from django.urls import reverse

from ouderportaal.core import branding
from ouderportaal.core.access import active_memberships
from ouderportaal.core.preview import preview_of

STAFF_MENU_KEY = "_staff_menu"
# As often as the session's idle end is moved (accounts.middleware): the menu is read
# again in a request that writes the session anyway.
STAFF_MENU_SECONDS = 60


def staff_menu(request) -> list[dict]:
    """The schools where the user has a staff role, for the back-office links in the menu.

    Kept in the session and read again at most once a minute, so that a parent's page
    does not ask for staff roles on every request: a role given or taken shows in the
    menu within a minute. The back-office pages themselves check the role on every
    request (core.access.staff_view), so a link left in the menu opens nothing.
    """
    now = int(time.time())
    kept = request.session.get(STAFF_MENU_KEY)
    if kept is not None and now - kept["at"] < STAFF_MENU_SECONDS:
        return kept["schools"]
    schools = [
        {"slug": m.school.slug, "name": m.school.name}
        for m in active_memberships(request.user).order_by("school__name")
    ]
    request.session[STAFF_MENU_KEY] = {"at": now, "schools": schools}
    return schools


def portal(request):
    """What the page frame needs: the staff schools for the back-office menu (none in a
    staff preview of a parent's pages, whose menu is not shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or preview_of(request) is not None:
        return {}
    return {"staff_schools": staff_menu(request)}


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
