"""The school's back office: staff see and manage their own school only."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ouderportaal.backoffice.forms import StudentSearchForm
from ouderportaal.core.access import (
    contact_guardians,
    contact_students,
    get_school_student,
    school_students,
    staff_view,
)
from ouderportaal.core.models import Custody, Group, GuardianLink, StaffMember
from ouderportaal.core.navigation import work_items
from ouderportaal.core.scoping import scoped

PAGE_SIZE = 50


@staff_view()
def home(request, membership):
    school = membership.school
    students = school_students(membership).enrolled()
    figures = students.aggregate(
        pupils=Count("pk"),
        groups=Count("group", distinct=True),
    )
    todo = work_items(membership, timezone.now())
    own_groups = (
        membership.groups.filter(school_year=school.current_school_year()).order_by("name")
        if membership.is_teacher
        else []
    )
    return render(
        request,
        "backoffice/home.html",
        {
            "membership": membership,
            "figures": figures,
            "own_groups": own_groups,
            "work": todo,
            "section": "home",
        },
    )


@staff_view(reads="pupil_list")
def students(request, membership):
    groups = (
        scoped(membership, Group)
        .filter(kind="stam")
        .select_related("school_year")
        .order_by("-school_year__start_date", "name")
    )
    form = StudentSearchForm(request.GET or None, groups=groups)
    queryset = school_students(membership).select_related("group")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        for word in query.split():
            queryset = queryset.filter(
                Q(roepnaam__icontains=word)
                | Q(achternaam__icontains=word)
                | Q(voorvoegsel__icontains=word)
                | Q(first_names__icontains=word)
            )
        if form.cleaned_data["group"]:
            queryset = queryset.filter(group_id=form.cleaned_data["group"])
        if not form.cleaned_data["include_left"]:
            queryset = queryset.enrolled()
    else:
        queryset = queryset.enrolled()
    page = Paginator(queryset.order_by("achternaam", "roepnaam", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "backoffice/students.html",
        {
            "membership": membership,
            "section": "students",
            "form": form,
            "page": page,
            "query_string": query_without_page.urlencode(),
        },
    )


@staff_view(reads="pupil")
def student_detail(request, membership, student):
    pupil = get_school_student(membership, student)
    links = (
        scoped(membership, GuardianLink)
        .filter(student=pupil)
        .select_related("guardian", "guardian__user")
        .order_by("guardian__achternaam")
    )
    # A teacher sees the guardians' contact data of the pupils in their own groups only.
    shows_contacts = contact_students(membership).filter(pk=pupil.pk).exists()
    teachers = (
        pupil.group.teachers.select_related("user")
        if pupil.group
        else scoped(membership, StaffMember).none()
    )
    return render(
        request,
        "backoffice/student_detail.html",
        {
            "membership": membership,
            "section": "students",
            "student": pupil,
            "links": links,
            "teachers": teachers,
            "gezag_count": sum(1 for link in links if link.custody == Custody.GEZAG),
            "shows_contacts": shows_contacts,
        },
    )


@staff_view(reads="guardian")
def guardian_detail(request, membership, guardian):
    """A guardian's contact data and children: for a teacher only when one of the
    children is in their own groups (others get 404)."""
    found = contact_guardians(membership).filter(pk=guardian).first()
    if found is None:
        raise Http404
    links = (
        scoped(membership, GuardianLink)
        .filter(guardian=found)
        .select_related("student", "student__group")
        .order_by("student__roepnaam")
    )
    return render(
        request,
        "backoffice/guardian_detail.html",
        {"membership": membership, "section": "students", "guardian": found, "links": links},
    )
