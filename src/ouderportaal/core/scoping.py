"""The one door to a school's data in the back office.

`core.access.staff_view` turns the URL's school slug into the StaffMember a person acts
as. Staff pages then reach school data only through that membership, the way a shop
reaches an order only through its event:

    guardian = get_scoped_or_404(membership, Guardian, pk=guardian_id)
    batches = scoped(membership, AccountMailBatch).order_by("-created_at")
    days = scoped(membership, ClosureDay).filter(date__gte=today)

Another school's object then answers 404, the same as a missing one. `scoped` knows,
per model, the path from a row to its school; a model that has neither a `school`
field nor an entry in `SCHOOL_PATHS` is refused, so a new model cannot slip through
unscoped. tests/core/test_scoping.py reads every module with staff views and fails on a
bare `Model.objects` there.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404

from ouderportaal.core.models import School, StaffMember

# Models whose school is not a `school` field of their own, with the path to it.
SCHOOL_PATHS: dict[str, str] = {
    "accounts.accountmailitem": "batch__school",
    "accounts.guardianaccountmail": "guardian__school",
    "changerequests.requestedchange": "request__school",
    "core.guardianlink": "guardian__school",
    "notifications.notification": "event__school",
    "results.methodresultpart": "result__school",
    "results.methodtestpart": "test__school",
}


def school_path(model: type[Model]) -> str:
    """The lookup path from a row of `model` to its school, e.g. "batch__school"."""
    label = model._meta.label_lower
    if label in SCHOOL_PATHS:
        return SCHOOL_PATHS[label]
    try:
        field = model._meta.get_field("school")
    except FieldDoesNotExist:
        field = None
    if field is None or field.related_model is not School:
        raise ImproperlyConfigured(
            f"{label} has no path to a school: add it to core.scoping.SCHOOL_PATHS."
        )
    return "school"


def scoped[M: Model](membership: StaffMember, model: type[M]) -> QuerySet[M]:
    """Every row of `model` that belongs to the school the member acts for."""
    return model._default_manager.filter(**{school_path(model): membership.school_id})


def get_scoped_or_404[M: Model](membership: StaffMember, model: type[M], **lookup) -> M:
    """One row of the member's school, or 404 (also when it belongs to another school)."""
    found = scoped(membership, model).filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def get_or_create_scoped[M: Model](membership: StaffMember, model: type[M], **defaults) -> M:
    """The school's own row of a one-per-school model (its settings), created when missing."""
    if school_path(model) != "school":
        raise ImproperlyConfigured(f"{model._meta.label_lower} is not one row per school.")
    return model._default_manager.get_or_create(school=membership.school, defaults=defaults)[0]
