"""A parent's mail preferences and the one-click unsubscribe from a mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ouderportaal.core.access import parent_view, public_view
from ouderportaal.notifications import services
from ouderportaal.notifications.forms import PreferenceForm
from ouderportaal.notifications.models import Kind


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
        services.save_preferences(
            request.user,
            kinds_on=data["kinds"],
            mode=data["mode"],
            digest_time=data["digest_time"],
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
        )
        messages.success(request, _("Your mail settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@public_view
@csrf_exempt  # RFC 8058: the mail program posts without a session or form token
def unsubscribe(request, token):
    """GET asks (a link scanner changes nothing); POST switches the mail's kinds off."""
    data = services.read_unsubscribe_token(token)
    if data is None:
        raise Http404
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        raise Http404
    kinds = [k for k in data["k"] if k in Kind.values]
    labels = [Kind(k).label for k in kinds]
    done = request.method == "POST"
    if done:
        services.switch_off(user, kinds)
    return render(request, "notifications/unsubscribe.html", {"labels": labels, "done": done})
