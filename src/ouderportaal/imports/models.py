"""The record of every import: what was uploaded, what it would do, what it did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import School


class ImportRun(models.Model):
    """One file offered for import: first a preview, then (when confirmed) applied.

    The uploaded content is kept only while the preview waits for confirmation; it is
    cleared once the run is applied or cancelled, so that the portal does not keep a
    second copy of the administration's file. The list of changes and the counts stay.
    """

    class Kind(models.TextChoices):
        EDEXML = "edexml", _("pupils, groups and teachers (EDEXML)")
        GUARDIANS = "guardians", _("parents and guardians (CSV)")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("waiting for confirmation")
        REFUSED = "refused", _("refused: the file has errors")
        APPLIED = "applied", _("imported")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed, nothing changed")

    class Source(models.TextChoices):
        WEB = "web", _("back office")
        COMMAND = "command", _("command line")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    source = models.CharField(_("started from"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"), blank=True, default=b"")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # What makes the import dangerous (imports.safeguards), as codes with their figures.
    risks = models.JSONField(_("risks"), default=list, blank=True)
    file_created_at = models.DateTimeField(_("file made at"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "-created_at"], name="importrun_school_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p.get("severity") == "error"]

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.PREVIEW and not self.errors
