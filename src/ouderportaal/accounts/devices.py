"""Device cookies: a browser that logged in to an account before is recognised.

After a successful login the browser gets a signed cookie bound to that account (OWASP,
"Slow Down Online Guessing Attacks with Device Cookies"). Failed logins from a browser
that shows a valid cookie for the account count against that cookie only, so an attacker
who makes the account wait for unknown devices does not lock out the parent at home.

The cookie holds, per account (at most a few, newest first), the account's id and a
random nonce, signed with the installation's key; nothing in it is secret or personal.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing

COOKIE_NAME = "ouderportaal_device"
COOKIE_PATH = "/account/"
SALT = "ouderportaal.accounts.devices"
MAX_AGE = timedelta(days=180)
MAX_ACCOUNTS = 5


def _entries(request) -> list[tuple[int, str]]:
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return []
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(data, list):
        return []
    return [
        (entry[0], entry[1])
        for entry in data
        if isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], int)
        and isinstance(entry[1], str)
    ][:MAX_ACCOUNTS]


def nonce_for(request, user_id: int | None) -> str:
    """The nonce of this browser's valid device cookie for the account, or ""."""
    if user_id is None:
        return ""
    for entry_user, nonce in _entries(request):
        if entry_user == user_id:
            return nonce
    return ""


def issue(request, response, user) -> None:
    """Give the browser a fresh device cookie for `user` (after a successful login)."""
    others = [[uid, nonce] for uid, nonce in _entries(request) if uid != user.pk]
    entries = [[user.pk, secrets.token_urlsafe(16)], *others][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(entries, salt=SALT),
        max_age=int(MAX_AGE.total_seconds()),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
