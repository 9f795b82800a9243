"""Demo data: closed days from the region's school holidays, and a few open requests
at KBS De Ark (one overdue) so the administration's queue has work in it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from ouderportaal.changerequests.closures import import_school_holidays
from ouderportaal.changerequests.models import ChangeRequest, RequestedChange
from ouderportaal.changerequests.services import due_date
from ouderportaal.core.models import Guardian, Student


def demo_step(schools, rng) -> None:
    today = timezone.localdate()
    for school in schools:
        import_school_holidays(school, today)
    ark = next((s for s in schools if s.slug == "de-ark"), None)
    if ark is None:
        return
    parent = get_user_model().objects.filter(username="JdeVries").first()
    sanne = Student.objects.filter(school=ark, external_key="99XX-L000101").first()
    if parent is None or sanne is None:
        return
    own = Guardian.objects.filter(school=ark, user=parent).first()
    now = timezone.now()
    # The first request is overdue, even when school holidays lie in between.
    overdue_at = now - timedelta(days=14)
    for _attempt in range(12):
        if due_date(ark, overdue_at) < today:
            break
        overdue_at -= timedelta(days=7)
    plans = [
        (
            overdue_at,
            None,
            "Onze vaste telefoon is opgezegd.",
            {"phone": (sanne.phone, "06-11112222")},
        ),
        (
            now - timedelta(days=1),
            None,
            "We verhuizen op de eerste van de maand.",
            {
                "street": (sanne.street, "Beukenlaan"),
                "house_number": (sanne.house_number, "3a"),
                "postcode": (sanne.postcode, "3512 KL"),
            },
        ),
    ]
    if own is not None:
        plans.append(
            (now - timedelta(hours=2), own, "", {"phone_home": (own.phone_home, "030-7654321")})
        )
    requests = [
        ChangeRequest(
            school=ark,
            student=sanne,
            subject=ChangeRequest.Subject.GUARDIAN if guardian else ChangeRequest.Subject.STUDENT,
            guardian=guardian,
            submitted_by=parent,
            note=note,
            created_at=created,
            due_on=due_date(ark, created),
        )
        for created, guardian, note, _changes in plans
    ]
    ChangeRequest.objects.bulk_create(requests)
    RequestedChange.objects.bulk_create(
        RequestedChange(request=request, field=field, old_value=old or "", new_value=new)
        for request, (_created, _guardian, _note, changes) in zip(requests, plans, strict=True)
        for field, (old, new) in changes.items()
    )
