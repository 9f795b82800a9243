"""The access log: which staff member looked at whose personal data.

A back-office page declares the kind of data it shows in its access decorator,
`@staff_view("teacher", reads="results")`; `core.access` then calls `record_staff_read`
once a page that answered 200 has been handed over to the client (when the response is
closed), so the client never waits for it. The pupils come from the URL's arguments (a
pupil, a guardian, a group, a change request, an appointment request), so a view needs
no code of its own. An error here is logged by core.access and never breaks the page.

A page costs one statement: an INSERT of all its rows whose SELECT finds the pupils
(a plain INSERT of one row for a list page), in autocommit. The read is in the database
when the request ends, and nothing is kept in the process that a hard stop could lose
(see scripts/bench_access_log.py and docs/privacy.md).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ouderportaal.core.access import ROLE_FIELDS
from ouderportaal.privacy.models import DataKind, StaffRead

# Each resolver gives the StaffRead fields it fills ("student", and "guardian" when the
# page is about one) and a query of those values: the pupils (and guardian) a page about
# the URL argument shows. It is not run by itself: it becomes the SELECT of the one
# INSERT that writes the page's reads.
PUPIL = ("student",)
PUPIL_AND_GUARDIAN = ("student", "guardian")


def _pupil(school_id, value):
    student = apps.get_model("core", "Student")
    found = student.objects.filter(school_id=school_id, public_id=value)
    return PUPIL, found.values_list("pk")


def _guardian(school_id, value):
    # One row per linked pupil, or one without a pupil for a guardian without links.
    guardian = apps.get_model("core", "Guardian")
    found = guardian.objects.filter(school_id=school_id, pk=value)
    return PUPIL_AND_GUARDIAN, found.values_list("links__student_id", "pk")


def _group(school_id, value):
    student = apps.get_model("core", "Student")
    pupils = student.objects.enrolled().filter(school_id=school_id, group_id=value)
    return PUPIL, pupils.values_list("pk")


def _of_model(label, field="public_id", guardian=None):
    def resolve(school_id, value):
        model = apps.get_model(label)
        found = model.objects.filter(school_id=school_id, **{field: value})
        if guardian is None:
            return PUPIL, found.values_list("student_id")
        return PUPIL_AND_GUARDIAN, found.values_list("student_id", guardian)

    return resolve


# URL argument → its resolver.
SUBJECTS = {
    "student": _pupil,
    "guardian": _guardian,
    "group": _group,
    "request_id": _of_model("changerequests.ChangeRequest", "pk", "guardian_id"),
    "appointment": _of_model("helpdesk.AppointmentRequest"),
}


def subjects_of(school_id, url_kwargs):
    """The fields and the query for the URL's arguments; (), None for a list page (the
    read is logged, no pupil named)."""
    for argument, resolve in SUBJECTS.items():
        if argument in url_kwargs:
            return resolve(school_id, url_kwargs[argument])
    return (), None


def role_keys(membership, roles) -> str:
    """The roles the member used for this page: those the page asks for, or all held."""
    held = [role for role, field in ROLE_FIELDS.items() if getattr(membership, field)]
    used = [role for role in held if role in roles] if roles else held
    return ",".join(used or held)


def _insert(fixed: dict, found: tuple, subjects) -> None:
    """One statement: INSERT the fixed values with each row of the `subjects` query (the
    `found` fields; INSERT ... SELECT, so finding the pupils costs no query of its own),
    or a single row without pupil when there is no query."""
    table = StaffRead._meta
    names = [*fixed, *found]
    columns = ", ".join(connection.ops.quote_name(table.get_field(n).column) for n in names)
    placeholders = ", ".join(["%s"] * len(fixed))
    insert = f"INSERT INTO {connection.ops.quote_name(table.db_table)} ({columns})"
    with connection.cursor() as cursor:
        if subjects is None:
            cursor.execute(f"{insert} VALUES ({placeholders})", list(fixed.values()))
        else:
            sql, params = subjects.query.sql_with_params()
            # Names come from the model and the query compiler; every value is a parameter.
            cursor.execute(
                f"{insert} SELECT {placeholders}, subjects.* FROM ({sql}) subjects",  # noqa: S608
                [*fixed.values(), *params],
            )


def record_staff_read(request, membership, kind, roles, url_kwargs) -> None:
    """Write this page's reads with one insert. Runs after the response was handed over
    (core.access); nothing is kept in the process between requests."""
    if not settings.PRIVACY_ACCESS_LOG:
        return
    DataKind(kind)  # an undeclared kind is a programming error, logged by core.access
    fixed = {
        "school": membership.school_id,
        "user": request.user.pk,
        "roles": role_keys(membership, roles),
        "kind": kind,
        "at": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    found, subjects = subjects_of(membership.school_id, url_kwargs)
    if connection.in_atomic_block:
        with transaction.atomic():  # a failed insert must not spoil a surrounding transaction
            _insert(fixed, found, subjects)
    else:  # the usual case after the response: one INSERT in autocommit, no savepoint
        _insert(fixed, found, subjects)
