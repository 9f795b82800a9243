"""Passkey pages: logging in with one, and adding and removing them in the profile.

The options endpoints answer JSON for the small script (accounts/static/accounts/
passkeys.js); the answers from the browser arrive as ordinary form posts, so the
results (a redirect, a message) are the same as for the other login and profile forms.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ouderportaal.accounts import flow, passkeys
from ouderportaal.accounts.forms import ConfirmPasswordForm, PasskeyForm
from ouderportaal.accounts.models import Passkey
from ouderportaal.accounts.views import locked_message
from ouderportaal.core.access import parent_view, public_view

logger = logging.getLogger("ouderportaal.accounts.security")


def _require_enabled():
    if not passkeys.enabled():
        raise Http404


def _json(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# -- Logging in ---------------------------------------------------------------------------


@public_view
@never_cache
@require_POST
def login_options(request):
    _require_enabled()
    return _json(passkeys.authentication_options(request))


@public_view
@never_cache
@require_POST
def login(request):
    _require_enabled()
    next_url = _safe_next(request, request.POST.get("next", ""))
    try:
        user = passkeys.authenticate(request, request.POST.get("credential", ""))
    except passkeys.LoginRefused as refused:
        if refused.lock is not None:
            messages.error(request, locked_message(refused.lock))
        else:
            logger.info("passkey login refused: %s", refused)
            messages.error(
                request,
                _(
                    "Logging in with this passkey did not work. Try again, or log in with "
                    "your username and password."
                ),
            )
        login_url = reverse("accounts:login")
        if request.POST.get("next"):
            login_url += "?" + urlencode({"next": next_url})
        return redirect(login_url)
    return flow.passkey_login(request, user, next_url)


# -- In the profile -----------------------------------------------------------------------


def _page(request, form, confirm_form=None):
    recent = flow.recently_authenticated(request)
    return render(
        request,
        "accounts/passkeys.html",
        {
            "form": form,
            "confirm_form": None if recent else confirm_form or ConfirmPasswordForm(request.user),
            "passkeys": request.user.passkeys.all(),
            "enabled": passkeys.enabled(),
        },
    )


def _require_recent_login(request):
    if not flow.recently_authenticated(request):
        raise PermissionDenied


@parent_view
@never_cache
def manage(request):
    """The passkeys of the account; adding one first asks for the password again, unless
    the login was only minutes ago."""
    confirm_form = ConfirmPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and confirm_form.is_valid():
        flow.confirm_reauthentication(request)
        return redirect("accounts:passkeys")
    return _page(request, PasskeyForm(), confirm_form)


@parent_view
@never_cache
@require_POST
def add_options(request):
    _require_enabled()
    _require_recent_login(request)
    return _json(passkeys.registration_options(request, request.user))


@parent_view
@never_cache
@require_POST
def add(request):
    _require_enabled()
    _require_recent_login(request)
    form = PasskeyForm(request.POST)
    if form.is_valid():
        try:
            passkeys.parse_json(form.cleaned_data["credential"])
            passkey = passkeys.register(
                request, request.user, form.cleaned_data["credential"], form.cleaned_data["name"]
            )
        except passkeys.PasskeyError as error:
            logger.info("passkey not added: %s", error)
            form.add_error(
                None,
                _(
                    "The passkey was not added. Try again; if it keeps failing, your device "
                    "may not support passkeys. You can always log in with your password."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Passkey “%(name)s” added. Next time, choose “Log in with a passkey” on "
                    "the login page."
                )
                % {"name": passkey.name},
            )
            return redirect("accounts:passkeys")
    return _page(request, form)


@parent_view
@require_POST
def remove(request, passkey):
    own = get_object_or_404(Passkey, pk=passkey, user=request.user)
    last = passkeys.remove(request, own)
    if last:
        messages.success(
            request,
            _(
                "Passkey “%(name)s” removed. You have no passkeys left: log in with your "
                "username and password."
            )
            % {"name": own.name},
        )
    else:
        messages.success(request, _("Passkey “%(name)s” removed.") % {"name": own.name})
    return redirect("accounts:passkeys")
