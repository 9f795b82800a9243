"""The one place that decides who may see what.

Parents reach pupils only through `visible_students`; staff reach their school only
through `staff_membership`. Views get their objects from the decorators below, so a
view cannot forget the check. Anything a person may not see answers 404, the same
as something that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render

from ouderportaal.core import branding
from ouderportaal.core.models import (
    Custody,
    Guardian,
    GuardianLink,
    School,
    StaffMember,
    Student,
)
from ouderportaal.core.navigation import child_tabs_for
from ouderportaal.core.preview import moment_of
from ouderportaal.core.scoping import scoped

logger = logging.getLogger(__name__)


def visible_students(user) -> QuerySet[Student]:
    """Pupils a parent may see: linked with gezag, and currently enrolled."""
    if not user.is_authenticated:
        return Student.objects.none()
    linked = GuardianLink.objects.filter(guardian__user=user, custody=Custody.GEZAG).values(
        "student_id"
    )
    return Student.objects.enrolled().filter(pk__in=linked)


def get_visible_student(user, public_id: str) -> Student:
    student = (
        visible_students(user).select_related("school", "group").filter(public_id=public_id).first()
    )
    if student is None:
        raise Http404
    return student


def active_memberships(user) -> QuerySet[StaffMember]:
    if not user.is_authenticated:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(user=user, is_active=True).select_related("school")


def staff_membership(user, school_slug: str) -> StaffMember:
    membership = active_memberships(user).filter(school__slug=school_slug).first()
    if membership is None:
        raise Http404
    return membership


def school_students(membership: StaffMember) -> QuerySet[Student]:
    """Every pupil of the staff member's school, those who left included."""
    return scoped(membership, Student)


def get_school_student(membership: StaffMember, public_id: str) -> Student:
    student = school_students(membership).select_related("group").filter(public_id=public_id)
    found = student.first()
    if found is None:
        raise Http404
    return found


def sees_every_guardian_contact(membership: StaffMember) -> bool:
    """The administration and the portal manager need every guardian's contact data;
    a teacher only that of the pupils in their own groups."""
    return membership.is_administration or membership.is_portal_manager


def contact_students(membership: StaffMember) -> QuerySet[Student]:
    """Pupils whose guardians' contact data the staff member may see."""
    pupils = school_students(membership)
    if sees_every_guardian_contact(membership):
        return pupils
    own = Q(group__teachers=membership) | Q(composed_groups__teachers=membership)
    return pupils.filter(pk__in=pupils.filter(own).values("pk"))


def contact_guardians(membership: StaffMember) -> QuerySet[Guardian]:
    """Guardians whose contact data the staff member may see (see `contact_students`)."""
    guardians = scoped(membership, Guardian)
    if sees_every_guardian_contact(membership):
        return guardians
    linked = GuardianLink.objects.filter(student__in=contact_students(membership))
    return guardians.filter(pk__in=linked.values("guardian_id"))


def _login_required(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def parent_view(view):
    """A page for a logged-in parent (or anyone logged in) that takes no object."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return _login_required(request) or view(request, *args, **kwargs)

    wrapper.access_rule = "logged-in"
    return wrapper


# Checks that may keep parents from a page about a child: `gate(school, module, at=)`
# returns None, or a decision with `template_name` and `context` for the page shown
# instead; `at` is the moment the page shows (now, or a staff preview's moment).
PARENT_GATES: list[Callable] = []


def register_parent_gate(gate: Callable) -> None:
    """Called from an app's `ready()` (schoolcontrol registers `gates.parent_gate`)."""
    if gate not in PARENT_GATES:
        PARENT_GATES.append(gate)


def child_view(module: str | None = None, landing: bool = False):
    """A parent page about one child: the URL's `student` id becomes a checked Student.

    `module` names the portal module the page belongs to, so that the school's choice
    of open modules and its closed periods are enforced here as well (the registered
    parent gates, see schoolcontrol.gates). A school may switch any module off, so a
    module that is off never strands the parent: the child's `landing` page (where
    every link to a child leads) sends them on to the first module that is open, and
    any other closed page keeps the tabs of the open modules.

    In a staff preview (core.preview) the request's user is the previewed parent and
    the gates decide at the preview's moment.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, student: str, *args, **kwargs):
            denied = _login_required(request)
            if denied:
                return denied
            child = get_visible_student(request.user, student)
            at = moment_of(request)
            branding.remember_school(request, child.school)
            for gate in PARENT_GATES:
                decision = gate(child.school, module, at=at)
                if decision is None:
                    continue
                if landing and getattr(decision, "module_closed", False):
                    # On to the first open module; pages every school has (such as who
                    # looked at the data) are no place to land on.
                    modules = [t for t in child_tabs_for(child.school) if t.module]
                    if modules:
                        return redirect(modules[0].url_name, student=child.public_id)
                response = render(
                    request, decision.template_name, {**decision.context, "student": child}
                )
                # The page itself was not shown (see notifications.middleware).
                response.parent_gate = decision
                return response
            return view(request, child, *args, **kwargs)

        wrapper.access_rule = "child"
        wrapper.portal_module = module
        wrapper.landing = landing
        return wrapper

    return decorate


# Who records staff reads of personal data: `recorder(request, membership, kind, roles,
# url_kwargs)`, called once a page declared with `staff_view(..., reads=kind)` that
# answered 200 has been handed over (the privacy app registers its access log here).
READ_RECORDERS: list[Callable] = []


def register_read_recorder(recorder: Callable) -> None:
    if recorder not in READ_RECORDERS:
        READ_RECORDERS.append(recorder)


def _record_read(request, membership, kind, roles, url_kwargs) -> None:
    """Never lets the page fail: a recorder's error is logged, not raised."""
    for recorder in READ_RECORDERS:
        try:
            recorder(request, membership, kind, roles, url_kwargs)
        except Exception:
            logger.exception("A staff read (%s) could not be recorded.", kind)


def _record_read_after_response(response, request, membership, kind, roles, url_kwargs):
    """Record the read when the response is closed: the WSGI server (and the test client)
    does that after the whole body was sent, so the client does not wait for it. The
    recorders run before Django's own close, which ends the request (and may close the
    database connection)."""
    close = response.close

    def record_then_close():
        _record_read(request, membership, kind, roles, url_kwargs)
        close()

    response.close = record_then_close


ROLE_FIELDS = {
    "administration": "is_administration",
    "teacher": "is_teacher",
    "portal_manager": "is_portal_manager",
}


def staff_view(*roles: str, reads: str | None = None):
    """A back-office page: the URL's `school` slug becomes the user's StaffMember there.

    With roles given, the member needs at least one of them; without, any staff role.
    Other schools' staff and parents get 404.

    `reads` names the kind of personal data the page shows (a pupil's personal data,
    results, a guardian's contact data, ...): every answer 200 is then recorded in the
    access log that parents can see (see READ_RECORDERS), with the pupils named by the
    URL's arguments, once the response has been handed over.
    """
    unknown = set(roles) - ROLE_FIELDS.keys()
    if unknown:
        raise ValueError(f"Unknown staff roles: {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        def wrapper(request, school: str, *args, **kwargs):
            denied = _login_required(request)
            if denied:
                return denied
            membership = staff_membership(request.user, school)
            if roles and not any(getattr(membership, ROLE_FIELDS[r]) for r in roles):
                raise Http404
            request.school = membership.school
            response = view(request, membership, *args, **kwargs)
            if reads is not None and response.status_code == 200:
                _record_read_after_response(response, request, membership, reads, roles, kwargs)
            return response

        wrapper.access_rule = "staff"
        wrapper.staff_roles = roles
        wrapper.staff_reads = reads
        return wrapper

    return decorate


def public_view(view):
    """A page anyone may open, logged in or not (login, help, health)."""
    view.access_rule = "public"
    return view


def schools_for_user(user) -> QuerySet[School]:
    return School.objects.filter(staff__in=active_memberships(user)).distinct()
