"""A parent's mail preferences, the one-click unsubscribe, and the school's control page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ouderportaal.core import audit
from ouderportaal.core.access import parent_view, public_view, staff_view
from ouderportaal.core.mail import build_message
from ouderportaal.core.privacy import pseudonym
from ouderportaal.core.scoping import get_or_create_scoped, scoped
from ouderportaal.notifications import services
from ouderportaal.notifications.forms import PreferenceForm, SchoolSettingsForm
from ouderportaal.notifications.models import (
    Kind,
    Notification,
    Preference,
    SchoolNotificationSettings,
)

logger = logging.getLogger(__name__)

PREFERENCE_FIELDS = ["off_kinds", "mode", "digest_time", "quiet_start", "quiet_end"]


@parent_view
def preferences(request):
    current = services.preference_for(request.user)
    initial = {
        "kinds": [k for k in Kind.values if k not in current.off_kinds],
        "mode": current.mode,
        "digest_time": current.digest_time,
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            preference = (
                Preference.objects.select_for_update().filter(user=request.user).first() or current
            )
            old = audit.values_of(preference, PREFERENCE_FIELDS) if preference.pk else None
            preference.user = request.user
            preference.off_kinds = [k for k in Kind.values if k not in data["kinds"]]
            preference.mode = data["mode"]
            preference.digest_time = data["digest_time"]
            preference.quiet_start = data["quiet_start"]
            preference.quiet_end = data["quiet_end"]
            preference.save()
            new = audit.values_of(preference, PREFERENCE_FIELDS)
            if old is not None:
                old, new = audit.changed(old, new)
            audit.record("notifications.preferences.changed", actor=request.user, old=old, new=new)
        messages.success(request, _("Your mail settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@public_view
@csrf_exempt  # RFC 8058: the mail program posts without a session or form token
def unsubscribe(request, token):
    data = services.read_unsubscribe_token(token)
    if data is None:
        raise Http404
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        raise Http404
    kinds = [k for k in data["k"] if k in Kind.values]
    labels = [Kind(k).label for k in kinds]
    if request.method != "POST":
        return render(request, "notifications/unsubscribe.html", {"labels": labels, "done": False})
    with transaction.atomic():
        preference = Preference.objects.select_for_update().filter(user=user).first()
        if preference is None:
            preference = services.preference_for(user)
            preference.user = user
        old = sorted(preference.off_kinds)
        preference.off_kinds = sorted(set(preference.off_kinds) | set(kinds))
        preference.save()
        audit.record(
            "notifications.unsubscribed",
            actor=user,
            kinds=kinds,
            old={"off_kinds": old},
            new={"off_kinds": preference.off_kinds},
        )
    logger.info(
        "notifications switched off by one-click unsubscribe for %s",
        pseudonym("notifications-user", str(user.pk), 16),
    )
    return render(request, "notifications/unsubscribe.html", {"labels": labels, "done": True})


def _settings_initial(settings: SchoolNotificationSettings) -> dict:
    return {
        "kinds": settings.kinds,
        "default_mode": settings.default_mode,
        "default_digest_time": settings.default_digest_time,
    }


@staff_view("portal_manager")
def staff(request, membership):
    school = membership.school
    current = services.school_settings(school)
    form = SchoolSettingsForm(request.POST or None, initial=_settings_initial(current))
    if request.method == "POST" and form.is_valid():
        fields = ["kinds", "default_mode", "default_digest_time"]
        with transaction.atomic():
            settings = get_or_create_scoped(
                membership, SchoolNotificationSettings, **_settings_initial(current)
            )
            old = audit.values_of(settings, fields)
            settings.kinds = sorted(form.cleaned_data["kinds"])
            settings.default_mode = form.cleaned_data["default_mode"]
            settings.default_digest_time = form.cleaned_data["default_digest_time"]
            settings.save()
            old, new = audit.changed(old, audit.values_of(settings, fields))
            audit.record(
                "notifications.settings.changed",
                actor=request.user,
                school=school,
                obj=settings,
                old=old,
                new=new,
            )
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


@staff_view("portal_manager")
def preview(request, membership):
    """The mail as a parent would get it, with example names and no real data."""
    school = membership.school
    example = {
        "user": request.user,
        "children": [
            {"name": _("Sanne"), "kinds": [Kind.RESULTS.label]},
            {"name": _("Thijs"), "kinds": [Kind.RESULTS.label, Kind.DOCUMENT.label]},
        ],
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
        },
    )
