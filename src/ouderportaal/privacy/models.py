"""What the portal keeps to be open about personal data: the access log of staff reads,
each school's privacy settings (retention, who to ask) and a parent's data exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import Board, Guardian, School, Student


class DataKind(models.TextChoices):
    """The kinds of personal data a back-office page shows (`staff_view(reads=...)`)."""

    PUPIL = "pupil", _("personal data of the pupil")
    PUPIL_LIST = "pupil_list", _("list of pupils")
    RESULTS = "results", _("results")
    GUARDIAN = "guardian", _("contact data of parents")
    CHANGE_REQUEST = "change_request", _("change request")
    APPOINTMENT = "appointment", _("appointment request")
    PREVIEW = "preview", _("the portal as the parent sees it")


class StaffRead(models.Model):
    """One staff member's look at personal data: who, in which role, when, what kind,
    and which pupil (or guardian). Written once per page, never changed."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    roles = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=DataKind.choices)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, null=True, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff read")
        verbose_name_plural = _("staff reads")
        indexes = [
            models.Index(fields=["student", "-at"], name="staffread_student_idx"),
            models.Index(fields=["guardian", "-at"], name="staffread_guardian_idx"),
            models.Index(fields=["at"], name="staffread_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


def _years(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


# The portal's terms for a school whose board and the school itself set none.
DEFAULT_TERMS = {"pupil_years": 2, "log_months": 24}
PUPIL_YEARS = (1, 10)
LOG_MONTHS = (6, 84)


class TermSource(models.TextChoices):
    """Where a school's retention term comes from."""

    SCHOOL = "school", _("the school's own term")
    BOARD = "board", _("the school board's term")
    DEFAULT = "default", _("the portal's default term")


@dataclass(frozen=True)
class Term:
    value: int
    source: TermSource


class BoardPrivacySettings(models.Model):
    """A school board's retention terms: its schools follow them unless a school sets
    its own. Set by the installation's superusers (Django admin): the portal has no
    role at board level; the back office shows them read-only."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="privacy")
    pupil_years = models.PositiveSmallIntegerField(
        _("years to keep a pupil's data after leaving"),
        default=DEFAULT_TERMS["pupil_years"],
        validators=_years(*PUPIL_YEARS),
    )
    log_months = models.PositiveSmallIntegerField(
        _("months to keep the access log and audit trail"),
        default=DEFAULT_TERMS["log_months"],
        validators=_years(*LOG_MONTHS),
    )

    class Meta:
        verbose_name = _("school board's retention terms")
        verbose_name_plural = _("school boards' retention terms")

    def __str__(self) -> str:
        return str(self.board)


class PrivacySettings(models.Model):
    """A school's privacy choices; a school without a row uses the defaults. A term
    left empty follows the school board's (BoardPrivacySettings), or the portal's."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="privacy")
    show_staff_names = models.BooleanField(
        _("show staff names to parents"),
        default=True,
        help_text=_("Off: parents see the role (teacher, administration) but not the name."),
    )
    pupil_years = models.PositiveSmallIntegerField(
        _("years to keep a pupil's data after leaving"),
        null=True,
        blank=True,
        validators=_years(*PUPIL_YEARS),
        help_text=_("Empty: the school board's term (two years unless the board sets another)."),
    )
    log_months = models.PositiveSmallIntegerField(
        _("months to keep the access log and audit trail"),
        null=True,
        blank=True,
        validators=_years(*LOG_MONTHS),
        help_text=_("Empty: the school board's term."),
    )
    officer_name = models.CharField(_("privacy officer (FG)"), max_length=200, blank=True)
    officer_email = models.EmailField(_("privacy officer's e-mail address"), blank=True)

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return str(self.school)

    @classmethod
    def of(cls, school) -> PrivacySettings:
        """The school's settings, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(school=school).first() or cls(school=school)

    @cached_property
    def board_terms(self) -> BoardPrivacySettings | None:
        return BoardPrivacySettings.objects.filter(board_id=self.school.board_id).first()

    def term(self, name: str) -> Term:
        """The term in effect ("pupil_years" or "log_months") and where it comes from."""
        own = getattr(self, name)
        if own is not None:
            return Term(own, TermSource.SCHOOL)
        if self.board_terms is not None:
            return Term(getattr(self.board_terms, name), TermSource.BOARD)
        return Term(DEFAULT_TERMS[name], TermSource.DEFAULT)

    @property
    def pupil_term(self) -> Term:
        return self.term("pupil_years")

    @property
    def log_term(self) -> Term:
        return self.term("log_months")


class DataExport(models.Model):
    """A parent's request for their data (AVG art. 15 and 20): prepared in the background,
    downloaded once within a short time; the file is erased once downloaded."""

    class State(models.TextChoices):
        QUEUED = "queued", _("being prepared")
        READY = "ready", _("ready")
        DOWNLOADED = "downloaded", _("downloaded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    content = models.BinaryField(blank=True, default=b"")
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} ({self.state})"


class RetentionRun(models.Model):
    """What one run of `apply-retention` removed: counts per kind, never content."""

    at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
