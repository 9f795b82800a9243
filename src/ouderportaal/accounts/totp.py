"""Time-based one-time codes (RFC 6238) from an authenticator app."""

from __future__ import annotations

import base64
import io

import pyotp
import qrcode
import qrcode.image.svg
from django.utils import timezone

from ouderportaal.accounts.models import AccountState

ISSUER = "Ouderportaal"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI: no outside image service, allowed by the CSP."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def matching_step(secret: str, code: str) -> int | None:
    """The 30-second step the code belongs to (one step of clock drift), or None."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for drift in (0, -1, 1):
        moment = now.timestamp() + drift * totp.interval
        if pyotp.utils.strings_equal(totp.at(moment), code):
            return int(moment // totp.interval)
    return None


def verify(state: AccountState, code: str) -> bool:
    """Check a code for a confirmed device; a code is accepted only once."""
    step = matching_step(state.totp_secret, code)
    if step is None or step <= state.totp_last_step:
        return False
    updated = AccountState.objects.filter(pk=state.pk, totp_last_step__lt=step).update(
        totp_last_step=step
    )
    state.totp_last_step = step
    return bool(updated)
