"""The school's control page: which events mail parents, an example mail, and a log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core.access import staff_view
from ouderportaal.core.mail import build_message
from ouderportaal.core.scoping import get_or_create_scoped, scoped
from ouderportaal.notifications import services
from ouderportaal.notifications.forms import SchoolSettingsForm
from ouderportaal.notifications.models import Kind, Notification, SchoolNotificationSettings
from ouderportaal.schoolcontrol.models import ClosedPeriod


def _settings_initial(settings: SchoolNotificationSettings) -> dict:
    return {
        "kinds": settings.kinds,
        "default_mode": settings.default_mode,
        "default_digest_time": settings.default_digest_time,
    }


@staff_view("portal_manager", reads="guardian")
def staff(request, membership):
    school = membership.school
    current = services.school_settings(school)
    form = SchoolSettingsForm(request.POST or None, initial=_settings_initial(current))
    if request.method == "POST" and form.is_valid():
        settings = get_or_create_scoped(
            membership, SchoolNotificationSettings, **_settings_initial(current)
        )
        services.save_school_settings(settings, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The notification settings have been saved."))
        return redirect("notifications:staff", school=school.slug)
    sent = (
        scoped(membership, Notification)
        .exclude(state=Notification.State.PENDING)
        .select_related("user", "event__student")
        .order_by("-event__happened_at", "-pk")
    )
    pending = scoped(membership, Notification).filter(state=Notification.State.PENDING).count()
    page = Paginator(sent, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "notifications/staff.html",
        {
            "membership": membership,
            "section": "notifications",
            "school": school,
            "form": form,
            "page": page,
            "pending": pending,
        },
    )


def _example_closures(school) -> list:
    """An example closure for the example mail, when the school announces closures."""
    if not services.school_settings(school).enabled(Kind.CLOSURE):
        return []
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    start += timedelta(days=7)
    return [
        ClosedPeriod(
            school=school,
            starts_at=start,
            ends_at=start + timedelta(days=3),
            whole_portal=False,
            modules=["method_tests", "lvs"],
        )
    ]


@staff_view("portal_manager")
def preview(request, membership):
    """The mail as a parent would get it, with example names and no real data."""
    school = membership.school
    closures = _example_closures(school)
    closure_kind = [Kind.CLOSURE.label] if closures else []
    example = {
        "user": request.user,
        "children": [
            {"name": _("Sanne"), "kinds": [Kind.RESULTS.label, *closure_kind]},
            {"name": _("Thijs"), "kinds": [Kind.RESULTS.label, Kind.DOCUMENT.label]},
        ],
        "closures": closures,
        "portal_url": services.portal_link("/ouders/"),
        "preferences_url": services.portal_link("/account/meldingen/"),
        "unsubscribe_url": services.portal_link("/meldingen/afmelden/…/"),
    }
    message = build_message(
        to="ouder@example.nl",
        template="notifications/mail/news",
        context=example,
        language=request.LANGUAGE_CODE,
        school=school,
    )
    return render(
        request,
        "notifications/preview.html",
        {
            "membership": membership,
            "section": "notifications",
            "school": school,
            "subject": message.subject,
            "text": message.body,
            "sender": message.from_email,
            "reply_to": ", ".join(message.reply_to),
            "with_closure": bool(closures),
        },
    )
