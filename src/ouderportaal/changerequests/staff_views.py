"""The administration's side: the queue, deciding, closed days and settings."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.changerequests import closures, services, workdays
from ouderportaal.changerequests.forms import (
    ClosureDayForm,
    ClosureRemoveForm,
    DecisionForm,
    SettingsForm,
)
from ouderportaal.changerequests.models import (
    OPEN_STATUSES,
    ChangeRequest,
    ClosureDay,
    RequestSettings,
)
from ouderportaal.core.access import staff_view
from ouderportaal.core.scoping import scoped

PAGE_SIZE = 50


def _rows(change_request, values, conflicting):
    return [
        {
            "item": item,
            "label": item.label,
            "old": item.old_value,
            "current": values[item.field],
            "new": item.new_value,
            "conflict": item.field in conflicting,
        }
        for item in change_request.items.all()
    ]


@staff_view("administration", reads="change_request")
def queue(request, membership):
    show_done = request.GET.get("toon") == "afgehandeld"
    base = scoped(membership, ChangeRequest).select_related("student", "guardian", "submitted_by")
    if show_done:
        queryset = base.exclude(status__in=OPEN_STATUSES).order_by("-decided_at", "-pk")
    else:
        queryset = base.filter(status__in=OPEN_STATUSES).order_by("created_at", "pk")
    page = Paginator(queryset.prefetch_related("items"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for change_request in page:
        values = services.current_values(change_request)
        conflicting = (
            services.conflicts(change_request, values) if change_request.is_open else set()
        )
        rows.append(
            {
                "request": change_request,
                "changes": _rows(change_request, values, conflicting),
                "has_conflict": bool(conflicting),
            }
        )
    today = timezone.localdate()
    return render(
        request,
        "changerequests/staff/queue.html",
        {
            "membership": membership,
            "section": "change_requests",
            "page": page,
            "rows": rows,
            "show_done": show_done,
            "today": today,
            "open_count": scoped(membership, ChangeRequest).open().count(),
            "overdue_count": scoped(membership, ChangeRequest).overdue(today).count(),
        },
    )


@staff_view("administration", reads="change_request")
def detail(request, membership, request_id: int):
    school = membership.school
    change_request = (
        scoped(membership, ChangeRequest)
        .filter(pk=request_id)
        .select_related("student", "guardian", "submitted_by", "handled_by")
        .prefetch_related("items")
        .first()
    )
    if change_request is None:
        raise Http404
    fields = [item.field for item in change_request.items.all()]
    form = None
    error = None
    if request.method == "POST" and not change_request.is_open:
        error = _("This request was already handled by someone else; nothing was changed.")
    if request.method == "POST" and change_request.is_open:
        if request.POST.get("action") == "start":
            try:
                services.start_processing(
                    request_id=change_request.pk, school=school, actor=request.user
                )
                messages.success(request, _("You are now processing this request."))
            except services.RequestError as problem:
                messages.error(request, str(problem))
            return redirect(
                "requestsadmin:detail", school=school.slug, request_id=change_request.pk
            )
        form = DecisionForm(request.POST, fields=fields)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = services.decide(
                    request_id=change_request.pk,
                    school=school,
                    actor=request.user,
                    accept=set(data["accept"]),
                    overwrite=set(data["overwrite"]),
                    reason=data["reason"],
                    token=data["token"],
                )
            except services.RequestError as problem:
                error = str(problem)
            else:
                messages.success(
                    request,
                    _("The request has been handled: %(status)s.")
                    % {"status": decided.get_status_display()},
                )
                return redirect("requestsadmin:queue", school=school.slug)
        # Reload: someone else may have handled or changed it meanwhile.
        change_request = (
            scoped(membership, ChangeRequest)
            .select_related("student", "guardian", "submitted_by", "handled_by")
            .prefetch_related("items")
            .get(pk=change_request.pk)
        )
    values = services.current_values(change_request)
    conflicting = services.conflicts(change_request, values) if change_request.is_open else set()
    token = services.values_token(values)
    if form is None:
        form = DecisionForm(
            initial={"token": token, "accept": sorted(set(fields) - conflicting)}, fields=fields
        )
    if form.is_bound:
        checked = set(request.POST.getlist("accept"))
        overwrite = set(request.POST.getlist("overwrite"))
    else:
        checked = set(fields) - conflicting
        overwrite = set()
    return render(
        request,
        "changerequests/staff/detail.html",
        {
            "membership": membership,
            "section": "change_requests",
            "change_request": change_request,
            "changes": _rows(change_request, values, conflicting),
            "has_conflict": bool(conflicting),
            "form": form,
            "token": token,
            "checked": checked,
            "overwrite": overwrite,
            "error": error,
            "today": timezone.localdate(),
        },
    )


def _closure_ranges(days):
    """Closed days with the same reason and only weekends or holidays between them,
    shown as one line."""
    ranges: list[dict] = []
    for day in days:
        last = ranges[-1] if ranges else None
        if (
            last is not None
            and (last["reason"], last["source"]) == (day.reason, day.source)
            and workdays.working_days_between(last["last"], day.date - timedelta(days=1)) == 0
        ):
            last["last"] = day.date
            last["count"] += 1
        else:
            ranges.append(
                {
                    "reason": day.reason,
                    "source": day.source,
                    "source_label": day.get_source_display(),
                    "first": day.date,
                    "last": day.date,
                    "count": 1,
                }
            )
    return ranges


@staff_view("administration", "portal_manager")
def closure_days(request, membership):
    school = membership.school
    today = timezone.localdate()
    form = ClosureDayForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            form = ClosureDayForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                added = closures.add_closure_days(
                    school,
                    first=data["first_day"],
                    last=data["last_day"],
                    reason=data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("%(count)d closed days saved.") % {"count": added})
                return redirect("requestsadmin:closure_days", school=school.slug)
        elif action == "remove":
            remove = ClosureRemoveForm(request.POST)
            if remove.is_valid():
                deleted = closures.remove_closure_days(
                    school,
                    first=remove.cleaned_data["first_day"],
                    last=remove.cleaned_data["last_day"],
                    actor=request.user,
                )
                messages.success(request, _("%(count)d closed days removed.") % {"count": deleted})
                return redirect("requestsadmin:closure_days", school=school.slug)
        elif action == "import":
            added = closures.import_school_holidays(school, today, actor=request.user)
            messages.success(
                request,
                _("%(count)d days of the school holidays of region %(region)s added.")
                % {"count": added, "region": school.get_holiday_region_display()},
            )
            return redirect("requestsadmin:closure_days", school=school.slug)
    days = scoped(membership, ClosureDay).filter(date__gte=today - timedelta(days=31))
    return render(
        request,
        "changerequests/staff/closure_days.html",
        {
            "membership": membership,
            "section": "closure_days",
            "form": form,
            "ranges": _closure_ranges(days.order_by("date")),
        },
    )


@staff_view("administration", "portal_manager")
def request_settings(request, membership):
    school = membership.school
    current = scoped(membership, RequestSettings).first() or RequestSettings(school=school)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_settings(form.save(commit=False), actor=request.user)
        messages.success(request, _("The settings have been saved."))
        return redirect("requestsadmin:settings", school=school.slug)
    return render(
        request,
        "changerequests/staff/settings.html",
        {
            "membership": membership,
            "section": "change_requests",
            "form": form,
            "portal_email": school.portal_email,
        },
    )
