"""On the back office's work list: parents who never logged in, per group, and the next
closed period and release."""

from django.db.models import Count
from django.urls import reverse
from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderportaal.core.models import Custody, GuardianLink
from ouderportaal.core.navigation import WorkItem
from ouderportaal.core.scoping import scoped
from ouderportaal.schoolcontrol.models import ClosedPeriod, Release

MAX_GROUPS = 5


def _moment(value) -> str:
    return formats.date_format(localtime(value), "j F Y, H:i")


def work_items(membership, now) -> list[WorkItem]:
    if not (membership.is_portal_manager or membership.is_administration):
        return []
    slug = membership.school.slug
    items = []
    never = (
        scoped(membership, GuardianLink)
        .filter(
            custody=Custody.GEZAG,
            student__group__isnull=False,
            student__left_on__isnull=True,
            guardian__user__isnull=False,
            guardian__user__last_login__isnull=True,
        )
        .values("student__group__name")
        .annotate(parents=Count("guardian", distinct=True))
        .order_by("-parents", "student__group__name")
    )
    adoption = reverse("schoolcontrol:adoption", kwargs={"school": slug})
    for row in never[:MAX_GROUPS]:
        text = ngettext(
            "Group %(group)s: %(count)s parent has never logged in.",
            "Group %(group)s: %(count)s parents have never logged in.",
            row["parents"],
        ) % {"group": row["student__group__name"], "count": row["parents"]}
        items.append(WorkItem(text, adoption, order=40))
    closure = scoped(membership, ClosedPeriod).filter(ends_at__gt=now).order_by("starts_at").first()
    if closure is not None:
        if closure.starts_at <= now:
            text = _("The portal is closed to parents until %(end)s.") % {
                "end": _moment(closure.ends_at)
            }
        else:
            text = _("Next closed period: from %(start)s until %(end)s.") % {
                "start": _moment(closure.starts_at),
                "end": _moment(closure.ends_at),
            }
        items.append(
            WorkItem(text, reverse("schoolcontrol:periods", kwargs={"school": slug}), order=30)
        )
    release = (
        scoped(membership, Release)
        .filter(release_at__gt=now)
        .select_related("group")
        .order_by("release_at")
        .first()
    )
    if release is not None:
        text = _("Next release of results: %(moment)s%(group)s.") % {
            "moment": _moment(release.release_at),
            "group": f" ({release.group.name})" if release.group_id else "",
        }
        items.append(
            WorkItem(text, reverse("schoolcontrol:releases", kwargs={"school": slug}), order=31)
        )
    return items
