"""Events follow the audit trail: every change that matters is recorded there already.

The handler runs inside the transaction of the change, so a rolled-back change
records no event and mails nothing.
"""

from __future__ import annotations

from ouderportaal.notifications import services
from ouderportaal.notifications.models import Kind


def _release(event):
    from ouderportaal.schoolcontrol.models import Release

    release = Release.objects.filter(pk=event.object_id).select_related("school").first()
    if release is not None:
        services.release_took_effect(release)


def _period(event):
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    period = ClosedPeriod.objects.filter(pk=event.object_id).select_related("school").first()
    if period is not None:
        services.period_ended(period)


def _period_started(event):
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    period = ClosedPeriod.objects.filter(pk=event.object_id).select_related("school").first()
    if period is not None:
        services.period_started(period)


def _method_result(event):
    from ouderportaal.results.models import MethodResult

    result = MethodResult.objects.filter(pk=event.object_id).select_related("school").first()
    if result is not None:
        services.method_result_entered(result)


def _decided(event):
    services.record_events(
        school=event.school,
        kind=Kind.CHANGE_REQUEST,
        cause=f"request:{event.object_id}",
        page="changerequests:child_requests",
        students=[event.student],
        own_mail=True,  # changerequests.services.notify_decision mails the parents
    )


def _appointment(event):
    services.record_events(
        school=event.school,
        kind=Kind.APPOINTMENT,
        cause=f"appointment:{event.object_id}:{event.at.isoformat()}",
        page="helpdesk:appointments",
        students=[event.student],
        own_mail=True,  # helpdesk.content.answer_appointment mails the parent
    )


def _document(event):
    if event.data.get("audience") in ("parents", "public"):
        services.record_school_event(
            school=event.school,
            kind=Kind.DOCUMENT,
            cause=f"document:{event.object_id}",
            page="helpdesk:documents",
        )


HANDLERS = {
    "schoolcontrol.release.took_effect": _release,
    "schoolcontrol.period.ended": _period,
    "schoolcontrol.period.started": _period_started,
    "results.method.entered": _method_result,
    "results.method.corrected": _method_result,
    "changerequest.decided": _decided,
    "helpdesk.appointment.answered": _appointment,
    "helpdesk.document.uploaded": _document,
}


def audit_recorded(sender, instance, created, **kwargs):
    if not created:
        return
    handler = HANDLERS.get(instance.action)
    if handler is not None and (instance.school_id is not None):
        handler(instance)
