"""URL arguments for the school's portal settings: a closed period, a release, a parent."""

from django.utils import timezone

URL_KWARGS = {
    "schoolcontrol:period": lambda side: {"period": side.period.pk},
    "schoolcontrol:period_open": lambda side: {"period": side.period.pk},
    "schoolcontrol:period_delete": lambda side: {"period": side.period.pk},
    "schoolcontrol:release": lambda side: {"release": side.release.pk},
    "schoolcontrol:release_delete": lambda side: {"release": side.release.pk},
    "schoolcontrol:preview_parent": lambda side: {"guardian": side.guardian.pk},
    "schoolcontrol:preview_root": lambda side: {"guardian": side.guardian.pk, "moment": "nu"},
    "schoolcontrol:preview_page": lambda side: {
        "guardian": side.guardian.pk,
        "moment": "nu",
        "page": f"ouders/kind/{side.child.public_id}/cito/",
    },
}

# The staff preview of a parent's pages is read only: a POST is refused (405).
GET_ONLY = {"schoolcontrol:preview_root", "schoolcontrol:preview_page"}


def _release(side):
    at = timezone.localtime(side.release.release_at) + timezone.timedelta(days=1)
    return {"release_at": at.strftime("%Y-%m-%dT%H:%M"), "announce": ""}


POST_DATA = {"schoolcontrol:release": _release}
