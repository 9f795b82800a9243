"""The user account, and what the portal keeps about logins and account mail.

Parents and staff use the same account type and the same login. The school's record
of a guardian stays in `core.Guardian`; what this app adds (account mail sent, links,
second factor, failed logins) lives here.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def email_key(address: str) -> str:
    """The form in which two e-mail addresses are compared: NFKC, then case-folded.

    The same comparison as Django's PasswordResetForm, done in Python so that SQLite
    and PostgreSQL agree: database case mapping (UPPER on PostgreSQL) would make
    look-alikes such as a dotless ı match a plain i.
    """
    return unicodedata.normalize("NFKC", address.strip()).casefold()


class AccountManager(UserManager):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk inserts skip save(): fill the derived keys here as well."""
        objs = list(objs)
        for user in objs:
            user.fill_derived_fields()
        return super().bulk_create(objs, *args, **kwargs)


class User(AbstractUser):
    """A person who can log in.

    Usernames are case-sensitive at login (JdeVries is not jdevries) but unique
    regardless of case, so that two accounts never differ only in capitals, and unique
    by their look-alike skeleton (see accounts/usernames.py), kept up to date on save.

    `email` is the account's verified recovery address: password resets and username
    reminders go there and nowhere else. The school's records of the parent
    (`core.Guardian.email`) never change it directly; see `accounts/recovery.py`.
    """

    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("nl", _("Dutch")), ("en", _("English"))],
        default="nl",
    )
    # `email` in comparable form (see email_key); kept in step by save().
    email_key = models.CharField(max_length=254, blank=True, db_index=True, editable=False)
    # UTS #39 skeleton of the username, any case: no two accounts may look alike.
    username_skeleton = models.TextField(editable=False)
    # Raised in the transaction that records news for this person and back to 0 once
    # all of it is seen (notifications.services): at 0, pages look for no unseen news.
    # Changed only by queries of its own, never by saving an account read earlier.
    news_mark = models.PositiveIntegerField(default=0, editable=False)

    objects = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                fields=["username_skeleton"], name="user_username_skeleton_unique"
            ),
        ]

    # Keys computed from other fields, so that lookups compare plain values.
    DERIVED_FIELDS = {"username": "username_skeleton", "email": "email_key"}

    def fill_derived_fields(self) -> None:
        from ouderportaal.accounts import usernames

        self.username = usernames.normalise(self.username)
        self.username_skeleton = usernames.skeleton(self.username)
        self.email_key = email_key(self.email or "")

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is None and not self._state.adding:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "news_mark"
            ]
        elif update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                *(self.DERIVED_FIELDS[f] for f in update_fields if f in self.DERIVED_FIELDS),
            }
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AccountState(models.Model):
    """Per account: the one valid set-password link, and the second factor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state"
    )
    # Every new link raises the generation; a link made for an older one no longer works.
    link_generation = models.PositiveIntegerField(default=0)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted 30-second step, so a code cannot be used twice.
    totp_last_step = models.BigIntegerField(default=0)
    # Failed logins before this moment no longer count against the account (staff lifted
    # the lock).
    lock_lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret) and self.totp_confirmed_at is not None

    @classmethod
    def of(cls, user) -> AccountState | None:
        """The account's state, or None: without a query when the account was loaded
        with it (`select_related("account_state")`, as the login does)."""
        if User.account_state.is_cached(user):
            try:
                return user.account_state
            except cls.DoesNotExist:
                return None
        return cls.objects.filter(user=user).first()


class SchoolAccountSettings(models.Model):
    """A school's choices about account mail."""

    school = models.OneToOneField(
        "core.School", on_delete=models.CASCADE, related_name="account_settings"
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("days a set-password link stays valid"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("account settings of a school")
        verbose_name_plural = _("account settings of schools")

    def __str__(self) -> str:
        return str(self.school)


class GuardianAccountMail(models.Model):
    """Per guardian record: when the last account mail went out and how it went."""

    guardian = models.OneToOneField(
        "core.Guardian", on_delete=models.CASCADE, related_name="account_mail"
    )
    last_sent_at = models.DateTimeField(_("last account mail"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted by the mail server"), null=True)
    times_sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("account mail of a guardian")
        verbose_name_plural = _("account mail of guardians")

    def __str__(self) -> str:
        return str(self.guardian)


class AccountMailBatch(models.Model):
    """One request by staff to send account mail, to one guardian or to many."""

    class Scope(models.TextChoices):
        SCHOOL = "school", _("whole school")
        GROUP = "group", _("group")
        GUARDIAN = "guardian", _("one guardian")

    school = models.ForeignKey("core.School", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    label = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    total = models.PositiveIntegerField(default=0)
    # The portal's address as the staff member used it, for the links in the mails.
    base_url = models.URLField(max_length=200)

    class Meta:
        verbose_name = _("account mail batch")
        verbose_name_plural = _("account mail batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school} {self.created_at:%Y-%m-%d %H:%M} ({self.total})"


class AccountMailItem(models.Model):
    """One mail of a batch. Its state moves forward only, by conditional updates.

    queued → sending (claimed, then its mail is put in the outbox) → sent/refused/failed
    when the outbox reports how the mail went; a queued item whose guardian no longer
    qualifies becomes skipped. While the mail server cannot be reached the item stays
    "sending" and the outbox tries again later. An item whose mail was interrupted is
    shown to staff and never resent by itself, so nobody gets the same mail twice by
    accident.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("accepted by the mail server")
        REFUSED = "refused", _("not accepted by the mail server")
        SKIPPED = "skipped", _("skipped: no longer qualifies")
        FAILED = "failed", _("not sent: the mail server could not be reached")

    batch = models.ForeignKey(AccountMailBatch, on_delete=models.CASCADE, related_name="items")
    guardian = models.ForeignKey("core.Guardian", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    mail = models.OneToOneField(
        "core.OutgoingMail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_mail_item",
    )

    class Meta:
        verbose_name = _("account mail")
        verbose_name_plural = _("account mails")
        constraints = [
            models.UniqueConstraint(fields=["batch", "guardian"], name="accountmailitem_unique"),
        ]
        indexes = [models.Index(fields=["guardian", "state"], name="accountmailitem_state_idx")]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.state})"


class LoginFailure(models.Model):
    """One failed password or code: the basis for slowing down guessing.

    Nothing here can be read back into a name or an address: the typed name and the
    address are kept as keyed pseudonyms (core.privacy), enough to count.
    """

    class Kind(models.TextChoices):
        PASSWORD = "password", _("password")
        CODE = "code", _("code from the app")
        PASSKEY = "passkey", _("passkey")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # Pseudonym of the typed name (normalised, any case); used when no account has it.
    username_key = models.CharField(max_length=64)
    address_key = models.CharField(max_length=64, blank=True)
    # The nonce of the browser's device cookie for this account; empty: unknown device.
    device = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PASSWORD)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["user", "at"], name="loginfailure_account_idx"),
            models.Index(fields=["username_key", "at"], name="loginfailure_user_idx"),
            models.Index(fields=["address_key", "at"], name="loginfailure_address_idx"),
            models.Index(fields=["device", "at"], name="loginfailure_device_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M:%S}"


class RecoveryAddressChange(models.Model):
    """A new recovery address waiting for the account owner's confirmation.

    Made when the parent gives a new address in their profile, or when the school's
    data for the parent gets a new address (guardian import, approved change
    request). The link goes to the new address and a notice to the old one; the
    account keeps its address until the owner, logged in, confirms through the link.
    A link works once, until it expires, and only the newest one per account.
    """

    class Source(models.TextChoices):
        PROFILE = "profile", _("the parent's profile")
        IMPORT = "import", _("guardian import")
        CHANGE_REQUEST = "change_request", _("approved change request")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_changes"
    )
    new_email = models.EmailField()
    old_email = models.EmailField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    school = models.ForeignKey(
        "core.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # SHA-256 of the link's secret; the secret itself is only in the mail.
    token_hash = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery address change")
        verbose_name_plural = _("recovery address changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["token_hash"], name="recoverychange_token_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return (
            self.confirmed_at is None
            and self.cancelled_at is None
            and timezone.now() < self.expires_at
        )


class Passkey(models.Model):
    """A passkey (WebAuthn credential) of one account, on one device or password manager.

    Only the public key is kept: the private key never leaves the parent's device. The
    signature counter goes up with each use on authenticators that keep one; a response
    that does not raise it is refused (a copied key or a replayed response).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(_("name"), max_length=60)
    # base64url of the credential id the authenticator chose (at most 1023 bytes).
    credential_id = models.CharField(max_length=1400, unique=True)
    # The COSE-encoded public key.
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    # base64url of the random user handle given to the authenticator (not the user's id).
    user_handle = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
