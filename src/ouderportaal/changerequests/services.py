"""What happens to a change request, in one place for the views, commands and demo."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.accounts import recovery
from ouderportaal.accounts.models import RecoveryAddressChange
from ouderportaal.changerequests import workdays
from ouderportaal.changerequests.fields import ADDRESS_FIELDS
from ouderportaal.changerequests.models import (
    OPEN_STATUSES,
    ChangeRequest,
    ClosureDay,
    RequestedChange,
    RequestSettings,
    Status,
)
from ouderportaal.core import audit
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.core.models import Custody, Guardian, GuardianLink, Student

logger = logging.getLogger(__name__)

# Enough to pass a summer holiday (six weeks) plus the term itself.
CLOSURE_WINDOW_DAYS = 200


class RequestError(Exception):
    """A request cannot be handled as asked; the message is for the person."""


def requests_per_day() -> int:
    """CHANGE_REQUESTS_PER_DAY: requests one parent may send per day."""
    return settings.CHANGE_REQUESTS_PER_DAY


def closed_days(school, start: date) -> frozenset[date]:
    end = start + timedelta(days=CLOSURE_WINDOW_DAYS)
    return frozenset(
        ClosureDay.objects.filter(school=school, date__gt=start, date__lte=end).values_list(
            "date", flat=True
        )
    )


def due_date(school, submitted: datetime) -> date:
    """Five working days after the day (Europe/Amsterdam) the request came in."""
    start = timezone.localdate(submitted)
    return workdays.add_working_days(start, workdays.REQUEST_TERM_DAYS, closed_days(school, start))


def submitted_today(user, now: datetime | None = None) -> int:
    now = now or timezone.now()
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return ChangeRequest.objects.filter(submitted_by=user, created_at__gte=local_midnight).count()


def submit(*, user, student: Student, guardian: Guardian | None, changes: dict, note: str = ""):
    """Store a request with a snapshot of the current values. `changes`: field → new value."""
    target = guardian if guardian is not None else student
    now = timezone.now()
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            school=student.school,
            student=student,
            subject=ChangeRequest.Subject.GUARDIAN if guardian else ChangeRequest.Subject.STUDENT,
            guardian=guardian,
            submitted_by=user,
            note=note,
            created_at=now,
            due_on=due_date(student.school, now),
        )
        RequestedChange.objects.bulk_create(
            RequestedChange(
                request=request,
                field=field,
                old_value=getattr(target, field) or "",
                new_value=value,
            )
            for field, value in changes.items()
        )
        audit.record(
            "changerequest.submitted",
            actor=user,
            school=student.school,
            obj=request,
            student=student,
            subject=request.subject,
            fields=sorted(changes),
        )
    return request


def withdraw(*, user, request_id: int, student: Student) -> ChangeRequest:
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update()
            .filter(pk=request_id, student=student, submitted_by=user)
            .first()
        )
        if request is None:
            raise ChangeRequest.DoesNotExist
        if request.status not in OPEN_STATUSES:
            raise RequestError(_("This request has already been handled."))
        request.status = Status.WITHDRAWN
        request.withdrawn_at = timezone.now()
        request.save(update_fields=["status", "withdrawn_at"])
        audit.record(
            "changerequest.withdrawn",
            actor=user,
            school=request.school,
            obj=request,
            student=student,
        )
    return request


def current_values(request: ChangeRequest, target=None) -> dict[str, str]:
    target = target if target is not None else request.target
    return {item.field: getattr(target, item.field) or "" for item in request.items.all()}


def values_token(values: dict[str, str]) -> str:
    """A short fingerprint of the current values the staff member saw."""
    payload = json.dumps(values, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:32]


def conflicts(request: ChangeRequest, values: dict[str, str]) -> set[str]:
    """Fields whose current value is no longer the value the parent saw."""
    return {item.field for item in request.items.all() if values[item.field] != item.old_value}


def start_processing(*, request_id: int, school, actor) -> ChangeRequest:
    with transaction.atomic():
        request = _locked(request_id, school)
        if request.status != Status.SUBMITTED:
            raise RequestError(_("This request is no longer waiting."))
        request.status = Status.IN_PROGRESS
        request.handled_by = actor
        request.save(update_fields=["status", "handled_by"])
        audit.record(
            "changerequest.started",
            actor=actor,
            school=school,
            obj=request,
            student=request.student,
        )
    return request


def _locked(request_id: int, school) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().filter(pk=request_id, school=school).first()
    if request is None:
        raise ChangeRequest.DoesNotExist
    return request


def _lock_target(request: ChangeRequest):
    if request.subject == ChangeRequest.Subject.GUARDIAN:
        return Guardian.objects.select_for_update().get(pk=request.guardian_id)
    return Student.objects.select_for_update().get(pk=request.student_id)


def _apply(target, fields: dict[str, str]) -> None:
    for field, value in fields.items():
        setattr(target, field, value)
    target.save(update_fields=list(fields))


def decide(
    *,
    request_id: int,
    school,
    actor,
    accept: set[str],
    reason: str,
    token: str,
    overwrite: set[str] = frozenset(),
) -> ChangeRequest:
    """Accept the fields in `accept` (all, some or none) and close the request.

    Runs in one transaction with the request row locked, so two staff members
    deciding at the same moment apply it once: the second one finds it closed.
    Fields whose current value differs from the parent's snapshot are only applied
    when named in `overwrite` too; a `token` other than the current values' means
    the data changed while the staff member looked, and nothing is applied.
    """
    reason = reason.strip()
    with transaction.atomic():
        request = _locked(request_id, school)
        if request.status not in OPEN_STATUSES:
            raise RequestError(
                _("This request was already handled by someone else; nothing was changed.")
            )
        items = list(request.items.all())
        known = {item.field for item in items}
        accept = set(accept) & known
        if accept != known and not reason:
            raise RequestError(_("Give a reason when you do not accept every change."))
        target = _lock_target(request)
        values = {item.field: getattr(target, item.field) or "" for item in items}
        if token != values_token(values):
            raise RequestError(_("The data were changed while you were looking. Check them again."))
        conflicting = {item.field for item in items if values[item.field] != item.old_value}
        unconfirmed = (accept & conflicting) - set(overwrite)
        if unconfirmed:
            raise RequestError(
                _(
                    "Someone changed this data after the request was made. Confirm that the "
                    "new value should replace the current one, or leave the field out."
                )
            )
        new_values = {item.field: item.new_value for item in items if item.field in accept}
        if new_values:
            _apply(target, new_values)
            if isinstance(target, Guardian) and "email" in new_values and target.user_id:
                # The parent's own address: their account asks them to confirm it.
                recovery.school_address_changed(
                    target, source=RecoveryAddressChange.Source.CHANGE_REQUEST, actor=actor
                )
        for item in items:
            item.accepted = item.field in accept
        RequestedChange.objects.bulk_update(items, ["accepted"])
        if accept == known:
            request.status = Status.PROCESSED
        elif accept:
            request.status = Status.PARTLY_PROCESSED
        else:
            request.status = Status.REJECTED
        request.reason = reason
        request.handled_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "reason", "handled_by", "decided_at"])
        audit.record(
            "changerequest.decided",
            actor=actor,
            school=school,
            obj=request,
            student=request.student,
            status=request.status,
            subject=request.subject,
            changes={
                item.field: {"old": values[item.field], "new": item.new_value}
                for item in items
                if item.field in accept
            },
            declined=sorted(known - accept),
            overwritten=sorted(accept & conflicting),
        )
        # Queued in the same transaction: sent after the commit, never for a rollback.
        notify_decision(request)
    return request


def _recipients(request: ChangeRequest) -> list[Guardian]:
    """Who hears about a decision: for the child's data every parent with gezag,
    for a parent's own data only that parent."""
    if request.subject == ChangeRequest.Subject.GUARDIAN:
        guardians = [request.guardian]
    else:
        guardians = [
            link.guardian
            for link in GuardianLink.objects.filter(
                student_id=request.student_id, custody=Custody.GEZAG
            ).select_related("guardian")
        ]
    return [g for g in guardians if g.email]


def notify_decision(request: ChangeRequest) -> int:
    """One mail per parent, in their own language; returns how many were queued."""
    request = (
        ChangeRequest.objects.select_related("student", "school", "guardian")
        .prefetch_related("items")
        .get(pk=request.pk)
    )
    sent = 0
    for guardian in _recipients(request):
        context = {
            "request": request,
            "student": request.student,
            "items": list(request.items.all()),
            "recipient": guardian,
            "by_recipient": request.submitted_by_id is not None
            and request.submitted_by_id == guardian.user_id,
        }
        if send_templated_mail(
            to=guardian.email,
            template="changerequests/mail/decision",
            context=context,
            language=guardian.language,
            school=request.school,
        ):
            sent += 1
    return sent


def address_lines(values: dict[str, str]) -> list[str]:
    first = f"{values.get('street', '')} {values.get('house_number', '')}".strip()
    second = f"{values.get('postcode', '')} {values.get('city', '')}".strip()
    return [line for line in (first, second) if line]


def pending_view(target, items) -> dict:
    """What a parent sees beside the current data: address and other fields, as they
    would be when the open requests are processed."""
    pending = {item.field: item.new_value for item in items}
    result: dict = {}
    if pending.keys() & set(ADDRESS_FIELDS):
        merged = {f: pending.get(f, getattr(target, f) or "") for f in ADDRESS_FIELDS}
        result["address"] = address_lines(merged) or ["—"]
    for field, value in pending.items():
        if field not in ADDRESS_FIELDS:
            result[field] = value or "—"
    return result


def pending_for_general_page(user, student, own_guardians) -> tuple[dict, dict]:
    """The user's own open proposals about the child and about their own record, in one
    query: (child field → pending value, own-record field → pending value)."""
    items = list(
        RequestedChange.objects.filter(
            request__student=student,
            request__submitted_by=user,
            request__status__in=OPEN_STATUSES,
        )
        .select_related("request")
        .order_by("request__created_at", "pk")
    )
    child_items = [i for i in items if i.request.subject == ChangeRequest.Subject.STUDENT]
    pending_child = pending_view(student, child_items) if child_items else {}
    pending_own: dict = {}
    for guardian in own_guardians:
        own_items = [i for i in items if i.request.guardian_id == guardian.pk]
        if own_items:
            pending_own.update(pending_view(guardian, own_items))
    return pending_child, pending_own


SETTINGS_FIELDS = ["student_fields", "summary_enabled", "summary_email"]


def save_settings(settings: RequestSettings, *, actor) -> RequestSettings:
    """Save the school's change-request settings (a new or changed row)."""
    with transaction.atomic():
        before = RequestSettings.objects.filter(pk=settings.pk).first() if settings.pk else None
        old = audit.values_of(before, SETTINGS_FIELDS) if before else None
        settings.save()
        new = audit.values_of(settings, SETTINGS_FIELDS)
        if old is not None:
            old, new = audit.changed(old, new)
        audit.record(
            "changerequest.settings",
            actor=actor,
            school=settings.school,
            obj=settings,
            old=old,
            new=new,
        )
    return settings
