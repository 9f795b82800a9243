"""Appointment requests waiting for an answer, on the back office's work list."""

from django.urls import reverse
from django.utils.translation import ngettext

from ouderportaal.core.navigation import WorkItem
from ouderportaal.helpdesk.models import AppointmentRequest
from ouderportaal.helpdesk.staff_views import visible_appointments


def work_items(membership, now) -> list[WorkItem]:
    if not membership.is_teacher:
        return []
    waiting = visible_appointments(membership).filter(status=AppointmentRequest.Status.OPEN)
    count = waiting.count()
    if not count:
        return []
    text = ngettext(
        "%(count)s appointment request is waiting for an answer.",
        "%(count)s appointment requests are waiting for an answer.",
        count,
    ) % {"count": count}
    url = reverse("helpdeskadmin:appointments", kwargs={"school": membership.school.slug})
    return [WorkItem(text, url, urgent=True, order=20)]
