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


BOARD_FIELDS = ["pupil_years", "log_months"]


def save_board_terms(terms, *, actor):
    """Save a school board's retention terms (Django admin, superusers) and record the
    old and the new values; the board's schools without their own term follow them."""
    with transaction.atomic():
        before_save = (
            type(terms).objects.select_for_update().get(pk=terms.pk)
            if terms.pk
            else type(terms)(board=terms.board)
        )
        old = audit.values_of(before_save, BOARD_FIELDS)
        terms.save()
        before, after = audit.changed(old, audit.values_of(terms, BOARD_FIELDS))
        audit.record(
            "privacy.board_terms.changed",
            actor=actor,
            obj=terms,
            old=before,
            new=after,
        )
    return terms
