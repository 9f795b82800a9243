"""The access log: which staff member looked at whose personal data.

A back-office page declares the kind of data it shows in its access decorator,
`@staff_view("teacher", reads="results")`; `core.access` then calls `record_staff_read`
after the page answered 200. The pupils come from the URL's arguments (a pupil, a
guardian, a group, a change request, an appointment request), so a view needs no code
of its own. An error here is logged by core.access and never breaks the page.

Rows are written in batches: a process keeps up to `PRIVACY_ACCESS_LOG_BATCH` reads and
writes them with one insert when the batch is full, when the oldest is
`PRIVACY_ACCESS_LOG_SECONDS` old (checked at the end of every request), and when the
process ends. A page therefore pays one indexed lookup and, now and then, one insert
(see scripts/bench_access_log.py); a process that is killed hard loses at most one
batch. With a batch of 1 every read is written at once (the tests).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.signals import request_finished
from django.db import connection, transaction
from django.utils import timezone

from ouderportaal.core.access import ROLE_FIELDS
from ouderportaal.privacy.models import DataKind, StaffRead


def _pupil(school_id, value):
    student = apps.get_model("core", "Student")
    ids = student.objects.filter(school_id=school_id, public_id=value).values_list("pk", flat=True)
    return [(pk, None) for pk in ids]


def _guardian(school_id, value):
    link = apps.get_model("core", "GuardianLink")
    ids = link.objects.filter(guardian_id=value, guardian__school_id=school_id).values_list(
        "student_id", flat=True
    )
    return [(pk, value) for pk in ids] or [(None, value)]


def _group(school_id, value):
    student = apps.get_model("core", "Student")
    pupils = student.objects.enrolled().filter(school_id=school_id, group_id=value)
    return [(pk, None) for pk in pupils.values_list("pk", flat=True)]


def _of_model(label, field="public_id", guardian=None):
    def resolve(school_id, value):
        model = apps.get_model(label)
        found = model.objects.filter(school_id=school_id, **{field: value})
        if guardian is None:
            return [(pk, None) for pk in found.values_list("student_id", flat=True)]
        return list(found.values_list("student_id", guardian))

    return resolve


# URL argument → the pupils (and guardian) a page about it shows, as (student, guardian).
SUBJECTS = {
    "student": _pupil,
    "guardian": _guardian,
    "group": _group,
    "request_id": _of_model("changerequests.ChangeRequest", "pk", "guardian_id"),
    "appointment": _of_model("helpdesk.AppointmentRequest"),
}


def subjects_of(school_id, url_kwargs) -> list[tuple[int | None, int | None]]:
    for argument, resolve in SUBJECTS.items():
        if argument in url_kwargs:
            return resolve(school_id, url_kwargs[argument])
    return [(None, None)]  # a list page: the read is logged, no pupil named


def role_keys(membership, roles) -> str:
    """The roles the member used for this page: those the page asks for, or all held."""
    held = [role for role, field in ROLE_FIELDS.items() if getattr(membership, field)]
    used = [role for role in held if role in roles] if roles else held
    return ",".join(used or held)


logger = logging.getLogger("ouderportaal.privacy")
_pending: list[StaffRead] = []
_since = [0.0]  # when the oldest pending read was made (time.monotonic)
_lock = threading.Lock()


def flush() -> int:
    """Write the reads this process still holds, in one insert."""
    with _lock:
        rows = _pending[:]
        _pending.clear()
    if not rows:
        return 0
    if connection.in_atomic_block:
        with transaction.atomic():  # a failed insert must not spoil the page's transaction
            StaffRead.objects.bulk_create(rows)
    else:
        StaffRead.objects.bulk_create(rows)
    return len(rows)


def _flush_when_due(**kwargs) -> None:
    if _pending and time.monotonic() - _since[0] >= settings.PRIVACY_ACCESS_LOG_SECONDS:
        try:
            flush()
        except Exception:
            logger.exception("Staff reads could not be written.")


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:
        logger.exception("Staff reads could not be written.")


request_finished.connect(_flush_when_due, dispatch_uid="privacy.flush_staff_reads")
atexit.register(_flush_at_exit)


def record_staff_read(request, membership, kind, roles, url_kwargs) -> None:
    if not settings.PRIVACY_ACCESS_LOG:
        return
    DataKind(kind)  # an undeclared kind is a programming error, logged by core.access
    now = timezone.now()
    role = role_keys(membership, roles)
    rows = [
        StaffRead(
            school_id=membership.school_id,
            user_id=request.user.pk,
            roles=role,
            kind=kind,
            student_id=student,
            guardian_id=guardian,
            at=now,
        )
        for student, guardian in subjects_of(membership.school_id, url_kwargs)
    ]
    with _lock:
        if not _pending:
            _since[0] = time.monotonic()
        _pending.extend(rows)
        full = len(_pending) >= settings.PRIVACY_ACCESS_LOG_BATCH
    if full:
        flush()
