"""Logging in in steps: password first, then (when needed) a code from an app.

Until the second step is done the session holds only a short-lived "pending" mark,
not a login, so no page behind a login opens. Staff must use a second factor: a staff
member without one is led through setting it up before the login completes.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect

from ouderportaal.accounts import throttle
from ouderportaal.accounts.models import AccountState
from ouderportaal.core.models import StaffMember

BACKEND = "ouderportaal.accounts.backends.CaseSensitiveBackend"
PENDING_KEY = "accounts_pending_login"
PENDING_SECONDS = 300
MAX_CODE_TRIES = 5


def is_staff_person(user) -> bool:
    return (
        user.is_staff
        or user.is_superuser
        or StaffMember.objects.filter(user=user, is_active=True).exists()
    )


def has_totp(user) -> bool:
    state = AccountState.objects.filter(user=user).first()
    return state is not None and state.has_totp


def must_use_totp(user) -> bool:
    return getattr(settings, "STAFF_REQUIRE_TOTP", True) and is_staff_person(user)


def begin_login(request, user, next_url: str):
    """Finish the login, or park it until the second step is done."""
    with_totp = has_totp(user)
    if not with_totp and not must_use_totp(user):
        throttle.clear_account(user.username)
        auth_login(request, user, backend=BACKEND)
        return redirect(next_url)
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "at": time.time(),
        "next": next_url,
        "tries": 0,
    }
    return redirect("accounts:login_code" if with_totp else "accounts:login_totp_setup")


def pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def count_wrong_code(request) -> bool:
    """Count a wrong code; True when the pending login is used up."""
    pending = request.session.get(PENDING_KEY) or {}
    pending["tries"] = pending.get("tries", 0) + 1
    if pending["tries"] >= MAX_CODE_TRIES:
        request.session.pop(PENDING_KEY, None)
        return True
    request.session[PENDING_KEY] = pending
    return False


def complete_login(request, user):
    pending = request.session.pop(PENDING_KEY, {})
    # Failures count until the whole login succeeds, so wrong codes add up as well.
    throttle.clear_account(user.username)
    auth_login(request, user, backend=BACKEND)
    return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
