"""Help pages, documents, the school's vision and rules, and appointment requests.

Everything here belongs to one school. Formatted text is stored twice: the source the
portal manager wrote, and the sanitised HTML made from it on save (see `formatting`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import School, StaffMember, Student
from ouderportaal.helpdesk.formatting import render_text


def new_token() -> str:
    """A non-guessable id for use in addresses."""
    return secrets.token_urlsafe(16)


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class HelpPage(models.Model):
    """A help topic written by the school. It replaces the built-in text with the same
    slug and language, or adds a new topic."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="help_pages")
    slug = models.SlugField(_("short name in the address"), max_length=80)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help page")
        verbose_name_plural = _("help pages")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "slug", "language"], name="helppage_slug_unique"
            ),
        ]
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_text(self.body)
        super().save(*args, **kwargs)


class SchoolRules(models.Model):
    """The school's vision on the portal and its communication rules."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="portal_rules")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False, default="")
    ask_to_read = models.BooleanField(
        _("ask parents to read this"),
        default=False,
        help_text=_(
            "Parents see a notice on their home page until they have marked the page as read."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vision and rules")
        verbose_name_plural = _("visions and rules")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_text(self.body)
        super().save(*args, **kwargs)


class RulesAcknowledgement(models.Model):
    """A parent marked the school's vision and rules as read."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rules_acknowledgements"
    )
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read vision and rules")
        verbose_name_plural = _("read visions and rules")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="rulesack_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school}"


def document_path(instance, filename: str) -> str:
    # The stored name never contains the uploaded name: only the school and a token.
    return f"helpdesk/{instance.school_id}/{secrets.token_hex(16)}.{instance.extension}"


class Document(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("everyone (also without logging in)")
        PARENTS = "parents", _("logged-in parents of this school")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="documents")
    public_id = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    audience = models.CharField(
        _("who may download it"),
        max_length=8,
        choices=Audience.choices,
        default=Audience.PARENTS,
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    extension = models.CharField(max_length=5, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False, default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.audience == self.Audience.PUBLIC


class AppointmentRequest(models.Model):
    """A parent asks the child's teacher for a conversation."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        PROPOSED = "proposed", _("time proposed")
        ANSWERED = "answered", _("answered")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="appointment_requests"
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointment_requests"
    )
    subject = models.CharField(_("what would you like to talk about?"), max_length=200)
    preferred_times = models.CharField(
        _("preferred days and times"),
        max_length=300,
        help_text=_("For example: Tuesday or Thursday after 15:00."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    proposed_time = models.DateTimeField(_("proposed time"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "-created_at"], name="appointment_status_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class LoginHelpRequest(models.Model):
    """A sent "I cannot log in" form, kept only as hashes to limit how often it is used."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.school} {self.sent_at:%Y-%m-%d %H:%M}"
