"""Writes of the privacy app, each with its audit event."""

from __future__ import annotations

from django.db import transaction

from ouderportaal.core import audit

FIELDS = ["show_staff_names", "pupil_years", "log_months", "officer_name", "officer_email"]


def save_settings(form, *, actor):
    """Save the school's privacy settings and record the old and the new values."""
    with transaction.atomic():
        policy = form.instance
        # The values in effect before: the saved row, or the defaults of a school without one.
        before_save = (
            type(policy).objects.select_for_update().get(pk=policy.pk)
            if policy.pk
            else type(policy)(school=policy.school)
        )
        old = audit.values_of(before_save, FIELDS)
        policy = form.save()
        before, after = audit.changed(old, audit.values_of(policy, FIELDS))
        audit.record(
            "privacy.settings.changed",
            actor=actor,
            school=policy.school,
            obj=policy,
            old=before,
            new=after,
        )
    return policy
