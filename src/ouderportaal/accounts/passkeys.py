"""Passkeys (WebAuthn): adding one to an account and logging in with it.

The protocol work is done by the `webauthn` library (py_webauthn); this module keeps
the portal's rules around it:

- The relying party is the portal's public address (`PORTAL_URL`): its host is the RP
  ID and its scheme + host + port the only accepted origin. Without `PORTAL_URL`
  passkeys are off.
- Every challenge is made on the server, kept in the session for one purpose (adding
  or logging in), used once (taken out of the session before it is checked) and only
  for `CHALLENGE_SECONDS`.
- User verification (a fingerprint, face or the device's PIN) is required, so a
  passkey login counts as two factors.
- Only the public key, the signature counter and a random user handle are stored.
- A failed assertion counts in the login throttle like a wrong password.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ouderportaal.accounts import throttle
from ouderportaal.accounts.models import LoginFailure, Passkey
from ouderportaal.accounts.tasks import send_passkey_notice
from ouderportaal.core import audit, queue
from ouderportaal.core.privacy import account_ref

logger = logging.getLogger("ouderportaal.accounts.security")

CHALLENGE_KEY = "accounts_passkey_challenge"
CHALLENGE_SECONDS = 180
REGISTER = "register"
LOGIN = "login"
# The name a phone shows next to the passkey.
RP_NAME = "Ouderportaal"


class PasskeyError(Exception):
    """The browser's answer was not accepted; `str()` is safe to log, not to show."""


def enabled() -> bool:
    return bool(relying_party())


def relying_party() -> tuple[str, str] | None:
    """(RP ID, origin) from PORTAL_URL, or None when it is not set.

    Browsers take only a domain name as RP ID (`localhost` included), never an IP
    address, so a portal reached by its address has no passkeys.
    """
    url = urlsplit(getattr(settings, "PORTAL_URL", "") or "")
    if not url.scheme or not url.hostname or _is_ip_address(url.hostname):
        return None
    origin = f"{url.scheme}://{url.netloc}".lower()
    return url.hostname.lower(), origin


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _rp():
    rp = relying_party()
    if rp is None:
        raise PasskeyError("PORTAL_URL is not set")
    return rp


def _store_challenge(request, purpose: str, challenge: bytes, **extra) -> None:
    request.session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
        **extra,
    }


def _take_challenge(request, purpose: str) -> dict:
    """The session's challenge for this purpose, removed: it works once."""
    stored = request.session.pop(CHALLENGE_KEY, None)
    if not isinstance(stored, dict) or stored.get("purpose") != purpose:
        raise PasskeyError("no challenge for this step")
    if time.time() - stored.get("at", 0) > CHALLENGE_SECONDS:
        raise PasskeyError("the challenge expired")
    return {**stored, "challenge": base64url_to_bytes(stored["challenge"])}


# -- Adding a passkey ---------------------------------------------------------------------


def registration_options(request, user) -> str:
    """The options for `navigator.credentials.create()`, as JSON."""
    rp_id, _origin = _rp()
    # One random handle per account (never its id), so a device keeps one passkey per account.
    existing = user.passkeys.exclude(user_handle="").values_list("user_handle", flat=True).first()
    handle = base64url_to_bytes(existing) if existing else secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.username,
        user_id=handle,
        user_display_name=user.get_full_name() or user.username,
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
            for key in user.passkeys.all()
        ],
    )
    _store_challenge(request, REGISTER, options.challenge, handle=bytes_to_base64url(handle))
    return options_to_json(options)


def register(request, user, credential_json: str, name: str) -> Passkey:
    """Check the browser's answer to the options and keep the new passkey."""
    stored = _take_challenge(request, REGISTER)
    rp_id, origin = _rp()
    try:
        verified = verify_registration_response(
            credential=credential_json,
            expected_challenge=stored["challenge"],
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(f"registration refused: {error}") from error
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=name,
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                user_handle=stored.get("handle", ""),
            )
            audit.record("account.passkey.added", actor=user, obj=user, name=name)
            queue.enqueue(send_passkey_notice, user.pk, "added", name, _base_url(request))
    except IntegrityError as error:
        raise PasskeyError("this credential is registered already") from error
    logger.info("passkey added for account %s", account_ref(user))
    return passkey


def remove(request, passkey: Passkey) -> bool:
    """Remove a passkey; True when it was the account's last one (the owner is told)."""
    user = passkey.user
    with transaction.atomic():
        deleted, _rows = Passkey.objects.filter(pk=passkey.pk, user=user).delete()
        if not deleted:
            return False
        last = not user.passkeys.exists()
        audit.record("account.passkey.removed", actor=user, obj=user, name=passkey.name, last=last)
        if last:
            queue.enqueue(
                send_passkey_notice, user.pk, "last_removed", passkey.name, _base_url(request)
            )
    logger.info("passkey removed for account %s", account_ref(user))
    return last


# -- Logging in ---------------------------------------------------------------------------


def authentication_options(request) -> str:
    """The options for `navigator.credentials.get()`: any passkey of this portal."""
    rp_id, _origin = _rp()
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=CHALLENGE_SECONDS * 1000,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _store_challenge(request, LOGIN, options.challenge)
    return options_to_json(options)


class LoginRefused(Exception):
    """A passkey login that did not succeed; `lock` is set when the throttle said no."""

    def __init__(self, reason: str, lock=None):
        super().__init__(reason)
        self.lock = lock


def authenticate(request, credential_json: str):
    """The account whose passkey signed the session's challenge, or LoginRefused.

    Every refusal after the challenge was taken counts as a failed login: against the
    account when the passkey is known, otherwise against the visitor's address.
    """
    try:
        challenge = _take_challenge(request, LOGIN)["challenge"]
        credential = parse_authentication_credential_json(credential_json)
    except (PasskeyError, WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise LoginRefused(str(error)) from error
    credential_id = bytes_to_base64url(credential.raw_id)
    passkey = (
        Passkey.objects.select_related("user")
        .filter(credential_id=credential_id, user__is_active=True)
        .first()
    )
    if passkey is None:
        attempt = throttle.attempt_for_unknown_key(request, credential_id)
        lock = throttle.lock_for(attempt)
        if lock is not None:
            throttle.record_blocked(request, attempt)
            raise LoginRefused("locked", lock)
        throttle.record_failure(request, attempt, kind=LoginFailure.Kind.PASSKEY)
        raise LoginRefused("unknown passkey")
    user = passkey.user
    attempt = throttle.attempt_for_user(request, user)
    lock = throttle.lock_for(attempt)
    if lock is not None:
        throttle.record_blocked(request, attempt)
        raise LoginRefused("locked", lock)
    rp_id, origin = _rp()
    try:
        handle = credential.response.user_handle
        if handle is not None and bytes_to_base64url(handle) != passkey.user_handle:
            raise PasskeyError("the user handle does not belong to this passkey")
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (PasskeyError, WebAuthnException, ValueError, TypeError) as error:
        throttle.record_failure(request, attempt, kind=LoginFailure.Kind.PASSKEY)
        raise LoginRefused(str(error)) from error
    # Only one use per counter value, also when two answers arrive at the same moment.
    used = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=timezone.now()
    )
    if not used:
        throttle.record_failure(request, attempt, kind=LoginFailure.Kind.PASSKEY)
        raise LoginRefused("the passkey was used at the same moment")
    return user


def _base_url(request) -> str:
    return getattr(settings, "PORTAL_URL", "") or request.build_absolute_uri("/")


def parse_json(text: str) -> str:
    """The posted credential, if it is a JSON object at all (else PasskeyError)."""
    try:
        value = json.loads(text or "")
    except ValueError as error:
        raise PasskeyError("not JSON") from error
    if not isinstance(value, dict):
        raise PasskeyError("not a JSON object")
    return text
