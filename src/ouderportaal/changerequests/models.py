"""Change requests: a parent proposes, the school's administration decides.

A request is about one pupil (the child the parent opened) and either that pupil's
own data or the parent's own contact data at that school (`guardian` set). Each
proposed field is a RequestedChange holding a snapshot of the value the parent saw,
so that a later change by someone else shows up as a conflict.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.changerequests.fields import STUDENT_FIELDS, field_label
from ouderportaal.core.models import Guardian, School, Student


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    IN_PROGRESS = "in_progress", _("being processed")
    PROCESSED = "processed", _("processed")
    PARTLY_PROCESSED = "partly", _("partly processed")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS)


class ChangeRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ChangeRequest(models.Model):
    class Subject(models.TextChoices):
        STUDENT = "student", _("pupil's data")
        GUARDIAN = "guardian", _("own contact data")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="change_requests")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("pupil")
    )
    subject = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text=_("Set when the parent proposes changes to their own contact data."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="change_requests",
    )
    note = models.TextField(_("explanation"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_on = models.DateField(_("to be processed by"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["school", "status", "created_at"], name="changerequest_queue_idx"),
            models.Index(fields=["submitted_by", "created_at"], name="changerequest_parent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject="student", guardian__isnull=True)
                | Q(subject="guardian", guardian__isnull=False),
                name="changerequest_subject_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} · {self.student} · {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def target(self):
        return self.guardian if self.subject == self.Subject.GUARDIAN else self.student


class RequestedChange(models.Model):
    """One field of a request: the value the parent saw, and what they propose."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="items")
    field = models.CharField(_("field"), max_length=20)
    old_value = models.CharField(_("old value"), max_length=254, blank=True)
    new_value = models.CharField(_("new value"), max_length=254, blank=True)
    accepted = models.BooleanField(_("taken over"), null=True, blank=True)

    class Meta:
        verbose_name = _("requested change")
        verbose_name_plural = _("requested changes")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "field"], name="requestedchange_unique"),
        ]

    def __str__(self) -> str:
        return self.field

    @property
    def label(self):
        return field_label(self.request.subject, self.field)


class ClosureDay(models.Model):
    """A weekday on which the school is closed: holidays of its region, study days."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by the school")
        HOLIDAYS = "holidays", _("school holidays of the region")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=100)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="closureday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


def default_student_fields() -> list[str]:
    return list(STUDENT_FIELDS)


class RequestSettings(models.Model):
    """A school's choices for change requests. Without a row the defaults apply."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="request_settings")
    student_fields = models.JSONField(
        _("pupil data parents may propose"), default=default_student_fields
    )
    summary_enabled = models.BooleanField(_("send a daily summary"), default=True)
    summary_email = models.EmailField(
        _("summary to"),
        blank=True,
        help_text=_("Empty: the school's portal mailbox."),
    )
    last_summary_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("change request settings")
        verbose_name_plural = _("change request settings")

    def __str__(self) -> str:
        return str(self.school)

    @property
    def summary_address(self) -> str:
        return self.summary_email or self.school.portal_email

    @classmethod
    def for_school(cls, school: School) -> RequestSettings:
        found = cls.objects.filter(school=school).first()
        return found if found is not None else cls(school=school)

    @property
    def allowed_student_fields(self) -> list[str]:
        return [f for f in STUDENT_FIELDS if f in (self.student_fields or [])]
