"""Back office for the portal manager: accounts for guardians, account mail, progress."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ouderportaal.accounts import recovery, services, throttle
from ouderportaal.accounts.forms import LinkValidityForm
from ouderportaal.accounts.models import (
    AccountMailBatch,
    AccountMailItem,
    GuardianAccountMail,
    SchoolAccountSettings,
    email_key,
)
from ouderportaal.core.access import staff_view
from ouderportaal.core.models import Group, Guardian, GuardianLink, Student
from ouderportaal.core.scoping import get_or_create_scoped, get_scoped_or_404, scoped

ROLES = ("portal_manager",)


def _context(membership, **extra):
    return {"membership": membership, "section": "accounts", **extra}


def _settings_of(membership):
    return get_or_create_scoped(membership, SchoolAccountSettings)


@staff_view(*ROLES, reads="guardian")
def overview(request, membership):
    school = membership.school
    guardians = services.annotate_eligibility(scoped(membership, Guardian))
    figures = guardians.aggregate(
        all=Count("pk"),
        eligible=Count("pk", filter=Q(has_gezag=True) & ~Q(email="")),
        no_email=Count("pk", filter=Q(has_gezag=True, email="")),
        no_gezag=Count("pk", filter=Q(has_gezag=False)),
    )
    eligible = services.eligible_guardians(school)
    figures["with_account"] = eligible.filter(user__isnull=False).count()
    figures["waiting"] = (
        eligible.filter(services.NOT_RECEIVED)
        .exclude(services.ACTIVE)
        .exclude(pk__in=services.busy_guardian_ids())
        .count()
    )
    figures["refused"] = eligible.filter(account_mail__accepted=False).count()
    year = school.current_school_year()
    groups = school.groups.filter(school_year=year).order_by("name") if year else []
    batches = scoped(membership, AccountMailBatch)[:10]
    account_ids = (
        scoped(membership, Guardian).filter(user__isnull=False).values_list("user_id", flat=True)
    )
    locked = (
        scoped(membership, Guardian)
        .filter(user_id__in=throttle.locked_user_ids(account_ids))
        .select_related("user")
        .order_by("achternaam", "roepnaam", "pk")
    )
    return render(
        request,
        "accountadmin/overview.html",
        _context(
            membership,
            figures=figures,
            groups=groups,
            batches=[(batch, services.batch_progress(batch)) for batch in batches],
            locked=locked,
            settings_form=LinkValidityForm(instance=_settings_of(membership)),
        ),
    )


@staff_view(*ROLES, reads="guardian")
def group_guardians(request, membership, group):
    group = get_scoped_or_404(membership, Group, pk=group)
    pupils = scoped(membership, Student).enrolled().filter(group=group)
    guardians = (
        services.annotate_eligibility(
            scoped(membership, Guardian).filter(links__student__in=pupils)
        )
        .distinct()
        .select_related("user", "account_mail")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=scoped(membership, GuardianLink)
                .filter(student__in=pupils)
                .select_related("student"),
                to_attr="group_links",
            )
        )
        .order_by("achternaam", "roepnaam", "pk")
    )
    rows = [(guardian, services.why_no_account(guardian)) for guardian in guardians]
    return render(
        request,
        "accountadmin/group.html",
        _context(membership, group=group, rows=rows),
    )


@staff_view(*ROLES, reads="guardian")
def guardian_detail(request, membership, guardian):
    school = membership.school
    guardian = get_object_or_404(
        services.annotate_eligibility(scoped(membership, Guardian)).select_related("user"),
        pk=guardian,
    )
    reason = services.why_no_account(guardian)
    if request.method == "POST":
        if reason is not None:
            messages.error(request, reason)
            return redirect("accountadmin:guardian", school=school.slug, guardian=guardian.pk)
        if (
            scoped(membership, AccountMailItem)
            .filter(guardian=guardian, state=AccountMailItem.State.QUEUED)
            .exists()
        ):
            messages.info(request, _("An account mail for this guardian is already waiting."))
            return redirect("accountadmin:guardian", school=school.slug, guardian=guardian.pk)
        batch = services.start_batch(
            school=school,
            guardians=[guardian],
            scope=AccountMailBatch.Scope.GUARDIAN,
            label=guardian.full_name,
            actor=request.user,
            base_url=request.build_absolute_uri("/"),
            only_new=False,
        )
        if recovery.differs_from_school(guardian):
            # The account's own address belongs to the parent (perhaps via another school).
            messages.success(
                request,
                _(
                    "New account information is on its way to the address the account uses. "
                    "Older links no longer work."
                ),
            )
        else:
            messages.success(
                request,
                _("New account information is on its way to %(email)s. Older links no longer work.")
                % {"email": guardian.email},
            )
        return redirect("accountadmin:batch", school=school.slug, batch=batch.pk)
    links = guardian.links.select_related("student", "student__group").order_by(
        "student__achternaam", "student__roepnaam"
    )
    items = (
        scoped(membership, AccountMailItem)
        .filter(guardian=guardian)
        .select_related("batch")
        .order_by("-batch__created_at", "-pk")[:20]
    )
    record = scoped(membership, GuardianAccountMail).filter(guardian=guardian).first()
    pending = None
    if guardian.user is not None:
        # Only a confirmation this school's data started; never another school's.
        pending = (
            recovery.pending_change(guardian.user)
            if recovery.differs_from_school(guardian)
            else None
        )
        if pending is not None and (
            pending.school_id != school.pk
            or email_key(pending.new_email) != email_key(guardian.email)
        ):
            pending = None
    lock = throttle.account_lock(guardian.user) if guardian.user else None
    return render(
        request,
        "accountadmin/guardian.html",
        _context(
            membership,
            guardian=guardian,
            reason=reason,
            links=links,
            items=items,
            record=record,
            address_differs=recovery.differs_from_school(guardian),
            pending=pending,
            lock=lock,
            lock_events=throttle.lock_history(guardian.user) if guardian.user else [],
        ),
    )


@staff_view(*ROLES)
@require_POST
def lift_lock(request, membership, guardian):
    """Lift the login lock of a parent of this school (their account only)."""
    school = membership.school
    guardian = get_object_or_404(
        scoped(membership, Guardian).filter(user__isnull=False).select_related("user"),
        pk=guardian,
    )
    with transaction.atomic():
        throttle.lift(guardian.user, actor=request.user, school=school)
    messages.success(
        request,
        _("%(name)s can log in again right away, also on a new device.")
        % {"name": guardian.full_name},
    )
    return redirect("accountadmin:guardian", school=school.slug, guardian=guardian.pk)


@staff_view(*ROLES)
@require_POST
def send(request, membership):
    """A bulk send: first a confirmation page with the counts, then (`confirm`) the send."""
    school = membership.school
    scope = request.POST.get("scope")
    base_url = request.build_absolute_uri("/")
    group = None
    if scope == "group":
        group = get_scoped_or_404(membership, Group, pk=request.POST.get("group") or 0)
        pupils = scoped(membership, Student).enrolled().filter(group=group)
        guardians = scoped(membership, Guardian).filter(links__student__in=pupils).values("pk")
        label = group.name
        batch_scope = AccountMailBatch.Scope.GROUP
    elif scope == "school":
        guardians = scoped(membership, Guardian).values("pk")
        label = school.name
        batch_scope = AccountMailBatch.Scope.SCHOOL
    else:
        raise Http404
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "accountadmin/confirm_send.html",
            _context(
                membership,
                scope=scope,
                group=group,
                preview=services.send_preview(school, guardians),
            ),
        )
    batch = services.start_batch(
        school=school,
        guardians=guardians,
        scope=batch_scope,
        label=label,
        actor=request.user,
        base_url=base_url,
    )
    if batch.total == 0:
        messages.info(
            request,
            _(
                "Nobody to send to: every guardian with gezag and an e-mail address already "
                "received account mail."
            ),
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d account mail is being sent.",
                "%(count)d account mails are being sent.",
                batch.total,
            )
            % {"count": batch.total},
        )
    return redirect("accountadmin:batch", school=school.slug, batch=batch.pk)


@staff_view(*ROLES, reads="guardian")
def batch_detail(request, membership, batch):
    batch = get_scoped_or_404(membership, AccountMailBatch, pk=batch)
    progress = services.batch_progress(batch)
    problems = (
        batch.items.filter(
            state__in=[
                AccountMailItem.State.REFUSED,
                AccountMailItem.State.FAILED,
                AccountMailItem.State.SKIPPED,
            ]
        )
        .select_related("guardian")
        .order_by("guardian__achternaam")[:100]
    )
    interrupted = (
        services.interrupted_items(batch)
        .select_related("guardian")
        .order_by("guardian__achternaam")[:100]
        if progress["interrupted"]
        else []
    )
    return render(
        request,
        "accountadmin/batch.html",
        _context(
            membership,
            batch=batch,
            progress=progress,
            problems=problems,
            interrupted=interrupted,
        ),
    )


@staff_view(*ROLES)
@require_POST
def school_settings(request, membership):
    form = LinkValidityForm(request.POST, instance=_settings_of(membership))
    if form.is_valid():
        services.save_link_validity(form.save(commit=False), actor=request.user)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a number of days from 1 to 60."))
    return redirect("accountadmin:overview", school=membership.school.slug)
