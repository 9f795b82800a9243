"""Logging in in steps: password first, then (when needed) a code from an app.

Until the second step is done the session holds only a short-lived "pending" mark,
not a login, so no page behind a login opens. Staff must use a second factor: a staff
member without one is led through setting it up before the login completes.
Superusers always must, whatever STAFF_REQUIRE_TOTP says: they can give anyone any role.

A login that completes here marks the session (`LOGIN_MARK`: who, when, with or without
a second factor). `accounts.middleware.LoginSessionMiddleware` ends every logged-in
session without that mark, so this is the only door: Django's own login forms, or any
other path to `django.contrib.auth.login`, lead nowhere. The mark's time also bounds
the session's total length (SESSION_MAX_HOURS).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect

from ouderportaal.accounts import devices, throttle
from ouderportaal.accounts.models import AccountState
from ouderportaal.core import audit
from ouderportaal.core.models import StaffMember
from ouderportaal.core.privacy import account_ref

logger = logging.getLogger("ouderportaal.accounts.security")

BACKEND = "ouderportaal.accounts.backends.CaseSensitiveBackend"
PENDING_KEY = "accounts_pending_login"
LOGIN_MARK = "accounts_login"
PENDING_SECONDS = 300
MAX_CODE_TRIES = 5


def is_staff_person(user) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    # Known without a query when the login looked the account up (backends.account_named).
    known = getattr(user, "is_active_staff_member", None)
    if known is not None:
        return known
    return StaffMember.objects.filter(user=user, is_active=True).exists()


def has_totp(user) -> bool:
    state = AccountState.of(user)
    return state is not None and state.has_totp


def must_use_totp(user) -> bool:
    if user.is_superuser:
        return True
    return getattr(settings, "STAFF_REQUIRE_TOTP", True) and is_staff_person(user)


def begin_login(request, user, next_url: str, attempt=None):
    """Finish the login, or park it until the second step is done.

    `attempt` is the throttle's attempt this request checked, when there is one.
    """
    with_totp = has_totp(user)
    if not with_totp and not must_use_totp(user):
        return _finish(
            request, user, next_url, second_factor=False, method="password", attempt=attempt
        )
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
    """The second step succeeded (a code, or a confirmed new device)."""
    pending = request.session.pop(PENDING_KEY, {})
    return _finish(
        request,
        user,
        pending.get("next") or settings.LOGIN_REDIRECT_URL,
        second_factor=True,
        method="password",
    )


def passkey_login(request, user, next_url: str):
    """A verified passkey: something the person has, unlocked with what they know or are.

    That is two factors, so the login completes at once, also for staff and superusers.
    """
    request.session.pop(PENDING_KEY, None)
    return _finish(request, user, next_url, second_factor=True, method="passkey")


def _keep_chosen_language(request, user) -> None:
    """A language chosen with the switch before logging in wins over the account's."""
    from ouderportaal.core.views import CHOSEN_LANGUAGE_KEY

    chosen = request.session.pop(CHOSEN_LANGUAGE_KEY, None)
    if chosen and chosen != user.language:
        user.language = chosen
        user.save(update_fields=["language"])


def _finish(request, user, next_url: str, *, second_factor: bool, method: str, attempt=None):
    # Failures count until the whole login succeeds, so wrong codes add up as well.
    if attempt is None or attempt.user is not user:
        attempt = throttle.attempt_for_user(request, user)
    throttle.record_success(attempt)
    auth_login(request, user, backend=BACKEND)
    request.session[LOGIN_MARK] = login_mark(user, second_factor=second_factor)
    _keep_chosen_language(request, user)
    audit.record(
        "account.login",
        actor=user,
        obj=user,
        second_factor=second_factor,
        method=method,
        known_device=attempt.trusted,
        address=throttle.log_address(request),
    )
    logger.info(
        "login for account %s from %s with %s (second factor: %s, known device: %s)",
        account_ref(user),
        throttle.log_address(request),
        method,
        "yes" if second_factor else "no",
        "yes" if attempt.trusted else "no",
    )
    response = redirect(next_url)
    devices.issue(request, response, user)
    return response


def login_mark(user, *, second_factor: bool) -> dict:
    return {"user": user.pk, "at": time.time(), "second_factor": second_factor}


# Adding a way to log in (a passkey) needs a recent proof of the password or passkey.
RECENT_SECONDS = 10 * 60
REAUTH_KEY = "accounts_reauthenticated_at"


def recently_authenticated(request) -> bool:
    """True when this session logged in, or confirmed its password, in the last minutes.

    An open session left on a shared computer must not be enough to add a passkey.
    """
    mark = session_mark(request) or {}
    latest = max(mark.get("at", 0), request.session.get(REAUTH_KEY, 0))
    return time.time() - latest < RECENT_SECONDS


def confirm_reauthentication(request) -> None:
    request.session[REAUTH_KEY] = time.time()


def session_mark(request) -> dict | None:
    """The portal-login mark of the session, when it belongs to the logged-in user."""
    mark = request.session.get(LOGIN_MARK)
    user = getattr(request, "user", None)
    if not isinstance(mark, dict) or user is None or mark.get("user") != user.pk:
        return None
    return mark


def with_second_factor(request) -> bool:
    mark = session_mark(request)
    return bool(mark and mark.get("second_factor"))
