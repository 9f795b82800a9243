"""The demo's part: one parent whose account is made but who has not set a password yet."""

from __future__ import annotations

from django.utils import timezone

from ouderportaal.accounts import services
from ouderportaal.accounts.models import GuardianAccountMail
from ouderportaal.core.models import Custody, Guardian

DEMO_SITE = "http://127.0.0.1:8000/"


def demo_step(schools, rng) -> list:
    from ouderportaal.core.demo import DemoLogin

    school = schools[0]
    guardian = (
        services.eligible_guardians(school)
        .filter(user__isnull=True)
        .select_related("school")
        .order_by("external_key")
        .first()
    )
    if guardian is None:
        return []
    services.ensure_accounts([guardian])
    guardian = Guardian.objects.select_related("school", "user").get(pk=guardian.pk)
    services.queue_account_mail(guardian, DEMO_SITE)
    # The demo's mailbox accepts every mail.
    GuardianAccountMail.objects.create(
        guardian=guardian, last_sent_at=timezone.now(), accepted=True, times_sent=1
    )
    children = list(
        guardian.links.filter(custody=Custody.GEZAG)
        .order_by("student__roepnaam")
        .values_list("student__roepnaam", flat=True)
    )
    return [
        DemoLogin(
            guardian.user.username,
            "parent (gezag), no password yet: account mail in the demo mailbox",
            school.name,
            children,
            has_password=False,
        )
    ]
