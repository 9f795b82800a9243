"""Changes to modules, closed periods and releases, each recorded in the audit trail."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from ouderportaal.core import queue
from ouderportaal.core.audit import changed, record
from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting, Release
from ouderportaal.schoolcontrol.modules import ALL_MODULES


def set_open_modules(school, open_modules: set[str], *, actor) -> list[str]:
    """Open exactly `open_modules`; returns the modules that changed."""
    changed = []
    with transaction.atomic():
        current = {
            s.module: s for s in ModuleSetting.objects.select_for_update().filter(school=school)
        }
        for module in ALL_MODULES:
            setting = current.get(module)
            was_open = setting.is_open if setting else True
            now_open = module in open_modules
            if was_open == now_open:
                continue
            if setting is None:
                setting = ModuleSetting(school=school, module=module)
            setting.is_open = now_open
            setting.changed_at = timezone.now()
            setting.save()
            record(
                "schoolcontrol.module.changed",
                actor=actor,
                school=school,
                obj=setting,
                module=module,
                old={"open": was_open},
                new={"open": now_open},
            )
            changed.append(module)
    if hasattr(school, "_schoolcontrol_open_modules"):
        del school._schoolcontrol_open_modules
    return changed


def save_period(period: ClosedPeriod, *, actor, old: dict | None) -> ClosedPeriod:
    with transaction.atomic():
        if old is None:
            period.created_by = actor if actor.is_authenticated else None
        else:
            period.end_recorded_at = None
            if period.starts_at > timezone.now():
                period.start_recorded_at = None  # moved to later: it starts again
        period.save()
        record(
            "schoolcontrol.period.created" if old is None else "schoolcontrol.period.changed",
            actor=actor,
            school=period.school,
            obj=period,
            old=old,
            new=period.as_audit(),
        )
        schedule_effects(period.school, period.starts_at)
        schedule_effects(period.school, period.ends_at)
    return period


def open_period_now(period: ClosedPeriod, *, actor, at=None) -> ClosedPeriod:
    """End a running (or future) period now: "het rapport gaat uit"."""
    at = at or timezone.now()
    with transaction.atomic():
        old = period.as_audit()
        if period.starts_at >= at:
            # Not started yet: opening now means it does not happen at all.
            delete_period(period, actor=actor)
            return period
        period.ends_at = at
        period.save(update_fields=["ends_at"])
        record(
            "schoolcontrol.period.opened_early",
            actor=actor,
            school=period.school,
            obj=period,
            old=old,
            new=period.as_audit(),
        )
        schedule_effects(period.school, period.ends_at)
    return period


def delete_period(period: ClosedPeriod, *, actor) -> None:
    with transaction.atomic():
        old = period.as_audit()
        pk = period.pk
        period.delete()
        record(
            "schoolcontrol.period.deleted",
            actor=actor,
            school=period.school,
            period_id=pk,
            old=old,
            new=None,
        )


def save_release(release: Release, *, actor, old: dict | None) -> Release:
    with transaction.atomic():
        if old is None:
            release.created_by = actor if actor.is_authenticated else None
        elif old.get("release_at") != timezone.localtime(release.release_at).isoformat():
            release.effect_recorded_at = None
        release.save()
        record(
            "schoolcontrol.release.created" if old is None else "schoolcontrol.release.changed",
            actor=actor,
            school=release.school,
            obj=release,
            old=old,
            new=release.as_audit(),
        )
        schedule_effects(release.school, release.release_at)
    return release


def delete_release(release: Release, *, actor) -> None:
    with transaction.atomic():
        old = release.as_audit()
        pk = release.pk
        release.delete()
        record(
            "schoolcontrol.release.deleted",
            actor=actor,
            school=release.school,
            release_id=pk,
            old=old,
            new=None,
        )


def schedule_effects(school, at) -> None:
    """Have the audit trail record what takes effect at `at`, at that moment.

    A release or a period's end takes effect for parents at its time without any job
    (the visibility rule compares times); only the audit trail's entry is written by
    the task queued here for that moment (`schoolcontrol.tasks.record_effects`).
    """
    from ouderportaal.schoolcontrol.tasks import record_effects

    later = at if at > timezone.now() else None
    queue.enqueue(record_effects, school.pk, run_after=later)


def audit_effects(school, at=None) -> int:
    """Record releases and closed periods that took effect (a period's start and its
    end), each once.

    Run by the task queued for the moment (see schedule_effects) and by the daily
    `record-effects` command. The event carries the moment the release took effect,
    not the moment it was recorded. Each effect is claimed with a conditional update,
    so it is recorded once however often this runs.
    """
    at = at or timezone.now()
    releases = Release.objects.filter(
        school=school, release_at__lte=at, effect_recorded_at__isnull=True
    ).select_related("school_year", "group")
    # A closed period that started (and has not ended yet: a closure that is over is
    # not announced any more).
    started = ClosedPeriod.objects.filter(
        school=school, starts_at__lte=at, ends_at__gt=at, start_recorded_at__isnull=True
    )
    ended = ClosedPeriod.objects.filter(
        school=school, ends_at__lte=at, end_recorded_at__isnull=True
    )
    return (
        _record_once(
            releases,
            "effect_recorded_at",
            "schoolcontrol.release.took_effect",
            "release_at",
            school,
            at,
        )
        + _record_once(
            started, "start_recorded_at", "schoolcontrol.period.started", "starts_at", school, at
        )
        + _record_once(
            ended, "end_recorded_at", "schoolcontrol.period.ended", "ends_at", school, at
        )
    )


def _record_once(rows, claim_field: str, action: str, moment_field: str, school, at) -> int:
    """Record `action` for each row whose `claim_field` is still empty, claiming it with a
    conditional update first (so a second run records nothing); the event carries the
    row's own moment. Returns how many were recorded."""
    count = 0
    for row in rows:
        with transaction.atomic():
            claimed = (
                type(row)
                .objects.filter(pk=row.pk, **{f"{claim_field}__isnull": True})
                .update(**{claim_field: at})
            )
            if claimed:
                event = record(action, school=school, obj=row, new=row.as_audit())
                event.at = getattr(row, moment_field)
                event.save(update_fields=["at"])
                count += 1
    return count


def save_branding(
    membership, *, accent_colour: str, logo: bytes | None, remove_logo: bool, actor
) -> bool:
    """Set the school's colour and logo; True when something changed (then audited)."""
    from ouderportaal.core.models import SchoolBranding
    from ouderportaal.core.scoping import scoped

    with transaction.atomic():
        look = scoped(membership, SchoolBranding).select_for_update().first()
        if look is None:
            look = SchoolBranding(school=membership.school)
        old = _branding_values(look)
        look.accent_colour = accent_colour
        if logo is not None:
            look.logo, look.has_logo = logo, True
        elif remove_logo:
            look.logo, look.has_logo = None, False
        new = _branding_values(look)
        old, new = changed(old, new)
        if not new:
            return False
        look.version += 1
        look.save()
        record(
            "schoolcontrol.branding.changed",
            actor=actor,
            school=membership.school,
            obj=look,
            old=old,
            new=new,
        )
    return True


def _branding_values(look) -> dict:
    logo = bytes(look.logo) if look.has_logo and look.logo else None
    return {
        "accent_colour": look.accent_colour,
        # The logo by a digest of its PNG: which picture it was, without the picture.
        "logo": hashlib.sha256(logo).hexdigest()[:16] if logo else None,
    }
