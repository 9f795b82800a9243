"""Staff looking at the parent portal as a parent with gezag would see it ("Bekijken als
ouder"), at a chosen moment.

The back office (schoolcontrol) runs the parents' own views for one pupil and one parent
and marks the request with a `ParentPreview` in `request.preview`. Code that serves
parents reads the moment through `moment_of(request)`, so modules, closed periods and
releases are decided by the same rules at that moment; anything that would remember
a parent's visit (a notification marked seen, a cached page) asks `preview_of(request)`
and skips it. While the parent's view runs, `refuse_writes()` refuses every statement
that would change a row: a preview is read-only by construction.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.utils import timezone


@dataclass(frozen=True)
class ParentPreview:
    """What a preview request shows: `student` as the parent `guardian` sees it at `at`."""

    at: datetime
    is_now: bool  # no moment chosen: "now", taken afresh on every page
    student: object
    guardian: object
    back_url: str  # where the banner leads back to the back office
    change_url: str  # where another moment or parent is chosen


def preview_of(request) -> ParentPreview | None:
    """The preview this request is part of, or None for every ordinary request."""
    return getattr(request, "preview", None)


def moment_of(request) -> datetime:
    """The moment a parent page shows the portal at: now, or the preview's moment."""
    preview = preview_of(request)
    return preview.at if preview is not None else timezone.now()


class PreviewWriteRefused(RuntimeError):
    """A parent page tried to change a row while staff previewed it."""


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE")


def _refuse(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith(WRITES):
        raise PreviewWriteRefused(sql.split(None, 3)[:3])
    return execute(sql, params, many, context)


@contextmanager
def refuse_writes():
    """Every database statement that changes a row raises PreviewWriteRefused."""
    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(_refuse))
        yield
