"""What a parent with gezag sees of who looked at and changed their child's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import AuditEvent, Guardian, StaffMember
from ouderportaal.privacy.models import DataKind, PrivacySettings, StaffRead

ROLE_LABELS = {
    "administration": _("administration"),
    "teacher": _("teacher"),
    "portal_manager": _("portal manager"),
}
# What a change was about, by the first part of its audit action.
CHANGE_LABELS = {
    "changerequest": _("a change request was handled"),
    "helpdesk": _("an appointment request was handled"),
    "results": _("results were entered or changed"),
    "imports": _("data from the school administration was imported"),
    "schoolcontrol": _("the school looked at the portal as you see it"),
}
LIMIT = 1000


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str  # a name, or "" when the school shows roles only or nobody acted
    role: str
    what: str
    source: str  # "read", "change", "import" or "automatic"


def log_since(policy: PrivacySettings) -> datetime:
    return timezone.now() - timedelta(days=round(policy.log_term.value * 30.44))


def _roles(keys: str) -> str:
    return ", ".join(str(ROLE_LABELS.get(key, key)) for key in keys.split(",") if key)


def entries_for(student, user) -> list[Entry]:
    """Reads and changes of the child's data (and of the parent's own contact data at
    the school), newest first, within the school's log term."""
    policy = PrivacySettings.of(student.school)
    since = log_since(policy)
    own = Guardian.objects.filter(user=user, school=student.school).values("pk")
    reads = (
        StaffRead.objects.filter(at__gte=since)
        .filter(Q(student=student) | Q(guardian__in=own, student__isnull=True))
        .select_related("user")
        .order_by("-at")[:LIMIT]
    )
    changes = (
        AuditEvent.objects.filter(student=student, at__gte=since)
        .select_related("actor")
        .order_by("-at")[:LIMIT]
    )
    changes = list(changes)
    staff_roles = {
        member.user_id: member
        for member in StaffMember.objects.filter(
            school=student.school, user_id__in={e.actor_id for e in changes if e.actor_id}
        )
    }

    def name(person) -> str:
        return person.get_full_name() or person.username if policy.show_staff_names else ""

    entries = [
        Entry(
            at=read.at,
            who=name(read.user) if read.user else "",
            role=_roles(read.roles),
            what=str(DataKind(read.kind).label),
            source="read",
        )
        for read in reads
    ]
    for event in changes:
        prefix = event.action.split(".", 1)[0]
        what = str(CHANGE_LABELS.get(prefix, _("the data was changed")))
        if prefix == "imports":
            entries.append(Entry(event.at, "", "", what, "import"))
        elif event.actor is None:
            entries.append(Entry(event.at, "", "", what, "automatic"))
        elif event.actor_id in staff_roles:
            member = staff_roles[event.actor_id]
            roles = ",".join(
                key for key, label in ROLE_LABELS.items() if getattr(member, f"is_{key}")
            )
            entries.append(Entry(event.at, name(event.actor), _roles(roles), what, "change"))
        else:
            entries.append(
                Entry(event.at, event.actor.get_full_name(), str(_("parent")), what, "change")
            )
    entries.extend(_imports(student, since))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _imports(student, since) -> list[Entry]:
    """The school's imports from its administration: they may have changed any pupil."""
    from ouderportaal.imports.models import ImportRun

    runs = ImportRun.objects.filter(
        school=student.school, status=ImportRun.Status.APPLIED, applied_at__gte=since
    ).order_by("-applied_at")[:LIMIT]
    what = str(CHANGE_LABELS["imports"])
    return [Entry(run.applied_at, "", "", what, "import") for run in runs]


def terms() -> dict:
    """The installation-wide terms (days) that the privacy statement mentions."""
    return {
        "login_failures": settings.PRIVACY_LOGIN_FAILURE_DAYS,
        "outbox": settings.PRIVACY_OUTBOX_DAYS,
        "submissions": settings.PRIVACY_SUBMISSION_DAYS,
        "session_hours": settings.SESSION_MAX_HOURS,
        "export_minutes": settings.PRIVACY_EXPORT_MINUTES,
    }
