"""Previewing and applying imports, for the back office and the commands alike.

A preview reads the file and compares it with the database without writing anything
but the ImportRun record. Confirming reads the stored file again, plans again against
the data as it is now, and applies only when the plan is still the one that was shown;
everything happens in one transaction, so a failure changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core.audit import record
from ouderportaal.imports.edexml import read_edexml
from ouderportaal.imports.guardians import GuardiansImport, read_guardians_csv
from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.pupils import EdexmlImport
from ouderportaal.imports.report import Report
from ouderportaal.imports.safeguards import confirmation_matches, edexml_risks


def max_upload_bytes() -> int:
    """The largest import file (setting IMPORT_MAX_UPLOAD_MB)."""
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


PREVIEW_LIFETIME = timedelta(days=7)


class ImportConflict(Exception):
    """The run cannot be confirmed (any more)."""


def build(kind: str, school, content: bytes, actor=None):
    """Read the file and plan the import: (report, planner or None)."""
    report = Report()
    today = timezone.localdate()
    data = None
    if kind == ImportRun.Kind.EDEXML:
        data = read_edexml(content, report)
        planner = EdexmlImport(school, data, report, today) if data else None
    else:
        rows = read_guardians_csv(content, report)
        planner = GuardiansImport(school, rows, report, actor) if rows is not None else None
    if planner is not None and not report.has_errors:
        planner.plan()
    if report.has_errors:
        planner = None
    elif data is not None:
        report.risks = edexml_risks(school, data, report, today)
        report.file_created_at = data.school.created
    return report, planner


def _confirmation_needed(school, report: Report, confirmation: str | None) -> str | None:
    """Why a risky import may not go ahead yet; None when it may."""
    if not report.risks or confirmation_matches(school, confirmation):
        return None
    return _(
        "Nothing was imported. This import needs your explicit confirmation: type the "
        "school's name exactly as shown."
    )


def _store_plan(run: ImportRun, report: Report) -> None:
    run.counts = report.summary()
    run.changes = report.items
    run.problems = report.problem_dicts()
    run.fingerprint = report.fingerprint()
    run.risks = report.risks
    run.file_created_at = report.file_created_at


def preview(kind, school, content: bytes, file_name: str, user=None, source="web") -> ImportRun:
    # Previews nobody confirmed within a week are dropped, with the file they hold.
    ImportRun.objects.filter(
        school=school,
        status=ImportRun.Status.PREVIEW,
        created_at__lt=timezone.now() - PREVIEW_LIFETIME,
    ).update(status=ImportRun.Status.CANCELLED, content=b"")
    report, _planner = build(kind, school, content, actor=user)
    run = ImportRun(
        school=school,
        kind=kind,
        source=source,
        file_name=file_name[:255],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _store_plan(run, report)
    if report.has_errors:
        run.status = ImportRun.Status.REFUSED
        run.content = b""
    else:
        run.status = ImportRun.Status.PREVIEW
        run.content = content
    run.save()
    return run


def confirm(run: ImportRun, user=None, confirmation: str | None = None) -> ImportRun:
    """Apply a previewed run. Raises ImportConflict when it cannot (or no longer) be done.

    A run with risks (imports.safeguards) needs `confirmation`: the school's name.
    """
    conflict = None
    try:
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status != ImportRun.Status.PREVIEW:
                raise ImportConflict(_("This import was already handled."))
            report, planner = build(locked.kind, locked.school, bytes(locked.content), user)
            if planner is None:
                # Re-validated at confirmation: the data no longer allows it.
                _store_plan(locked, report)
                locked.status = ImportRun.Status.REFUSED
                locked.content = b""
                locked.save()
                return locked
            if report.fingerprint() != locked.fingerprint or report.risks != locked.risks:
                _store_plan(locked, report)
                locked.save()
                conflict = _(
                    "The portal's data changed since this preview. Nothing was imported; "
                    "check the preview below again and confirm once more."
                )
            elif refusal := _confirmation_needed(locked.school, report, confirmation):
                conflict = refusal
            else:
                planner.apply()
                _store_plan(locked, report)
                locked.status = ImportRun.Status.APPLIED
                locked.applied_by = user if user is not None and user.is_authenticated else None
                locked.applied_at = timezone.now()
                locked.content = b""
                locked.save()
                record(
                    f"imports.{locked.kind}.applied",
                    actor=user,
                    school=locked.school,
                    obj=locked,
                    file_name=locked.file_name,
                    counts=locked.counts,
                    confirmed_risks=[risk["code"] for risk in locked.risks],
                )
    except DatabaseError as exc:
        reason = _("The import failed and nothing was changed: %(reason)s") % {"reason": exc}
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEW).update(
            status=ImportRun.Status.FAILED, content=b"", message=reason[:500]
        )
        raise ImportConflict(reason) from exc
    if conflict:
        raise ImportConflict(conflict)
    return locked


def import_now(
    kind, school, content: bytes, file_name: str, user=None, source="command", force=False
):
    """Read, plan and apply in one go (the commands): one transaction, recorded as a run.

    A file with risks (imports.safeguards) is refused unless `force` is given.
    """
    run = ImportRun(
        school=school,
        kind=kind,
        source=source,
        file_name=file_name[:255],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            report, planner = build(kind, school, content, actor=user)
            _store_plan(run, report)
            if planner is None:
                run.status = ImportRun.Status.REFUSED
                run.save()
                return run
            if report.risks and not force:
                run.status = ImportRun.Status.REFUSED
                run.message = _("Needs explicit confirmation (--force); nothing was imported.")
                run.save()
                return run
            planner.apply()
            run.status = ImportRun.Status.APPLIED
            run.applied_by = run.created_by
            run.applied_at = timezone.now()
            run.save()
            record(
                f"imports.{kind}.applied",
                actor=user,
                school=school,
                obj=run,
                file_name=run.file_name,
                counts=run.counts,
                confirmed_risks=[risk["code"] for risk in run.risks],
            )
            return run
    except DatabaseError as exc:
        reason = _("The import failed and nothing was changed: %(reason)s") % {"reason": exc}
        run.pk = None
        run.status = ImportRun.Status.FAILED
        run.message = reason[:500]
        run.save()
        raise ImportConflict(reason) from exc


def cancel(run: ImportRun) -> None:
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEW).update(
        status=ImportRun.Status.CANCELLED, content=b""
    )
