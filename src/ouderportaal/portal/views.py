"""The parent portal: a parent's children and, per child, what the school shares."""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from ouderportaal.changerequests.services import pending_for_general_page
from ouderportaal.core.access import child_view, parent_view, visible_students
from ouderportaal.core.models import Guardian, GuardianLink, StaffMember
from ouderportaal.notifications.services import unseen_for
from ouderportaal.schoolcontrol.gates import attach_closed_portal, with_closed_portal
from ouderportaal.schoolcontrol.models import ClosedPeriod
from ouderportaal.schoolcontrol.rules import next_release


def _teachers_prefetch():
    return Prefetch(
        "group__teachers",
        queryset=StaffMember.objects.select_related("user").order_by("user__last_name"),
    )


@parent_view
def home(request):
    children = list(
        with_closed_portal(visible_students(request.user))
        .select_related("school", "group")
        .prefetch_related(_teachers_prefetch())
        .order_by("school__name", "roepnaam")
    )
    # A school that has closed its portal shows its message instead of the child's data.
    attach_closed_portal(children)
    _attach_news(request.user, children)
    return render(request, "portal/home.html", {"children": children})


def _attach_news(user, children) -> None:
    """Per child: what is new since it was last seen, and what is coming."""
    now = timezone.now()
    by_child = defaultdict(list)
    by_school = defaultdict(list)
    for item in unseen_for(user)[:200]:
        if item.event.student_id is None:
            by_school[item.event.school_id].append(item)
        else:
            by_child[item.event.student_id].append(item)
    closures = defaultdict(list)
    for period in ClosedPeriod.objects.filter(
        school__in={child.school_id for child in children}, starts_at__gt=now
    ).order_by("starts_at"):
        closures[period.school_id].append(period)
    for child in children:
        news, kinds = [], set()
        for item in by_child[child.pk] + by_school[child.school_id]:
            # One line per kind of news and page: "new results" once, however many.
            marker = (item.event.kind, item.event.page)
            if marker not in kinds:
                kinds.add(marker)
                news.append(item.event)
        child.news = news
        child.coming_release = next_release(child, at=now)
        child.coming_closures = closures[child.school_id][:1]


@child_view(module="general", landing=True)
def general(request, student):
    links = (
        GuardianLink.objects.filter(student=student)
        .select_related("guardian")
        .order_by("guardian__achternaam", "guardian__roepnaam")
    )
    own_guardians = list(Guardian.objects.filter(user=request.user, school=student.school))
    own_records = {g.pk for g in own_guardians}
    pending_child, pending_own = pending_for_general_page(request.user, student, own_guardians)
    teachers = (
        list(student.group.teachers.select_related("user").order_by("user__last_name"))
        if student.group
        else []
    )
    return render(
        request,
        "portal/general.html",
        {
            "student": student,
            "child_tab": "general",
            "teachers": teachers,
            "links": links,
            "own_guardian_ids": own_records,
            "pending_child": pending_child,
            "pending_own": pending_own,
        },
    )
