"""A parent's data to take away (AVG art. 15 and 20): everything the portal holds about
the parent and each child with gezag, as JSON and as a readable HTML page, in one zip.

Results come through `results.visibility`, so the parent gets exactly what the portal
may show them. Other families never appear: every part starts from the parent's own
guardian records and the children linked to them with gezag, by foreign key; the one
exception, mail still waiting in the outbox, is matched on the exact address.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from ouderportaal.core.access import visible_students
from ouderportaal.core.models import AuditEvent, Custody, Guardian, GuardianLink, OutgoingMail

# Other apps add what they sent a parent: `source(user) -> list of dicts` (each with at
# least "at" and "subject"), registered in their `ready()`.
NOTIFICATION_SOURCES: list[Callable] = []


def register_notification_source(source: Callable) -> None:
    if source not in NOTIFICATION_SOURCES:
        NOTIFICATION_SOURCES.append(source)


GUARDIAN_FIELDS = [
    "initials",
    "roepnaam",
    "voorvoegsel",
    "achternaam",
    "email",
    "phone_mobile",
    "phone_home",
    "street",
    "house_number",
    "postcode",
    "city",
    "language",
]
STUDENT_FIELDS = [
    "first_names",
    "roepnaam",
    "voorvoegsel",
    "achternaam",
    "birth_date",
    "gender",
    "phone",
    "street",
    "house_number",
    "postcode",
    "city",
    "jaargroep",
    "enrolled_on",
    "left_on",
]


def _fields(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _account(user) -> dict:
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "joined": user.date_joined,
        "last_login": user.last_login,
    }


def _results(child) -> dict:
    from ouderportaal.results import visibility

    method = visibility.visible_method_results(child).select_related("test")
    lvs = visibility.visible_lvs_results(child)
    return {
        "method_tests": [
            {
                "subject": r.test.subject,
                "test": r.test.name,
                "taken_on": r.taken_on,
                "percentage": r.percentage,
                "grade": r.grade,
                "rating": r.rating,
                "mastered": r.mastered,
            }
            for r in method.order_by("taken_on", "pk")
        ],
        "lvs": [
            {
                "subject": r.subject,
                "test": r.test_name,
                "taken_on": r.taken_on,
                "ability_score": r.ability_score,
                "level": r.level_iv or r.level_ae,
                "percentile": r.percentile,
            }
            for r in lvs.order_by("taken_on", "pk")
        ],
    }


def _change_requests(user, children, guardians) -> list[dict]:
    from ouderportaal.changerequests.models import ChangeRequest

    found = ChangeRequest.objects.filter(
        Q(student__in=children) | Q(guardian__in=guardians) | Q(submitted_by=user)
    ).prefetch_related("items")
    return [
        {
            "about": request.subject,
            "pupil": request.student.full_name if request.student_id else None,
            "status": request.status,
            "submitted_at": request.created_at,
            "decided_at": request.decided_at,
            "note": request.note,
            "reason": request.reason,
            "changes": [
                {"field": item.field, "old": item.old_value, "new": item.new_value}
                for item in request.items.all()
            ],
        }
        for request in found.select_related("student").order_by("created_at", "pk")
    ]


def _appointments(children) -> list[dict]:
    from ouderportaal.helpdesk.models import AppointmentRequest

    found = AppointmentRequest.objects.filter(student__in=children).select_related("student")
    return [
        {
            "pupil": found_one.student.full_name,
            "subject": found_one.subject,
            "preferred_times": found_one.preferred_times,
            "status": found_one.status,
            "proposed_time": found_one.proposed_time,
            "answer": found_one.answer,
            "requested_at": found_one.created_at,
        }
        for found_one in found.order_by("created_at", "pk")
    ]


def _notifications(user, guardians) -> list[dict]:
    """Mail the portal sent or is sending to the parent. A sent mail's addresses and
    text are erased (core.mail), so what is left of those is the kind and the time."""
    from ouderportaal.accounts.models import AccountMailItem

    items = AccountMailItem.objects.filter(guardian__in=guardians).select_related("batch")
    sent = [
        {
            "at": item.finished_at or item.batch.created_at,
            "subject": "account mail",
            "state": item.state,
        }
        for item in items
    ]
    # The outbox has no link to an account, only the address a mail was rendered for
    # (from the account or a guardian record, unchanged). Compared exactly as stored:
    # case folding or other normalising would let another family's look-alike address
    # (a Kelvin sign K, a long s) match the parent's.
    known = [user.email, *guardians.values_list("email", flat=True)]
    addresses = {address for address in known if address}
    waiting = OutgoingMail.objects.filter(
        state__in=[OutgoingMail.State.QUEUED, OutgoingMail.State.SENDING]
    ).only("template", "created_at", "state", "message")
    for mail in waiting:
        recipients = {str(to) for to in mail.message.get("to", [])}
        if recipients & addresses:
            subject = mail.message.get("subject", "")
            sent.append({"at": mail.created_at, "subject": subject, "state": mail.state})
    for source in NOTIFICATION_SOURCES:
        sent.extend(source(user))
    return sorted(sent, key=lambda row: str(row["at"]))


def _access_log(children, guardians) -> list[dict]:
    from ouderportaal.privacy.models import StaffRead

    reads = StaffRead.objects.filter(
        Q(student__in=children) | Q(guardian__in=guardians)
    ).select_related("user", "student")
    return [
        {
            "at": read.at,
            "who": read.user.get_full_name() if read.user else None,
            "roles": read.roles,
            "kind": read.kind,
            "pupil": read.student.full_name if read.student else None,
        }
        for read in reads.order_by("at", "pk")
    ]


def _account_events(user) -> list[dict]:
    events = AuditEvent.objects.filter(
        Q(object_type=get_user_model()._meta.label_lower, object_id=str(user.pk)) | Q(actor=user)
    )
    return [{"at": event.at, "action": event.action} for event in events.order_by("at", "pk")]


def collect(user) -> dict:
    """Everything about `user` and their children with gezag, as plain data."""
    guardians = Guardian.objects.filter(user=user).select_related("school")
    children = list(
        visible_students(user).select_related("school", "group").order_by("roepnaam", "pk")
    )
    # Children who left are the parent's data too, as long as the school keeps them.
    left = GuardianLink.objects.filter(guardian__in=guardians, custody=Custody.GEZAG).exclude(
        student__in=children
    )
    children += [link.student for link in left.select_related("student__school", "student__group")]
    return {
        "made_at": timezone.now(),
        "account": _account(user),
        "guardian_records": [
            {"school": g.school.name, **_fields(g, GUARDIAN_FIELDS)} for g in guardians
        ],
        "children": [
            {
                "school": child.school.name,
                "group": child.group.name if child.group else None,
                **_fields(child, STUDENT_FIELDS),
                "results": _results(child),
            }
            for child in children
        ],
        "change_requests": _change_requests(user, children, guardians),
        "appointments": _appointments(children),
        "notifications": _notifications(user, guardians),
        "access_log": _access_log(children, guardians),
        "account_events": _account_events(user),
    }


def build_zip(user) -> bytes:
    data = json.loads(json.dumps(collect(user), cls=DjangoJSONEncoder))
    html = render_to_string("privacy/export.html", {"data": data})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mijn-gegevens.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("mijn-gegevens.html", html)
    return buffer.getvalue()
