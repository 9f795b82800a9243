"""URL arguments for the school's portal settings pages (objects of world.school)."""

from datetime import timedelta

from django.utils import timezone

from ouderportaal.core.models import Guardian
from ouderportaal.schoolcontrol.models import ClosedPeriod, Release


def _period(world):
    now = timezone.now()
    period, _ = ClosedPeriod.objects.get_or_create(
        school=world.school,
        message="Gesloten voor de rapporten.",
        defaults={"starts_at": now + timedelta(days=10), "ends_at": now + timedelta(days=12)},
    )
    return {"period": period.pk}


def _release(world):
    release, _ = Release.objects.get_or_create(
        school=world.school,
        school_year=world.group.school_year,
        moment="M",
        group=None,
        defaults={"release_at": timezone.now() + timedelta(days=12)},
    )
    return {"release": release.pk}


def _guardian(world):
    guardian = Guardian.objects.get(school=world.school, user=world.parent)
    return {"guardian": guardian.pk}


URL_KWARGS = {
    "schoolcontrol:period": _period,
    "schoolcontrol:period_open": _period,
    "schoolcontrol:period_delete": _period,
    "schoolcontrol:release": _release,
    "schoolcontrol:release_delete": _release,
    "schoolcontrol:preview_parent": _guardian,
}
