"""The school's privacy settings and its processing-register entry (back office)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ouderportaal.core.access import staff_view
from ouderportaal.core.scoping import scoped
from ouderportaal.privacy import history, services
from ouderportaal.privacy.forms import PrivacySettingsForm
from ouderportaal.privacy.models import PrivacySettings


def _policy(membership) -> PrivacySettings:
    """The school's settings row, or the defaults (unsaved)."""
    found = scoped(membership, PrivacySettings).first()
    return found or PrivacySettings(school=membership.school)


@staff_view("portal_manager")
def settings_view(request, membership):
    policy = _policy(membership)
    form = PrivacySettingsForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.save_settings(form, actor=request.user)
        messages.success(request, _("The privacy settings have been saved."))
        return redirect("privacyadmin:settings", school=membership.school.slug)
    return render(
        request,
        "privacy/staff/settings.html",
        {
            "membership": membership,
            "section": "privacy",
            "form": form,
            # The terms in effect as saved (a term left empty follows the board).
            "terms": _policy(membership) if form.is_bound else policy,
        },
    )


@staff_view("portal_manager", "administration")
def register(request, membership):
    """The portal's entry in the school's processing register, as Markdown for the FG."""
    school = membership.school
    text = render_to_string(
        "privacy/register.md",
        {"school": school, "policy": _policy(membership), "terms": history.terms()},
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="verwerkingsregister-{school.slug}.md"'
    return response
