"""The change requests on the back office's work list: overdue and due soon."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core.navigation import WorkItem
from ouderportaal.core.scoping import scoped

SOON_DAYS = 2


def work_items(membership, now) -> list[WorkItem]:
    if not membership.is_administration:
        return []
    today = timezone.localdate(now)
    open_requests = scoped(membership, ChangeRequest).open()
    overdue = open_requests.filter(due_on__lt=today).count()
    soon = open_requests.filter(due_on__gte=today, due_on__lte=today + timedelta(SOON_DAYS)).count()
    url = reverse("requestsadmin:queue", kwargs={"school": membership.school.slug})
    items = []
    if overdue:
        text = ngettext(
            "%(count)s change request is past its date.",
            "%(count)s change requests are past their date.",
            overdue,
        ) % {"count": overdue}
        items.append(WorkItem(text, url, urgent=True, order=10))
    if soon:
        text = ngettext(
            "%(count)s change request must be processed within two days.",
            "%(count)s change requests must be processed within two days.",
            soon,
        ) % {"count": soon}
        items.append(WorkItem(text, url, order=11))
    return items
