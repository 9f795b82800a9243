"""The parent portal: a parent's children and, per child, what the school shares."""

from django.db.models import Prefetch
from django.shortcuts import render

from ouderportaal.changerequests.services import pending_for_general_page
from ouderportaal.core.access import child_view, parent_view, visible_students
from ouderportaal.core.models import Guardian, GuardianLink, StaffMember
from ouderportaal.schoolcontrol.gates import attach_closed_portal, with_closed_portal


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
    return render(request, "portal/home.html", {"children": children})


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
