"""Deleting what the portal may no longer keep (`ouderportaal apply-retention`).

Per school, with the terms in effect there (the school's own, else its board's, else
the portal's defaults; `PrivacySettings.term`): pupils who left more than the pupil
term ago, with their results, links, change requests, appointment requests and access
log; their guardians who have no other pupil left, and those guardians'
accounts when no other school or role uses them; the access log and audit trail older
than the log term. Installation-wide: failed logins, expired sessions, sent or failed
outbox rows, form tokens and finished data exports after their terms (settings).

Everything runs in one transaction; a dry run rolls it back, so its counts are exactly
what a real run would delete. A real run records its counts (never content).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from ouderportaal.core.models import (
    AuditEvent,
    FormSubmission,
    Guardian,
    GuardianLink,
    OutgoingMail,
    School,
    Student,
)
from ouderportaal.privacy.models import (
    DEFAULT_TERMS,
    DataExport,
    PrivacySettings,
    RetentionRun,
    StaffRead,
)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def months_before(moment, months: int):
    return moment - timedelta(days=round(months * 30.44))


def _delete_results(pupils, counts: Counter) -> None:
    """Results point at the ones they correct (PROTECT): delete newest corrections first."""
    from ouderportaal.results.models import LvsResult, MethodResult

    for model, key in ((MethodResult, "method_results"), (LvsResult, "lvs_results")):
        rows = model.objects.filter(student__in=pupils)
        while rows.exists():
            counts[key] += (
                rows.filter(superseded_by__isnull=True).delete()[1].get(model._meta.label, 0)
            )


def _delete_pupils(school, policy, today, counts: Counter) -> None:
    cutoff = years_before(today, policy.pupil_term.value)
    pupils = Student.objects.filter(school=school, left_on__lt=cutoff)
    if not pupils.exists():
        return
    pupil_ids = list(pupils.values_list("pk", flat=True))
    guardian_ids = set(
        GuardianLink.objects.filter(student_id__in=pupil_ids).values_list("guardian_id", flat=True)
    )
    _delete_results(pupil_ids, counts)
    _, deleted = Student.objects.filter(pk__in=pupil_ids).delete()
    counts["pupils"] += deleted.get("core.Student", 0)
    counts["guardian_links"] += deleted.get("core.GuardianLink", 0)
    counts["change_requests"] += deleted.get("changerequests.ChangeRequest", 0)
    counts["appointment_requests"] += deleted.get("helpdesk.AppointmentRequest", 0)
    orphans = Guardian.objects.filter(pk__in=guardian_ids, links__isnull=True)
    user_ids = set(orphans.exclude(user=None).values_list("user_id", flat=True))
    counts["guardians"] += orphans.delete()[1].get("core.Guardian", 0)
    unused = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_staff=False, is_superuser=False)
        .filter(guardian_records__isnull=True, staff_memberships__isnull=True)
    )
    counts["accounts"] += unused.delete()[1].get(get_user_model()._meta.label, 0)


def _delete_logs(school, policy, now, counts: Counter) -> None:
    cutoff = months_before(now, policy.log_term.value)
    counts["access_log"] += StaffRead.objects.filter(school=school, at__lt=cutoff).delete()[0]
    counts["audit_events"] += AuditEvent.objects.filter(school=school, at__lt=cutoff).delete()[0]


def _delete_installation_wide(now, counts: Counter) -> None:
    from ouderportaal.accounts.models import LoginFailure

    days = timedelta(days=1)
    counts["audit_events"] += AuditEvent.objects.filter(
        school=None, at__lt=months_before(now, DEFAULT_TERMS["log_months"])
    ).delete()[0]
    counts["login_failures"] += LoginFailure.objects.filter(
        at__lt=now - days * settings.PRIVACY_LOGIN_FAILURE_DAYS
    ).delete()[0]
    counts["sessions"] += Session.objects.filter(expire_date__lt=now).delete()[0]
    counts["outbox"] += OutgoingMail.objects.filter(
        state__in=[OutgoingMail.State.SENT, OutgoingMail.State.FAILED],
        finished_at__lt=now - days * settings.PRIVACY_OUTBOX_DAYS,
    ).delete()[0]
    counts["form_tokens"] += FormSubmission.objects.filter(
        created_at__lt=now - days * settings.PRIVACY_SUBMISSION_DAYS
    ).delete()[0]
    counts["data_exports"] += DataExport.objects.filter(requested_at__lt=now - days).delete()[0]


def apply_retention(*, dry_run: bool = False) -> dict[str, int]:
    """Delete what has passed its term; returns the counts per kind."""
    now = timezone.now()
    today = timezone.localdate()
    counts: Counter = Counter()
    with transaction.atomic():
        for school in School.objects.select_related("board").order_by("pk"):
            policy = PrivacySettings.of(school)
            _delete_pupils(school, policy, today, counts)
            _delete_logs(school, policy, now, counts)
        _delete_installation_wide(now, counts)
        result = dict(sorted(counts.items()))
        if dry_run:
            transaction.set_rollback(True)
        else:
            RetentionRun.objects.create(at=now, counts=result)
    return result
