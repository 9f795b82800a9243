"""The parent portal: a parent's children and, per child, what the school shares."""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from ouderportaal.changerequests.services import pending_for_general_page
from ouderportaal.core import branding
from ouderportaal.core.access import child_view, parent_view, visible_students
from ouderportaal.core.models import GuardianLink, StaffMember
from ouderportaal.helpdesk.services import with_rules_read
from ouderportaal.notifications.services import unseen_for
from ouderportaal.schoolcontrol.gates import active_closed_periods, school_rules


def _teachers():
    """A groep's teachers as parents see them: their names, and nothing else of their
    accounts (no password hash or address comes along)."""
    return (
        StaffMember.objects.select_related("user")
        .only("pk", "user__first_name", "user__last_name")
        .order_by("user__last_name")
    )


def _teachers_prefetch():
    return Prefetch("group__teachers", queryset=_teachers())


@parent_view
def home(request):
    children = list(
        with_rules_read(visible_students(request.user), request.user)
        .select_related("school", "group")
        .prefetch_related(_teachers_prefetch())
        .order_by("school__name", "roepnaam")
    )
    branding.remember_children(request, children)
    now = timezone.now()
    for child in children:
        # A school that has closed its portal shows its message instead of the child's data.
        child.portal_closed = next(
            (p for p in active_closed_periods(child.school, now) if p.whole_portal), None
        )
    _attach_news(request.user, children, now)
    return render(request, "portal/home.html", {"children": children})


def _attach_news(user, children, now) -> None:
    """Per child: what is new since it was last seen (one query), and what is coming
    (from the schools' kept rules)."""
    if not children:
        return
    by_child = defaultdict(list)
    by_school = defaultdict(list)
    for item in unseen_for(user)[:200]:
        if item.event.student_id is None:
            by_school[item.event.school_id].append(item)
        else:
            by_child[item.event.student_id].append(item)
    schools = {child.school_id: child.school for child in children}
    closures = {
        pk: sorted(
            (p for p in school_rules(school).periods if p.starts_at > now),
            key=lambda p: p.starts_at,
        )
        for pk, school in schools.items()
    }
    releases = _announced_releases(schools.values(), now)
    for child in children:
        news, kinds = [], set()
        for item in by_child[child.pk] + by_school[child.school_id]:
            # One line per kind of news and page: "new results" once, however many.
            marker = (item.event.kind, item.event.page)
            if marker not in kinds:
                kinds.add(marker)
                news.append(item.event)
        child.news = news
        child.coming_release = next(
            (
                release.release_at
                for release in releases[child.school_id]
                if release.group_id is None or release.group_id == child.group_id
            ),
            None,
        )
        child.coming_closures = closures[child.school_id][:1]


def _announced_releases(schools, now) -> dict:
    """Per school, the announced Cito releases still to come (as `rules.next_release`
    decides for one pupil), in order."""
    found = {}
    for school in schools:
        rules = school_rules(school)
        found[school.pk] = (
            []
            if "lvs" in rules.closed_modules
            else [r for r in rules.releases if r.announce and r.release_at > now]
        )
    return found


@child_view(module="general", landing=True)
def general(request, student):
    links = list(
        GuardianLink.objects.filter(student=student)
        .select_related("guardian")
        .order_by("guardian__achternaam", "guardian__roepnaam")
    )
    # The parent's own records among the child's guardians: the ones this page shows.
    own_guardians = [link.guardian for link in links if link.guardian.user_id == request.user.pk]
    own_records = {g.pk for g in own_guardians}
    pending_child, pending_own = pending_for_general_page(request.user, student, own_guardians)
    teachers = list(_teachers().filter(groups=student.group)) if student.group else []
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
