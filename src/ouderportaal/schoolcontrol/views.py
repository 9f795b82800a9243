"""Back-office pages where the school controls the parent portal."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import Resolver404, get_script_prefix, resolve, reverse, set_script_prefix
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core.access import staff_view, visible_students
from ouderportaal.core.audit import record
from ouderportaal.core.branding import DEFAULT_ACCENT, LOGO_MAX_MB, accent_of
from ouderportaal.core.models import (
    AuditEvent,
    Custody,
    Group,
    Guardian,
    GuardianLink,
    SchoolBranding,
    StaffMember,
    Student,
)
from ouderportaal.core.preview import ParentPreview, refuse_writes
from ouderportaal.core.scoping import get_scoped_or_404, scoped
from ouderportaal.core.uploads import accepts_uploads
from ouderportaal.schoolcontrol import rules, services
from ouderportaal.schoolcontrol.forms import (
    DATETIME_FORMAT,
    BrandingForm,
    ClosedPeriodForm,
    GuardianSearchForm,
    ModulesForm,
    PreviewForm,
    PreviewPupilForm,
    ReleaseChangeForm,
    ReleaseForm,
)
from ouderportaal.schoolcontrol.gates import visible_modules
from ouderportaal.schoolcontrol.models import ClosedPeriod, Release
from ouderportaal.schoolcontrol.modules import ALL_MODULES, MODULE_LABELS

AUDIT_PAGE_SIZE = 50
PREVIEW_PAGE_SIZE = 25
ADOPTION_PAGE_SIZE = 50
RECENT_DAYS = 30


def _context(membership, section, **extra):
    return {"membership": membership, "section": section, "school": membership.school, **extra}


def _get_period(membership, pk) -> ClosedPeriod:
    return get_scoped_or_404(membership, ClosedPeriod, pk=pk)


def _get_release(membership, pk) -> Release:
    return get_scoped_or_404(membership, Release, pk=pk)


# -- Modules ------------------------------------------------------------------------


@staff_view("portal_manager")
def modules(request, membership):
    school = membership.school
    open_now = visible_modules(school)
    form = ModulesForm(request.POST or None, open_modules=open_now)
    if request.method == "POST" and form.is_valid():
        changed = services.set_open_modules(school, form.open_modules(), actor=request.user)
        if changed:
            messages.success(request, _("The modules have been saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("schoolcontrol:modules", school=school.slug)
    now = timezone.now()
    active = list(scoped(membership, ClosedPeriod).filter(ends_at__gt=now))
    return render(
        request,
        "schoolcontrol/modules.html",
        _context(
            membership,
            "schoolcontrol",
            form=form,
            running=[p for p in active if p.starts_at <= now],
            upcoming=[p for p in active if p.starts_at > now],
            subsection="modules",
        ),
    )


# -- Closed periods -----------------------------------------------------------------


@staff_view("portal_manager")
def periods(request, membership):
    school = membership.school
    form = ClosedPeriodForm(
        request.POST or None, instance=ClosedPeriod(school=school), prefix="new"
    )
    if request.method == "POST" and form.is_valid():
        services.save_period(form.save(commit=False), actor=request.user, old=None)
        messages.success(request, _("The closed period has been scheduled."))
        return redirect("schoolcontrol:periods", school=school.slug)
    now = timezone.now()
    all_periods = list(scoped(membership, ClosedPeriod).order_by("-starts_at"))
    return render(
        request,
        "schoolcontrol/periods.html",
        _context(
            membership,
            "schoolcontrol",
            form=form,
            current=[p for p in all_periods if p.ends_at > now],
            past=[p for p in all_periods if p.ends_at <= now][:20],
            now=now,
            subsection="periods",
        ),
    )


@staff_view("portal_manager")
def period_edit(request, membership, period):
    item = _get_period(membership, period)
    old = item.as_audit()
    form = ClosedPeriodForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.save_period(form.save(commit=False), actor=request.user, old=old)
        messages.success(request, _("The closed period has been changed."))
        return redirect("schoolcontrol:periods", school=membership.school.slug)
    return render(
        request,
        "schoolcontrol/period_edit.html",
        _context(membership, "schoolcontrol", form=form, period=item, subsection="periods"),
    )


@staff_view("portal_manager")
def period_open(request, membership, period):
    item = _get_period(membership, period)
    now = timezone.now()
    if item.ends_at <= now:
        messages.info(request, _("This period has already ended."))
        return redirect("schoolcontrol:periods", school=membership.school.slug)
    if request.method == "POST":
        services.open_period_now(item, actor=request.user, at=now)
        messages.success(request, _("The portal is open again for parents."))
        return redirect("schoolcontrol:periods", school=membership.school.slug)
    return render(
        request,
        "schoolcontrol/period_confirm.html",
        _context(
            membership, "schoolcontrol", period=item, action="open", subsection="periods", now=now
        ),
    )


@staff_view("portal_manager")
def period_delete(request, membership, period):
    item = _get_period(membership, period)
    if request.method == "POST":
        services.delete_period(item, actor=request.user)
        messages.success(request, _("The closed period has been removed."))
        return redirect("schoolcontrol:periods", school=membership.school.slug)
    return render(
        request,
        "schoolcontrol/period_confirm.html",
        _context(membership, "schoolcontrol", period=item, action="delete", subsection="periods"),
    )


# -- Releases -----------------------------------------------------------------------


@staff_view("portal_manager")
def releases(request, membership):
    school = membership.school
    form = ReleaseForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        groups = list(data["groups"]) or [None]
        for group in groups:
            services.save_release(
                Release(
                    school=school,
                    school_year=data["school_year"],
                    moment=data["moment"],
                    group=group,
                    release_at=data["release_at"],
                    announce=data["announce"],
                ),
                actor=request.user,
                old=None,
            )
        messages.success(request, _("The release has been scheduled."))
        return redirect("schoolcontrol:releases", school=school.slug)
    now = timezone.now()
    items = list(
        scoped(membership, Release)
        .select_related("school_year", "group")
        .order_by("-school_year__start_date", "moment", "group__name")
    )
    # Per-group moments: list the groups of that year that have no date (they stay hidden).
    per_group = {(r.school_year_id, r.moment) for r in items if r.group_id is not None} - {
        (r.school_year_id, r.moment) for r in items if r.group_id is None
    }
    missing = []
    if per_group:
        years = {year for year, _moment in per_group}
        groups = list(
            scoped(membership, Group).filter(school_year_id__in=years, kind="stam").order_by("name")
        )
        for year_id, moment in sorted(per_group):
            dated = {r.group_id for r in items if (r.school_year_id, r.moment) == (year_id, moment)}
            names = [g.name for g in groups if g.school_year_id == year_id and g.pk not in dated]
            if names:
                label = next(r for r in items if r.school_year_id == year_id).school_year.label
                missing.append({"year": label, "moment": moment, "groups": names})
    return render(
        request,
        "schoolcontrol/releases.html",
        _context(
            membership,
            "schoolcontrol",
            form=form,
            items=items,
            missing=missing,
            now=now,
            subsection="releases",
        ),
    )


@staff_view("portal_manager")
def release_edit(request, membership, release):
    item = _get_release(membership, release)
    old = item.as_audit()
    form = ReleaseChangeForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.save_release(form.save(commit=False), actor=request.user, old=old)
        messages.success(request, _("The release has been changed."))
        return redirect("schoolcontrol:releases", school=membership.school.slug)
    return render(
        request,
        "schoolcontrol/release_edit.html",
        _context(membership, "schoolcontrol", form=form, release=item, subsection="releases"),
    )


@staff_view("portal_manager")
def release_delete(request, membership, release):
    item = _get_release(membership, release)
    if request.method == "POST":
        services.delete_release(item, actor=request.user)
        messages.success(request, _("The release has been removed."))
        return redirect("schoolcontrol:releases", school=membership.school.slug)
    return render(
        request,
        "schoolcontrol/release_delete.html",
        _context(membership, "schoolcontrol", release=item, subsection="releases"),
    )


# -- Audit trail --------------------------------------------------------------------


@staff_view("portal_manager", reads="pupil_list")
def audit(request, membership):
    events = (
        scoped(membership, AuditEvent)
        .filter(action__startswith="schoolcontrol.")
        .select_related("actor")
        .order_by("-at", "-id")
    )
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "schoolcontrol/audit.html",
        _context(membership, "schoolcontrol", page=page, subsection="audit"),
    )


# -- Adoption -----------------------------------------------------------------------


def _activated_q(prefix: str) -> Q:
    """An account that is in use: a password was set, or it has logged in."""
    user = f"{prefix}user"
    return Q(**{f"{user}__isnull": False}) & (
        (~Q(**{f"{user}__password__startswith": "!"}) & ~Q(**{f"{user}__password": ""}))
        | Q(**{f"{user}__last_login__isnull": False})
    )


def _adoption_counts(prefix: str, since) -> dict:
    user = f"{prefix}user"
    key = f"{prefix}pk" if prefix else "pk"
    return {
        "total": Count(key, distinct=True),
        "accounts": Count(key, distinct=True, filter=Q(**{f"{user}__isnull": False})),
        "activated": Count(key, distinct=True, filter=_activated_q(prefix)),
        "recent": Count(key, distinct=True, filter=Q(**{f"{user}__last_login__gte": since})),
        "never": Count(
            key,
            distinct=True,
            filter=Q(**{f"{user}__isnull": False, f"{user}__last_login__isnull": True}),
        ),
    }


ADOPTION_STATES = {
    "not_in": Q(user__isnull=True) | ~_activated_q(""),
    "no_account": Q(user__isnull=True),
    "not_activated": Q(user__isnull=False) & ~_activated_q(""),
    "never": Q(user__isnull=False, user__last_login__isnull=True),
}


@staff_view("portal_manager")
@accepts_uploads(LOGO_MAX_MB)
def branding(request, membership):
    """The school's look: accent colour and logo."""
    school = membership.school
    look = scoped(membership, SchoolBranding).first()
    initial = {"accent_colour": look.accent_colour if look else ""}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.save_branding(
            membership,
            accent_colour=form.cleaned_data["accent_colour"],
            logo=form.cleaned_data["logo"],
            remove_logo=form.cleaned_data["remove_logo"],
            actor=request.user,
        )
        if saved:
            messages.success(request, _("The school's look has been saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("schoolcontrol:branding", school=school.slug)
    return render(
        request,
        "schoolcontrol/branding.html",
        _context(
            membership,
            "schoolcontrol",
            subsection="branding",
            form=form,
            look=look,
            accent=accent_of(school),
            default_accent=DEFAULT_ACCENT,
        ),
    )


@staff_view("portal_manager", "administration")
def adoption(request, membership):
    school = membership.school
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    enrolled = scoped(membership, Student).enrolled()
    gezag_links = scoped(membership, GuardianLink).filter(
        custody=Custody.GEZAG, student__in=enrolled.values("pk")
    )
    guardians = scoped(membership, Guardian).filter(pk__in=gezag_links.values("guardian_id"))
    totals = guardians.aggregate(**_adoption_counts("", since))
    per_group = {
        row["student__group_id"]: row
        for row in gezag_links.values("student__group_id").annotate(
            **_adoption_counts("guardian__", since)
        )
    }
    year = school.current_school_year()
    groups = list(
        scoped(membership, Group).filter(school_year=year).order_by("name") if year else []
    )
    empty = dict.fromkeys(("total", "accounts", "activated", "recent", "never"), 0)
    group_rows = [{"group": group, **per_group.pop(group.pk, empty)} for group in groups]
    for group_id, row in per_group.items():
        # Pupils in a group of another year, or without a group.
        group_rows.append({"group": None, "group_id": group_id, **row})
    # Who is not in yet: a list per group and state, for the school to help.
    group_filter = request.GET.get("group", "")
    state = request.GET.get("state", "not_in")
    if state not in ADOPTION_STATES:
        state = "not_in"
    missing = guardians.filter(ADOPTION_STATES[state])
    if group_filter.isdigit():
        missing = missing.filter(
            pk__in=gezag_links.filter(student__group_id=int(group_filter)).values("guardian_id")
        )
    missing = missing.select_related("user").prefetch_related(
        Prefetch(
            "links",
            queryset=scoped(membership, GuardianLink)
            .filter(custody=Custody.GEZAG, student__in=enrolled.values("pk"))
            .select_related("student", "student__group"),
            to_attr="gezag_links",
        )
    )
    page = Paginator(missing.order_by("achternaam", "roepnaam", "pk"), ADOPTION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schoolcontrol/adoption.html",
        _context(
            membership,
            "adoption",
            totals=totals,
            group_rows=group_rows,
            groups=groups,
            group_filter=group_filter,
            state=state,
            states=[
                ("not_in", _("not in yet (no account, or not activated)")),
                ("not_activated", _("account not activated")),
                ("never", _("never logged in")),
                ("no_account", _("no account yet")),
            ],
            page=page,
            query_string=query.urlencode(),
            recent_days=RECENT_DAYS,
        ),
    )


# -- Preview as parent --------------------------------------------------------------


def _preview_guardians(membership):
    enrolled = scoped(membership, Student).enrolled()
    linked = scoped(membership, GuardianLink).filter(
        custody=Custody.GEZAG, student__in=enrolled.values("pk")
    )
    return scoped(membership, Guardian).filter(
        user__isnull=False, pk__in=linked.values("guardian_id")
    )


@staff_view("portal_manager", "administration", reads="pupil_list")
def preview(request, membership):
    form = GuardianSearchForm(request.GET or None)
    guardians = _preview_guardians(membership)
    if form.is_valid():
        for word in form.cleaned_data["q"].split():
            guardians = guardians.filter(
                Q(roepnaam__icontains=word)
                | Q(achternaam__icontains=word)
                | Q(links__student__roepnaam__icontains=word)
                | Q(links__student__achternaam__icontains=word)
            )
    guardians = guardians.distinct().prefetch_related(
        Prefetch(
            "links",
            queryset=GuardianLink.objects.filter(custody=Custody.GEZAG).select_related("student"),
            to_attr="gezag_links",
        )
    )
    page = Paginator(
        guardians.order_by("achternaam", "roepnaam", "pk"), PREVIEW_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # A moment chosen elsewhere (a release's "view as parent") goes on to the parent.
    moment = PreviewForm(request.GET)
    at = moment.cleaned_data["at"] if moment.is_valid() else None
    return render(
        request,
        "schoolcontrol/preview_choose.html",
        _context(
            membership,
            "preview",
            form=form,
            page=page,
            query_string=query.urlencode(),
            at=at,
            at_query=urlencode({"at": timezone.localtime(at).strftime(DATETIME_FORMAT)})
            if at
            else "",
        ),
    )


def _results_for(child, at, open_modules, periods):
    """The results a parent would see, through the same door the parent pages use."""
    try:
        from ouderportaal.results import visibility
    except ImportError:  # pragma: no cover - the results app is part of the project
        return {}
    found = {}
    if "method_tests" in open_modules and not rules.is_closed_for("method_tests", at, periods):
        found["method_tests"] = list(
            visibility.visible_method_results(child, at=at)
            .select_related("test")
            .order_by("-taken_on", "pk")
        )
    if "lvs" in open_modules and not rules.is_closed_for("lvs", at, periods):
        found["lvs"] = list(
            visibility.visible_lvs_results(child, at=at).order_by("-taken_on", "subject", "pk")
        )
    return found


@staff_view("portal_manager", "administration", reads="preview")
def preview_parent(request, membership, guardian):
    school = membership.school
    parent = _preview_guardians(membership).filter(pk=guardian).select_related("user").first()
    if parent is None:
        raise Http404
    form = PreviewForm(request.GET or None)
    now = timezone.now()
    at = now
    if form.is_valid() and form.cleaned_data["at"]:
        at = form.cleaned_data["at"]
    open_modules = visible_modules(school)
    periods = list(scoped(membership, ClosedPeriod).filter(ends_at__gt=at, starts_at__lte=at))
    portal_closed = next((p for p in periods if p.whole_portal), None)
    children = list(
        visible_students(parent.user)
        .filter(school=school)
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "group__teachers",
                queryset=StaffMember.objects.select_related("user").order_by("user__last_name"),
            ),
            Prefetch(
                "guardian_links",
                queryset=GuardianLink.objects.select_related("guardian").order_by(
                    "guardian__achternaam", "guardian__roepnaam"
                ),
            ),
        )
        .order_by("roepnaam")
    )
    module_states = []
    for module in ALL_MODULES:
        closing = next((p for p in periods if not p.whole_portal and p.covers(module)), None)
        module_states.append(
            {
                "key": module,
                "label": MODULE_LABELS[module],
                "open": module in open_modules,
                "closed_by": closing,
            }
        )
    cards = []
    if portal_closed is None:
        cards = [
            {
                "child": child,
                "results": _results_for(child, at, open_modules, periods),
                "next_release": rules.next_release(child, at=at),
            }
            for child in children
        ]
    record(
        "schoolcontrol.preview.viewed",
        actor=request.user,
        school=school,
        obj=parent,
        guardian=parent.full_name,
        at=at.isoformat(),
    )
    return render(
        request,
        "schoolcontrol/preview.html",
        _context(
            membership,
            "preview",
            parent=parent,
            form=form,
            at=at,
            is_now=at == now,
            portal_closed=portal_closed,
            module_states=module_states,
            open_modules=open_modules,
            cards=cards,
            children=children,
        ),
    )


# -- Preview as parent: the parent's own pages ----------------------------------------
#
# The pages of one pupil are shown by the parents' own views, as one parent with gezag
# sees them at a chosen moment (core.preview). Every address of the preview starts with
# its root, `.../als-ouder/leerling/<pupil>/<parent>/<moment>/`, which is made the
# script prefix while the parent's view runs: the links that view makes (tabs, the
# landing page's redirect) stay inside the preview.

PREVIEW_NOW = "nu"
PREVIEW_MOMENT_FORMAT = "%Y%m%dT%H%M"
# Parent pages not shown in a preview: who of the staff looked at the child's data is
# for the parents with gezag only.
NOT_PREVIEWED = {"privacy:child_reads"}


def _preview_pupil(membership, student) -> Student:
    pupil = (
        scoped(membership, Student)
        .enrolled()
        .select_related("school", "group")
        .filter(public_id=student)
        .first()
    )
    if pupil is None:
        raise Http404
    return pupil


def _preview_parents_of(membership, pupil):
    """The parents with gezag and a portal account who see this pupil in the portal."""
    linked = scoped(membership, GuardianLink).filter(student=pupil, custody=Custody.GEZAG)
    return (
        _preview_guardians(membership)
        .filter(pk__in=linked.values("guardian_id"))
        .select_related("user")
        .order_by("achternaam", "roepnaam", "pk")
    )


def _moment_token(at) -> str:
    return PREVIEW_NOW if at is None else timezone.localtime(at).strftime(PREVIEW_MOMENT_FORMAT)


def _moment_of_token(token: str):
    """(moment, is_now) from a preview address; 404 for anything else."""
    if token == PREVIEW_NOW:
        return timezone.now(), True
    try:
        at = datetime.strptime(token, PREVIEW_MOMENT_FORMAT).replace(
            tzinfo=timezone.get_current_timezone()
        )
    except ValueError:
        raise Http404 from None
    return at, False


def _preview_root(school, pupil, parent, token) -> str:
    return reverse(
        "schoolcontrol:preview_root",
        kwargs={
            "school": school.slug,
            "student": pupil.public_id,
            "guardian": parent.pk,
            "moment": token,
        },
    )


@staff_view("portal_manager", "administration", reads="preview")
def preview_pupil(request, membership, student):
    """Choose the parent with gezag and the moment; then the pupil's pages are shown."""
    pupil = _preview_pupil(membership, student)
    parents = list(_preview_parents_of(membership, pupil))
    form = PreviewPupilForm(request.GET or None, parents=parents)
    if parents and form.is_valid():
        parent = next(p for p in parents if p.pk == form.cleaned_data["ouder"])
        token = _moment_token(form.cleaned_data["at"])
        return redirect(_preview_root(membership.school, pupil, parent, token))
    return render(
        request,
        "schoolcontrol/preview_pupil.html",
        _context(membership, "preview", student=pupil, parents=parents, form=form),
    )


@contextmanager
def _as_parent(request, user, root, match):
    """Run the parent's view as `user`, with links made under the preview's root."""
    saved = request.user, request.resolver_match, get_script_prefix()
    request.user, request.resolver_match = user, match
    set_script_prefix(root)
    try:
        with refuse_writes():
            yield
    finally:
        request.user, request.resolver_match = saved[:2]
        set_script_prefix(saved[2])


@staff_view("portal_manager", "administration", reads="preview")
def preview_page(request, membership, student, guardian, moment, page=None):
    """One page of the parent portal about the pupil, as the parent sees it at the moment.

    Read only: once the pupil and the parent are checked (404 when not of this school),
    a POST is refused (405) without running the parent's view, and that view runs with
    every write to the database refused (core.preview.refuse_writes).
    """
    pupil = _preview_pupil(membership, student)
    parent = _preview_parents_of(membership, pupil).filter(pk=guardian).first()
    if parent is None:
        raise Http404
    at, is_now = _moment_of_token(moment)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    root = _preview_root(membership.school, pupil, parent, moment)
    change_url = reverse(
        "schoolcontrol:preview_pupil",
        kwargs={"school": membership.school.slug, "student": pupil.public_id},
    )
    query = {"ouder": parent.pk}
    if not is_now:
        query["at"] = timezone.localtime(at).strftime(DATETIME_FORMAT)
    request.preview = ParentPreview(
        at=at,
        is_now=is_now,
        student=pupil,
        guardian=parent,
        back_url=reverse(
            "backoffice:student",
            kwargs={"school": membership.school.slug, "student": pupil.public_id},
        ),
        change_url=f"{change_url}?{urlencode(query)}",
    )
    if page is None:  # the root: on to the pupil's landing page, inside the preview
        with _as_parent(request, parent.user, root, None):
            landing = reverse("portal:general", kwargs={"student": pupil.public_id})
        return redirect(landing)
    try:
        match = resolve("/" + page)
    except Resolver404:
        raise Http404 from None
    if getattr(match.func, "access_rule", None) == "public":
        # The school's style, logo and icons, the glossary, the help pages: the same for
        # everyone, so they are served from their own address.
        query = request.META.get("QUERY_STRING", "")
        return redirect(get_script_prefix() + page + (f"?{query}" if query else ""))
    if (
        getattr(match.func, "access_rule", None) != "child"
        or match.kwargs.get("student") != pupil.public_id
        or match.view_name in NOT_PREVIEWED
    ):
        return render(
            request,
            "schoolcontrol/preview_outside.html",
            _context(membership, "preview", student=pupil),
            status=404,
        )
    with _as_parent(request, parent.user, root, match):
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    if response.status_code == 200:
        # As the summary preview: the parents see the read in the access log (the
        # staff_view's `reads`), so the event names no pupil for their history.
        record(
            "schoolcontrol.preview.viewed",
            actor=request.user,
            school=membership.school,
            obj=parent,
            guardian=parent.full_name,
            pupil=pupil.full_name,
            at=at.isoformat(),
            page=match.view_name,
        )
    return response
