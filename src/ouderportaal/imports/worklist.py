"""Recent imports on the back office's work list."""

from datetime import timedelta

from django.urls import reverse
from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ouderportaal.core.navigation import WorkItem
from ouderportaal.core.scoping import scoped
from ouderportaal.imports.models import ImportRun

RECENT_DAYS = 14


def work_items(membership, now) -> list[WorkItem]:
    if not membership.is_administration:
        return []
    runs = scoped(membership, ImportRun)
    waiting = runs.filter(status=ImportRun.Status.PREVIEW, created_at__gte=now - timedelta(1))
    waiting = waiting.count()
    latest = (
        runs.filter(applied_at__gte=now - timedelta(days=RECENT_DAYS))
        .order_by("-applied_at")
        .first()
    )
    url = reverse("imports:index", kwargs={"school": membership.school.slug})
    items = []
    if waiting:
        items.append(WorkItem(_("An import is waiting for your confirmation."), url, True, 50))
    if latest is not None:
        text = _("Last import: %(kind)s on %(moment)s.") % {
            "kind": latest.get_kind_display(),
            "moment": formats.date_format(localtime(latest.applied_at), "j F Y, H:i"),
        }
        items.append(WorkItem(text, url, order=51))
    return items
