"""Parent pages: propose a change, follow and withdraw requests."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from ouderportaal.changerequests import services, workdays
from ouderportaal.changerequests.fields import GUARDIAN_FIELDS, STUDENT_FIELDS
from ouderportaal.changerequests.forms import ProposeForm
from ouderportaal.changerequests.models import ChangeRequest, RequestSettings
from ouderportaal.core import submissions
from ouderportaal.core.access import child_view, parent_view
from ouderportaal.core.models import Guardian
from ouderportaal.schoolcontrol.gates import closed_for_parents

MODULE = "change_requests"


def _own_record(user, student) -> Guardian | None:
    return Guardian.objects.filter(user=user, school=student.school).order_by("pk").first()


def _student_fields(student) -> dict:
    allowed = RequestSettings.for_school(student.school).allowed_student_fields
    return {name: STUDENT_FIELDS[name] for name in allowed}


@child_view(module=MODULE)
def child_requests(request, student):
    """The tab: what can be changed, and this parent's requests about this child."""
    requests = (
        ChangeRequest.objects.filter(student=student, submitted_by=request.user)
        .select_related("student", "school", "guardian")
        .prefetch_related("items")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "changerequests/child_requests.html",
        {
            "student": student,
            "child_tab": "change_requests",
            "requests": requests,
            "term_days": workdays.REQUEST_TERM_DAYS,
        },
    )


def _propose(request, student, *, target, fields, guardian, template_title):
    limit = services.requests_per_day()
    over_limit = services.submitted_today(request.user) >= limit
    form = ProposeForm(request.POST or None, target=target, fields=fields)
    if request.method == "POST" and not over_limit and form.is_valid():
        result_url = reverse("changerequests:child_requests", args=[student.public_id])
        with transaction.atomic():
            submissions.claim(request, result_url)
            created = services.submit(
                user=request.user,
                student=student,
                guardian=guardian,
                changes=form.cleaned_data["changes"],
                note=form.cleaned_data["note"],
            )
        messages.success(
            request,
            _(
                "Your request has been sent. The administration processes it within "
                "%(days)d working days, at the latest on %(date)s. Until then you see the "
                "data as the school knows them now."
            )
            % {
                "days": workdays.REQUEST_TERM_DAYS,
                "date": formats.date_format(created.due_on, "l j F Y"),
            },
        )
        return redirect(result_url)
    return render(
        request,
        "changerequests/propose.html",
        {
            "student": student,
            "child_tab": "change_requests",
            "form": form,
            "title": template_title,
            "over_limit": over_limit,
            "limit": limit,
            "about_own": guardian is not None,
            "term_days": workdays.REQUEST_TERM_DAYS,
        },
    )


@child_view(module=MODULE)
@submissions.once
def propose_child(request, student):
    fields = _student_fields(student)
    if not fields:
        raise Http404
    return _propose(
        request,
        student,
        target=student,
        fields=fields,
        guardian=None,
        template_title=_("Change %(name)s's data") % {"name": student.roepnaam},
    )


@child_view(module=MODULE)
@submissions.once
def propose_own(request, student):
    guardian = _own_record(request.user, student)
    if guardian is None:
        raise Http404
    return _propose(
        request,
        student,
        target=guardian,
        fields=GUARDIAN_FIELDS,
        guardian=guardian,
        template_title=_("Change your own contact data"),
    )


@child_view(module=MODULE)
def withdraw(request, student, request_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.withdraw(user=request.user, request_id=request_id, student=student)
    except ChangeRequest.DoesNotExist as missing:
        raise Http404 from missing
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("changerequests:child_requests", student=student.public_id)


@parent_view
def my_requests(request):
    """Every request the logged-in parent has made, newest first."""
    requests = list(
        ChangeRequest.objects.filter(submitted_by=request.user)
        .select_related("student", "school", "guardian")
        .prefetch_related("items")
        .order_by("-created_at", "-pk")[:200]
    )
    # A school that has closed this module (or the portal) shows nothing of it.
    schools = {r.school_id: r.school for r in requests}
    closed = [s for s in schools.values() if closed_for_parents(s, "change_requests")]
    closed_ids = {s.pk for s in closed}
    return render(
        request,
        "changerequests/my_requests.html",
        {
            "requests": [r for r in requests if r.school_id not in closed_ids],
            "closed_schools": closed,
        },
    )
