"""URL arguments for the school's portal settings: a closed period, a release, a parent."""

from django.utils import timezone

URL_KWARGS = {
    "schoolcontrol:period": lambda side: {"period": side.period.pk},
    "schoolcontrol:period_open": lambda side: {"period": side.period.pk},
    "schoolcontrol:period_delete": lambda side: {"period": side.period.pk},
    "schoolcontrol:release": lambda side: {"release": side.release.pk},
    "schoolcontrol:release_delete": lambda side: {"release": side.release.pk},
    "schoolcontrol:preview_parent": lambda side: {"guardian": side.guardian.pk},
}


def _release(side):
    at = timezone.localtime(side.release.release_at) + timezone.timedelta(days=1)
    return {"release_at": at.strftime("%Y-%m-%dT%H:%M"), "announce": ""}


POST_DATA = {"schoolcontrol:release": _release}
