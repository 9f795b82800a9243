"""What happened that parents hear about, who hears about it, and how they want to."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import OutgoingMail, School, Student


class Kind(models.TextChoices):
    RESULTS = "results", _("New results")
    CHANGE_REQUEST = "change_request", _("Decided change requests")
    APPOINTMENT = "appointment", _("Answers to appointment requests")
    DOCUMENT = "document", _("New documents")
    CLOSURE = "closure", _("Closures of the portal")


# Pages of a whole school (their URL takes `school`), even when an event is recorded per
# pupil so that each parent hears of it for their own child.
SCHOOL_PAGES = {"helpdesk:documents"}


class Event(models.Model):
    """One thing that became visible to the parents of one pupil (or of the school).

    `key` names the cause (a release and its moment, a closed period's end, a decided
    request, ...) and the pupil, so recording the same thing twice finds the first row.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The parent page that shows it (a URL name taking `student`, or `school` for a
    # school-wide event); opening that page marks the event seen.
    page = models.CharField(max_length=60)
    key = models.CharField(max_length=160, unique=True)
    happened_at = models.DateTimeField()
    # What a closure event announces (its times, parts and the school's message).
    closed_period = models.ForeignKey(
        "schoolcontrol.ClosedPeriod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")
        indexes = [models.Index(fields=["school", "-happened_at"], name="notif_event_school_idx")]

    def __str__(self) -> str:
        return self.key

    def get_absolute_url(self) -> str:
        if self.student_id is not None and self.page not in SCHOOL_PAGES:
            return reverse(self.page, kwargs={"student": self.student.public_id})
        return reverse(self.page, kwargs={"school": self.school.slug})


class Notification(models.Model):
    """One event for one parent: shown as "new" in the portal, and mailed at most once."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        OWN_MAIL = "own_mail", _("sent with the school's own mail about it")
        OFF = "off", _("not sent: switched off")
        NO_ADDRESS = "no_address", _("not sent: no e-mail address")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    mail = models.ForeignKey(
        OutgoingMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notification_once_per_user")
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="notif_pending_idx"),
            models.Index(fields=["user", "state", "due_at"], name="notif_user_pending_idx"),
            models.Index(fields=["user", "seen_at"], name="notif_unseen_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.user_id}: {self.state}"


class Mode(models.TextChoices):
    DIRECT = "direct", _("straight away")
    DIGEST = "digest", _("once a day, at a time I choose")


# What a school mails its parents until it chooses: a closure starting is optional.
DEFAULT_KINDS = [Kind.RESULTS, Kind.CHANGE_REQUEST, Kind.APPOINTMENT, Kind.DOCUMENT]


class SchoolNotificationSettings(models.Model):
    """Which events mail parents at a school, and the defaults for its parents."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(default=list)
    default_mode = models.CharField(
        _("default for parents"), max_length=8, choices=Mode.choices, default=Mode.DIRECT
    )
    default_digest_time = models.TimeField(_("default time of the daily mail"), default=time(18))

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.school)

    def enabled(self, kind: str) -> bool:
        return kind in self.kinds


class Preference(models.Model):
    """A parent's own choices; without a row the school's defaults apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    off_kinds = models.JSONField(default=list, blank=True)
    mode = models.CharField(_("when"), max_length=8, choices=Mode.choices, default=Mode.DIRECT)
    digest_time = models.TimeField(_("time of the daily mail"), default=time(18))
    quiet_start = models.TimeField(_("no mail from"), default=time(21))
    quiet_end = models.TimeField(_("until"), default=time(7))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
