"""What the school decides about the parent portal: open modules, closed periods, releases.

Nothing here is ever switched by a scheduled job: every rule is a comparison with a
moment (`at`), so a change takes effect exactly at its time (see `rules` and `gates`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import Group, School, SchoolYear
from ouderportaal.schoolcontrol.modules import ALL_MODULES, MODULE_LABELS

DEFAULT_CLOSED_MESSAGE = (
    "Het ouderportaal is gesloten in verband met de rapporten. "
    "Zodra het rapport is uitgegaan, ziet u de gegevens van uw kind weer."
)


class Moment(models.TextChoices):
    """Cito test moments: begin, middle and end of the school year."""

    BEGIN = "B", _("beginning of the year (B)")
    MIDDLE = "M", _("middle of the year (M)")
    END = "E", _("end of the year (E)")


class ModuleSetting(models.Model):
    """Whether one portal module is open to parents at one school.

    A module without a row is open: a new module does not disappear by surprise, and
    the portal manager closes what the school has not agreed on.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="module_settings")
    module = models.CharField(
        _("module"), max_length=20, choices=[(m, MODULE_LABELS[m]) for m in ALL_MODULES]
    )
    is_open = models.BooleanField(_("open for parents"), default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("portal module")
        verbose_name_plural = _("portal modules")
        constraints = [
            models.UniqueConstraint(fields=["school", "module"], name="modulesetting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.module}: {self.is_open}"


class ClosedPeriod(models.Model):
    """A time span in which the portal, or some modules, are closed to parents.

    Results entered during the span stay hidden from parents until it ends; ending it
    early ("het rapport gaat uit") shows them at once.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closed_periods")
    starts_at = models.DateTimeField(_("closed from"))
    ends_at = models.DateTimeField(_("open again at"))
    whole_portal = models.BooleanField(_("the whole portal"), default=True)
    modules = models.JSONField(_("modules"), default=list, blank=True)
    message = models.TextField(_("message for parents"), default=DEFAULT_CLOSED_MESSAGE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the audit trail recorded the start and the end of the period (see audit_effects).
    start_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    end_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="closedperiod_order"
            ),
        ]
        indexes = [models.Index(fields=["school", "ends_at"], name="closedperiod_school_idx")]

    def __str__(self) -> str:
        return f"{self.school}: {self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"

    def covers(self, module: str | None) -> bool:
        """True when the period closes this module (None: the portal as a whole)."""
        if self.whole_portal:
            return True
        return module is not None and module in self.modules

    def is_active(self, at) -> bool:
        return self.starts_at <= at < self.ends_at

    @property
    def module_labels(self) -> list[str]:
        return [str(MODULE_LABELS[m]) for m in ALL_MODULES if m in self.modules]

    def as_audit(self) -> dict:
        return {
            "starts_at": timezone.localtime(self.starts_at).isoformat(),
            "ends_at": timezone.localtime(self.ends_at).isoformat(),
            "whole_portal": self.whole_portal,
            "modules": list(self.modules),
            "message": self.message,
        }


class Release(models.Model):
    """Results of a Cito moment that parents see only from a set date and time.

    Without a group the release holds the moment back for the whole school; with a
    group it holds back that group's results until its own report day. A result is
    shown only when every release that applies to it has passed; in a moment released
    per group, results of a group without a release date stay hidden.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="releases")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    moment = models.CharField(_("test moment"), max_length=1, choices=Moment.choices)
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    release_at = models.DateTimeField(_("visible to parents from"))
    announce = models.BooleanField(
        _("tell parents the date"),
        default=True,
        help_text=_('Parents see "New results are visible from <date>" until then.'),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the audit trail recorded that the release took effect (see audit_effects).
    effect_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["release_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "moment"],
                condition=Q(group__isnull=True),
                name="release_school_unique",
            ),
            models.UniqueConstraint(
                fields=["school_year", "moment", "group"],
                condition=Q(group__isnull=False),
                name="release_group_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.moment} {self.group or '*'} {self.release_at}"

    def as_audit(self) -> dict:
        return {
            "school_year": self.school_year.label,
            "moment": self.moment,
            "group": self.group.name if self.group_id else None,
            "release_at": timezone.localtime(self.release_at).isoformat(),
            "announce": self.announce,
        }
