"""Background work of school control, run by `ouderportaal db_worker`."""

from __future__ import annotations

from django.tasks import task

from ouderportaal.core.models import School
from ouderportaal.schoolcontrol import services


@task()
def record_effects(school_id: int) -> int:
    """Record the releases and closed periods of a school that have taken effect.

    Queued for the moment a release, or the start or end of a closed period, is due; running it
    twice, or early, records nothing twice (see services.audit_effects).
    """
    school = School.objects.filter(pk=school_id).first()
    return services.audit_effects(school) if school is not None else 0
