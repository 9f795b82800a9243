"""Accounts for guardians: who gets one, usernames, set-password links, account mail."""

from __future__ import annotations

import logging
import re
import secrets
import string
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from ouderportaal.accounts import usernames
from ouderportaal.accounts.models import (
    AccountMailBatch,
    AccountMailItem,
    AccountState,
    GuardianAccountMail,
    SchoolAccountSettings,
    email_key,
)
from ouderportaal.core import audit, queue
from ouderportaal.core.mail import queue_mail
from ouderportaal.core.models import (
    Custody,
    Guardian,
    GuardianLink,
    OutgoingMail,
    School,
    Student,
)
from ouderportaal.core.privacy import pseudonym

logger = logging.getLogger("ouderportaal.accounts")

RANDOM_USERNAME_LENGTH = 17


# -- Who gets an account -------------------------------------------------------------


def _gezag_with_enrolled_pupil():
    return Exists(
        GuardianLink.objects.filter(
            guardian=OuterRef("pk"),
            custody=Custody.GEZAG,
            student__in=Student.objects.enrolled(),
        )
    )


def annotate_eligibility(guardians):
    return guardians.annotate(has_gezag=_gezag_with_enrolled_pupil())


def eligible_guardians(school: School):
    """Guardians of the school who get an account: gezag over an enrolled pupil, an address."""
    return (
        annotate_eligibility(Guardian.objects.filter(school=school))
        .filter(has_gezag=True)
        .exclude(email="")
    )


NO_GEZAG = _("No parental authority (gezag) over a pupil at school: no account.")
NO_EMAIL = _("No e-mail address known: no account. Ask the administration to add one.")


def why_no_account(guardian) -> str | None:
    """None when the guardian gets an account; otherwise the reason, for the screen."""
    has_gezag = getattr(guardian, "has_gezag", None)
    if has_gezag is None:
        has_gezag = (
            annotate_eligibility(Guardian.objects.filter(pk=guardian.pk))
            .values_list("has_gezag", flat=True)
            .get()
        )
    if not has_gezag:
        return str(NO_GEZAG)
    if not guardian.email:
        return str(NO_EMAIL)
    return None


# -- Usernames ---------------------------------------------------------------------


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", plain)


def username_base(guardian) -> str:
    """JdeVries: the first initial, the prefix as written, the surname with a capital."""
    initial = _letters(guardian.initials or guardian.roepnaam)[:1].upper()
    prefix = _letters(guardian.voorvoegsel)
    surname = _letters(guardian.achternaam)
    surname = surname[:1].upper() + surname[1:]
    return (initial + prefix + surname) or "Ouder"


def random_username() -> str:
    return "".join(secrets.choice(string.ascii_letters) for _ in range(RANDOM_USERNAME_LENGTH))


def existing_usernames() -> set[str]:
    """The look-alike keys (usernames.skeleton) of every account's username."""
    return set(get_user_model().objects.values_list("username_skeleton", flat=True))


def new_username(guardian, taken: set[str]) -> str:
    """A username in the school's style that neither exists nor looks like one that does.

    `taken` holds look-alike keys (usernames.skeleton): case and confusable characters
    make no difference.
    """
    if guardian.school.username_style == School.UsernameStyle.RANDOM:
        while True:
            name = usernames.normalise(random_username())
            if usernames.skeleton(name) not in taken:
                break
    else:
        base = usernames.normalise(username_base(guardian))
        name, number = base, 1
        while usernames.skeleton(name) in taken:
            number += 1
            name = f"{base}{number}"
    taken.add(usernames.skeleton(name))
    return name


def _same_person_elsewhere(guardian):
    """The account of this parent at another school: the account's own address is the
    school's address (compared as in email_key) and the name is the same."""
    return (
        Guardian.objects.filter(
            user__isnull=False,
            user__email_key=email_key(guardian.email),
            achternaam__iexact=guardian.achternaam,
            roepnaam__iexact=guardian.roepnaam,
        )
        .exclude(school=guardian.school)
        .select_related("user")
        .first()
    )


def ensure_accounts(guardians, taken: set[str] | None = None) -> list:
    """Give each guardian (already checked as eligible) an account; return the new users.

    A parent already known at another school with the same name and address keeps
    one account for both schools.
    """
    user_model = get_user_model()
    taken = existing_usernames() if taken is None else taken
    created = []
    for guardian in guardians:
        if guardian.user_id is not None:
            continue
        elsewhere = _same_person_elsewhere(guardian)
        if elsewhere is not None:
            guardian.user = elsewhere.user
        else:
            user = user_model(
                username=new_username(guardian, taken),
                first_name=guardian.roepnaam or guardian.initials,
                last_name=guardian.surname,
                email=guardian.email,
                language=guardian.language,
            )
            user.set_unusable_password()
            user.save()
            guardian.user = user
            created.append(user)
        Guardian.objects.filter(pk=guardian.pk, user__isnull=True).update(user=guardian.user)
    return created


# -- Set-password links --------------------------------------------------------------


def account_state(user) -> AccountState:
    state, _created = AccountState.objects.get_or_create(user=user)
    return state


class AccountLinkTokenGenerator(PasswordResetTokenGenerator):
    """Links that work once, until they expire, and only the newest one.

    The token covers the password hash (setting a password ends it) and the account's
    link generation (a newer mail ends it); the expiry is stored with the account.
    """

    key_salt = "ouderportaal.accounts.AccountLinkTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        generation = (
            AccountState.objects.filter(user=user).values_list("link_generation", flat=True).first()
        )
        return f"{user.pk}{user.password}{generation or 0}{timestamp}"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        expires = (
            AccountState.objects.filter(user=user).values_list("link_expires_at", flat=True).first()
        )
        return expires is not None and timezone.now() < expires


link_tokens = AccountLinkTokenGenerator()


def new_link(user, *, valid_for: timedelta, base_url: str) -> str:
    """Make the account's one valid link (older ones stop working) and return its URL."""
    with transaction.atomic():
        state = AccountState.objects.select_for_update().get_or_create(user=user)[0]
        state.link_generation += 1
        state.link_expires_at = timezone.now() + valid_for
        state.save(update_fields=["link_generation", "link_expires_at"])
    path = reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": link_tokens.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def end_links(user) -> None:
    """After a password is set, no link of this account works any more."""
    AccountState.objects.filter(user=user).update(link_expires_at=None)


def link_valid_days(school: School) -> int:
    found = (
        SchoolAccountSettings.objects.filter(school=school)
        .values_list("link_valid_days", flat=True)
        .first()
    )
    return found or 14


def save_link_validity(settings: SchoolAccountSettings, *, actor) -> SchoolAccountSettings:
    """Save how long the links in the school's account mail work."""
    with transaction.atomic():
        before = SchoolAccountSettings.objects.filter(pk=settings.pk).first()
        old = audit.values_of(before, ["link_valid_days"]) if before else None
        settings.save()
        audit.record(
            "accounts.settings.changed",
            actor=actor,
            school=settings.school,
            obj=settings,
            old=old,
            new=audit.values_of(settings, ["link_valid_days"]),
        )
    return settings


# -- Sending account mail --------------------------------------------------------------


def account_mail_address(guardian) -> str:
    """Where the guardian's account mail goes: the account's own (verified) address.

    The school's address is used only for an account that has none; a school never
    sends a set-password link for an account to an address the account has not
    confirmed (see accounts/recovery.py).
    """
    user = guardian.user
    return (user.email if user is not None else "") or guardian.email


def queue_account_mail(guardian, base_url: str):
    """Put the guardian's mail with their username and a fresh set-password link in the
    outbox; returns the outbox row."""
    days = link_valid_days(guardian.school)
    user = guardian.user
    link = new_link(user, valid_for=timedelta(days=days), base_url=base_url)
    return queue_mail(
        to=account_mail_address(guardian),
        template="accounts/mail/account_mail",
        context={
            "guardian": guardian,
            "username": user.username,
            "link": link,
            "days": days,
            "login_url": base_url.rstrip("/") + reverse("accounts:login"),
            # An active parent asked for new account information: no "account made" text.
            "active": user.has_usable_password(),
        },
        language=guardian.language,
        school=guardian.school,
    )


# A guardian whose account already has a password: the parent uses the portal.
ACTIVE = Q(user__isnull=False) & ~Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
NOT_RECEIVED = Q(account_mail__isnull=True) | Q(account_mail__last_sent_at__isnull=True)


def send_preview(school, guardians) -> dict:
    """What a bulk send to these guardians would do, in counts, before anything is done."""
    chosen = Guardian.objects.filter(school=school, pk__in=guardians)
    eligible = eligible_guardians(school).filter(pk__in=guardians)
    return {
        "to_send": eligible.filter(NOT_RECEIVED)
        .exclude(ACTIVE)
        .exclude(pk__in=busy_guardian_ids())
        .count(),
        "active": eligible.filter(ACTIVE).count(),
        "already_sent": eligible.exclude(NOT_RECEIVED).exclude(ACTIVE).count(),
        "busy": eligible.exclude(ACTIVE).filter(pk__in=busy_guardian_ids()).count(),
        "no_account": chosen.count() - eligible.count(),
    }


def busy_guardian_ids():
    return AccountMailItem.objects.filter(
        state__in=[AccountMailItem.State.QUEUED, AccountMailItem.State.SENDING]
    ).values("guardian_id")


def start_batch(*, school, guardians, scope, label, actor, base_url, only_new=True):
    """Create accounts where needed and queue one account mail per guardian.

    Guardians with a mail already waiting are left out, and for a bulk send (only_new)
    so are those who already received one: a double click sends nothing twice.
    """
    from ouderportaal.accounts.tasks import send_account_mail_item

    with transaction.atomic():
        candidates = (
            eligible_guardians(school)
            .filter(pk__in=[g.pk for g in guardians] if isinstance(guardians, list) else guardians)
            .exclude(pk__in=busy_guardian_ids())
            .select_related("school")
            .order_by("pk")
        )
        if only_new:
            # A bulk send is for parents who do not use the portal yet: a parent who has
            # set a password gets no "account made for you" mail.
            candidates = candidates.filter(NOT_RECEIVED).exclude(ACTIVE)
        candidates = list(candidates)
        created = ensure_accounts(candidates)
        if only_new:
            # A parent already active at another school keeps that account; linked now,
            # they see the new child when they log in, without a mail.
            candidates = [g for g in candidates if not g.user.has_usable_password()]
        batch = AccountMailBatch.objects.create(
            school=school,
            scope=scope,
            label=label,
            created_by=actor,
            total=len(candidates),
            base_url=base_url,
        )
        items = AccountMailItem.objects.bulk_create(
            AccountMailItem(batch=batch, guardian=guardian) for guardian in candidates
        )
        audit.record(
            "account.mail.queued",
            actor=actor,
            school=school,
            obj=batch,
            scope=scope,
            count=len(items),
            accounts_created=len(created),
        )
        # Queued in the same transaction: either the items and their tasks exist, or neither.
        item_ids = [item.pk for item in items]
        if item_ids and item_ids[0] is None:  # databases that do not return ids
            item_ids = list(batch.items.order_by("pk").values_list("pk", flat=True))
        for item_id in item_ids:
            queue.enqueue(send_account_mail_item, item_id)
    return batch


def deliver_item(item_id: int) -> str:
    """Put one queued account mail in the outbox, exactly once; returns the item's state.

    The item is claimed (queued → sending) before anything else happens, so a duplicate
    task does nothing. The outbox sends the mail and reports back through
    `record_account_mail_result`.
    """
    state = AccountMailItem.State
    claimed = AccountMailItem.objects.filter(pk=item_id, state=state.QUEUED).update(
        state=state.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return "not-queued"
    item = AccountMailItem.objects.select_related(
        "batch", "guardian__school", "guardian__user"
    ).get(pk=item_id)
    guardian = item.guardian
    if (
        guardian.user is None
        or not eligible_guardians(guardian.school).filter(pk=guardian.pk).exists()
    ):
        AccountMailItem.objects.filter(pk=item_id).update(
            state=state.SKIPPED, finished_at=timezone.now()
        )
        return state.SKIPPED
    with transaction.atomic():
        mail = queue_account_mail(guardian, item.batch.base_url)
        AccountMailItem.objects.filter(pk=item_id).update(mail=mail)
    return state.SENDING


def record_account_mail_result(*, mail, sent: bool, **kwargs) -> None:
    """The outbox is done with an account mail: record how it went, per item and guardian.

    Runs in the outbox's transaction (connected to `core.mail.mail_finished`).
    """
    state = AccountMailItem.State
    item = (
        AccountMailItem.objects.filter(mail_id=mail.pk, state=state.SENDING)
        .select_related("guardian")
        .first()
    )
    if item is None:
        return
    now = timezone.now()
    if sent:
        final = state.SENT
    elif mail.refused:
        final = state.REFUSED
    else:
        final = state.FAILED
    AccountMailItem.objects.filter(pk=item.pk, state=state.SENDING).update(
        state=final, finished_at=now
    )
    if final == state.FAILED:
        # Never reached the mail server: the guardian still counts as not mailed.
        logger.warning(
            "account mail for guardian %s could not be delivered",
            pseudonym("log-guardian", str(item.guardian_id), length=12),
        )
        return
    record, _created = GuardianAccountMail.objects.get_or_create(guardian=item.guardian)
    record.last_sent_at = now
    record.accepted = sent
    record.times_sent += 1
    record.save()
    if not sent:
        logger.warning(
            "account mail for guardian %s not accepted",
            pseudonym("log-guardian", str(item.guardian_id), length=12),
        )


INTERRUPTED_AFTER = timedelta(minutes=10)


def interrupted_items(batch):
    """Items whose sender stopped halfway: claimed long ago with no mail in the outbox,
    or with their mail stuck in "sending". They are not resent by themselves."""
    cutoff = timezone.now() - INTERRUPTED_AFTER
    return batch.items.filter(state=AccountMailItem.State.SENDING).filter(
        Q(mail__isnull=True, claimed_at__lt=cutoff)
        | Q(mail__state=OutgoingMail.State.SENDING, mail__claimed_at__lt=cutoff)
    )


def batch_progress(batch) -> dict:
    from django.db.models import Count

    counts = dict(batch.items.values_list("state").annotate(n=Count("pk")).order_by())
    state = AccountMailItem.State
    interrupted = interrupted_items(batch).count()
    # Waiting in the outbox for the mail server to answer again.
    retrying = batch.items.filter(
        state=state.SENDING, mail__state=OutgoingMail.State.QUEUED, mail__attempts__gt=0
    ).count()
    done = sum(counts.get(s, 0) for s in (state.SENT, state.REFUSED, state.SKIPPED, state.FAILED))
    return {
        "queued": counts.get(state.QUEUED, 0),
        "sending": counts.get(state.SENDING, 0) - interrupted - retrying,
        "interrupted": interrupted,
        "sent": counts.get(state.SENT, 0),
        "refused": counts.get(state.REFUSED, 0),
        "skipped": counts.get(state.SKIPPED, 0),
        "failed": counts.get(state.FAILED, 0),
        "retrying": retrying,
        "done": done,
        "total": batch.total,
        "percent": round(100 * (done + interrupted) / batch.total) if batch.total else 100,
        "finished": done + interrupted >= batch.total,
    }


# -- Forgot password / username ------------------------------------------------------------


def users_for_address(address: str):
    """Active accounts whose own recovery address is `address` (compared as in email_key).

    Only `User.email` counts: a school's record of a guardian never leads to an
    account here, and mail always goes to the stored address, never to `address`.
    """
    key = email_key(address)
    if not key:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(email_key=key, is_active=True).exclude(email="")


def reset_timeout() -> timedelta:
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
