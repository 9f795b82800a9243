"""Events follow the audit trail: every change that matters is recorded there already.

The handler runs inside the transaction of the change, so a rolled-back change
records no event and mails nothing.
"""

from __future__ import annotations

from django.apps import apps

from ouderportaal.notifications import services
from ouderportaal.notifications.models import Kind


def _about(model_label: str, service):
    """A handler that loads the event's object (with its school) and hands it to
    `service`; an object deleted since is skipped."""

    def handle(event):
        model = apps.get_model(model_label)
        found = model.objects.filter(pk=event.object_id).select_related("school").first()
        if found is not None:
            service(found)

    return handle


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
    "schoolcontrol.release.took_effect": _about(
        "schoolcontrol.Release", services.release_took_effect
    ),
    "schoolcontrol.period.ended": _about("schoolcontrol.ClosedPeriod", services.period_ended),
    "schoolcontrol.period.started": _about("schoolcontrol.ClosedPeriod", services.period_started),
    "results.method.entered": _about("results.MethodResult", services.method_result_entered),
    "results.method.corrected": _about("results.MethodResult", services.method_result_entered),
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


def notification_saved(sender, instance, created, **kwargs) -> None:
    """A notification made one by one is news for its person too (User.news_mark)."""
    if created:
        from ouderportaal.notifications.services import news_recorded

        news_recorded({instance.user_id})
