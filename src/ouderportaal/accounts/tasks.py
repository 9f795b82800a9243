"""Background work: account mail, reminders and security notices (`ouderportaal db_worker`)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts import recovery, services
from ouderportaal.accounts.models import RecoveryAddressChange
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.core.privacy import account_ref

logger = logging.getLogger("ouderportaal.accounts")


@task()
def send_account_mail_item(item_id: int) -> str:
    return services.deliver_item(item_id)


@task()
def send_password_reset(user_id: int, base_url: str) -> bool:
    """A set-password link, to the account's own recovery address only."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    link = services.new_link(user, valid_for=services.reset_timeout(), base_url=base_url)
    school = _school_of(user)
    return send_templated_mail(
        to=user.email,
        template="accounts/mail/password_reset",
        context={
            "user": user,
            "username": user.username,
            "link": link,
            "hours": int(services.reset_timeout().total_seconds() // 3600),
        },
        language=user.language,
        school=school,
    )


@task()
def send_username_reminder(key: str, base_url: str) -> int:
    """The usernames of the accounts with this recovery address (as email_key), one mail
    per stored address; returns how many mails were accepted."""
    by_address: dict[str, list] = {}
    for user in services.users_for_address(key).order_by("username"):
        by_address.setdefault(user.email, []).append(user)
    sent = 0
    for address, users in by_address.items():
        sent += send_templated_mail(
            to=address,
            template="accounts/mail/username_reminder",
            context={
                "usernames": [user.username for user in users],
                "login_url": base_url.rstrip("/") + reverse("accounts:login"),
                "forgot_url": base_url.rstrip("/") + reverse("accounts:forgot_password"),
            },
            language=users[0].language,
            school=_school_of(users[0]),
        )
    return sent


@task()
def send_recovery_confirmation(change_id: int, base_url: str) -> bool:
    """The link to confirm a new recovery address, to that new address."""
    change = (
        RecoveryAddressChange.objects.select_related("user", "school").filter(pk=change_id).first()
    )
    if change is None or not change.is_open:
        return False
    user = change.user
    if not base_url:
        logger.warning("PORTAL_URL is not set: link of address change %s lacks a host", change_id)
    return send_templated_mail(
        to=change.new_email,
        template="accounts/mail/recovery_confirm",
        # No username here: this address is not verified yet.
        context={
            "user": user,
            "link": recovery.make_link(change, base_url),
            "by_school": change.source != RecoveryAddressChange.Source.PROFILE,
            "expires_at": change.expires_at,
        },
        language=user.language,
        school=change.school or _school_of(user),
    )


@task()
def send_recovery_notice(change_id: int) -> bool:
    """Tell the address that is being replaced; it stays in use until the confirmation."""
    change = (
        RecoveryAddressChange.objects.select_related("user", "school").filter(pk=change_id).first()
    )
    if change is None or not change.old_email:
        return False
    user = change.user
    return send_templated_mail(
        to=change.old_email,
        template="accounts/mail/recovery_notice",
        context={
            "user": user,
            "username": user.username,
            "by_school": change.source != RecoveryAddressChange.Source.PROFILE,
            "requested_at": change.created_at,
        },
        language=user.language,
        school=change.school or _school_of(user),
    )


@task()
def send_password_changed_notice(user_id: int, how: str, base_url: str) -> bool:
    """After a password change or reset: tell the owner, at the recovery address."""
    user = get_user_model().objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return False
    logger.info("password %s for account %s: owner notified", how, account_ref(user))
    return send_templated_mail(
        to=user.email,
        template="accounts/mail/password_changed",
        context={
            "user": user,
            "username": user.username,
            "reset": how == "reset",
            "changed_at": timezone.now(),
            "forgot_url": base_url.rstrip("/") + reverse("accounts:forgot_password"),
        },
        language=user.language,
        school=_school_of(user),
    )


@task()
def send_passkey_notice(user_id: int, what: str, name: str, base_url: str) -> bool:
    """A passkey was added, or the last one removed: tell the owner, at the recovery address."""
    user = get_user_model().objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return False
    logger.info("passkey %s for account %s: owner notified", what, account_ref(user))
    return send_templated_mail(
        to=user.email,
        template="accounts/mail/passkey_added"
        if what == "added"
        else "accounts/mail/passkey_removed",
        context={
            "user": user,
            "username": user.username,
            "name": name,
            "at": timezone.now(),
            "forgot_url": base_url.rstrip("/") + reverse("accounts:forgot_password"),
            "passkeys_url": base_url.rstrip("/") + reverse("accounts:passkeys"),
        },
        language=user.language,
        school=_school_of(user),
    )


def _school_of(user):
    record = user.guardian_records.select_related("school").order_by("pk").first()
    if record is not None:
        return record.school
    membership = user.staff_memberships.select_related("school").order_by("pk").first()
    return membership.school if membership is not None else None
