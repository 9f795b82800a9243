"""Parent pages (who looked at my child's data, my data to take away), the public
privacy statement of a school, and the school's privacy settings in the back office."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core import audit, submissions
from ouderportaal.core.access import child_view, parent_view, public_view
from ouderportaal.core.models import School
from ouderportaal.core.queue import enqueue
from ouderportaal.privacy import history
from ouderportaal.privacy.models import DataExport, PrivacySettings
from ouderportaal.privacy.tasks import prepare_export

PAGE_SIZE = 50
EXPORT_LINK_SALT = "ouderportaal.privacy.export"


@child_view()
def child_reads(request, student):
    """Who looked at or changed this child's data (parents with gezag only)."""
    entries = history.entries_for(student, request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/child_reads.html",
        {
            "student": student,
            "child_tab": "privacy",
            "page": page,
            "policy": PrivacySettings.of(student.school),
        },
    )


def _valid_until(export):
    return export.ready_at + timedelta(minutes=settings.PRIVACY_EXPORT_MINUTES)


@parent_view
@submissions.once
def my_data(request):
    """One button: the parent's data is prepared in the background, then downloaded once."""
    if request.method == "POST":
        with transaction.atomic():
            submissions.claim(request, request.path)
            export = DataExport.objects.create(user=request.user)
            audit.record("privacy.export.requested", actor=request.user, obj=export)
            enqueue(prepare_export, export.pk)
        messages.success(request, _("We are preparing your data. Refresh this page in a moment."))
        return redirect("privacy:my_data")
    export = DataExport.objects.filter(user=request.user).order_by("-requested_at", "-pk").first()
    link = None
    ready = export is not None and export.state == DataExport.State.READY
    if ready and _valid_until(export) > timezone.now():
        token = signing.dumps({"export": export.pk, "user": request.user.pk}, salt=EXPORT_LINK_SALT)
        link = {"token": token, "until": _valid_until(export)}
    return render(request, "privacy/my_data.html", {"export": export, "link": link})


def _gone(request):
    messages.error(
        request,
        _("This download link no longer works: it was used or has expired. Prepare a new one."),
    )
    return redirect("privacy:my_data")


@parent_view
def download(request, token):
    """The prepared zip, once, within PRIVACY_EXPORT_MINUTES of being ready."""
    max_age = settings.PRIVACY_EXPORT_MINUTES * 60 + 3600
    try:
        claim = signing.loads(token, salt=EXPORT_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        claim = {}
    if claim.get("user") != request.user.pk:
        return _gone(request)
    cutoff = timezone.now() - timedelta(minutes=settings.PRIVACY_EXPORT_MINUTES)
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .filter(
                pk=claim.get("export"),
                user=request.user,
                state=DataExport.State.READY,
                ready_at__gte=cutoff,
            )
            .first()
        )
        if export is None:
            return _gone(request)
        content = bytes(export.content)
        DataExport.objects.filter(pk=export.pk).update(
            state=DataExport.State.DOWNLOADED, content=b"", downloaded_at=timezone.now()
        )
        audit.record("privacy.export.downloaded", actor=request.user, obj=export)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.zip"'
    response["Cache-Control"] = "no-store"
    return response


@public_view
def statement(request, school):
    """The school's privacy statement for the portal, generated from its settings."""
    found = get_object_or_404(School, slug=school)
    return render(
        request,
        "privacy/statement.html",
        {"school": found, "policy": PrivacySettings.of(found), "terms": history.terms()},
    )
