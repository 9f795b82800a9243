"""The account's recovery address: one per account, verified, changed only by its owner.

Rules (docs/accounts.md, "Recovery"):

- `User.email` is where password resets, username reminders and security notices go.
  Nothing typed into a form is ever used as a recipient.
- A new address (from the parent's profile, a guardian import or an approved change
  request) becomes the account's address only after the owner, logged in, confirms it
  through a single-use link mailed to that new address. The old address gets a notice
  at once; until the confirmation it keeps receiving everything.
- An account that has never been used (no password yet) and belongs to one school only
  follows that school's address directly: its account mail is the proof of control.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts import services
from ouderportaal.accounts.models import RecoveryAddressChange, email_key
from ouderportaal.core import audit, queue
from ouderportaal.core.privacy import account_ref

logger = logging.getLogger("ouderportaal.accounts")

Source = RecoveryAddressChange.Source


def link_validity(source: str) -> timedelta:
    """A parent who asks in their profile is at the screen; a school's change may wait
    until the parent reads their mail, so its link lives longer."""
    if source == Source.PROFILE:
        return timedelta(hours=settings.RECOVERY_CONFIRM_HOURS)
    return timedelta(days=settings.RECOVERY_CONFIRM_SCHOOL_DAYS)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _open(queryset):
    return queryset.filter(
        confirmed_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    )


def pending_change(user) -> RecoveryAddressChange | None:
    """The change waiting for this account's confirmation, if any (only the newest counts)."""
    return _open(RecoveryAddressChange.objects.filter(user=user)).first()


def _cancel_open(user) -> None:
    _open(RecoveryAddressChange.objects.filter(user=user)).update(cancelled_at=timezone.now())


def request_change(
    user, new_email: str, *, source: str, actor=None, school=None, base_url: str = ""
) -> RecoveryAddressChange | None:
    """Ask the owner to confirm `new_email`; returns None when it is already the address.

    A newer request replaces an older one. The confirmation link and the notice to the
    current address are sent by background tasks once this transaction commits.
    """
    from ouderportaal.accounts.tasks import send_recovery_confirmation, send_recovery_notice

    new_email = new_email.strip()
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if email_key(new_email) == user.email_key:
            return None
        _cancel_open(user)
        change = RecoveryAddressChange.objects.create(
            user=user,
            new_email=new_email,
            old_email=user.email,
            source=source,
            school=school,
            requested_by=actor if actor is not None and actor.is_authenticated else None,
            expires_at=timezone.now() + link_validity(source),
        )
        audit.record(
            "account.recovery_address.requested",
            actor=actor,
            school=school,
            obj=user,
            source=source,
            change=change.pk,
        )
        base_url = base_url or settings.PORTAL_URL
        queue.enqueue(send_recovery_confirmation, change.pk, base_url)
        if change.old_email:
            queue.enqueue(send_recovery_notice, change.pk)
    logger.info(
        "recovery address change %s requested for account %s (%s)",
        change.pk,
        account_ref(user),
        source,
    )
    return change


def school_address_changed(guardian, *, source: str, actor=None) -> None:
    """The school's record of a parent got a new address: let the account follow it.

    Called inside the transaction that changed the record. An empty address never
    removes the account's address.
    """
    user = guardian.user
    if user is None or not guardian.email or email_key(guardian.email) == user.email_key:
        return
    elsewhere = user.guardian_records.exclude(school_id=guardian.school_id).exists()
    is_staff = user.staff_memberships.exists() or user.is_staff
    if not user.has_usable_password() and not elsewhere and not is_staff:
        with transaction.atomic():
            _cancel_open(user)
            user.email = guardian.email
            user.save(update_fields=["email"])
            audit.record(
                "account.recovery_address.changed",
                actor=actor,
                school=guardian.school,
                obj=user,
                source=source,
                reason="account not yet used",
            )
        logger.info("account %s not yet used: follows the school's address", account_ref(user))
        return
    request_change(user, guardian.email, source=source, actor=actor, school=guardian.school)


def make_link(change: RecoveryAddressChange, base_url: str) -> str:
    """A fresh secret for the change's link; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    RecoveryAddressChange.objects.filter(pk=change.pk).update(token_hash=_token_hash(token))
    path = reverse("accounts:recovery_confirm", kwargs={"token": token})
    return base_url.rstrip("/") + path


def change_for_link(token: str, user) -> RecoveryAddressChange | None:
    """The open change this link belongs to, when it is one of `user`'s."""
    if not token:
        return None
    return _open(
        RecoveryAddressChange.objects.filter(token_hash=_token_hash(token), user=user)
    ).first()


def confirm(change: RecoveryAddressChange, user) -> bool:
    """Make the change's address the account's address; False when the link no longer works.

    Links sent to the old address for a password reset stop working.
    """
    with transaction.atomic():
        claimed = _open(RecoveryAddressChange.objects.filter(pk=change.pk, user=user)).update(
            confirmed_at=timezone.now()
        )
        if not claimed:
            return False
        user.email = change.new_email
        user.save(update_fields=["email"])
        services.end_links(user)
        audit.record(
            "account.recovery_address.confirmed",
            actor=user,
            school=change.school,
            obj=user,
            source=change.source,
            change=change.pk,
        )
    logger.info("recovery address change %s confirmed by account %s", change.pk, account_ref(user))
    return True


def differs_from_school(guardian) -> bool:
    """True when the account of this record uses another address than the school has."""
    user = guardian.user
    return bool(user is not None and guardian.email and email_key(guardian.email) != user.email_key)
