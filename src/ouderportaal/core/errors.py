"""The portal's own error pages: 400, 403, 404, 413, 500, 503 and a refused form (CSRF).

Each page is in the portal's look and the visitor's language and offers a way on: the
start page, the help pages and, where the portal knows it, the school's mailbox.

The 500 and 503 pages never touch the database: they are rendered without the request's
context processors (which read the session and the account) and without menus. A
database that cannot be reached (a connection error, a locked SQLite file) is not a
fault in the portal, so it answers 503 "even niet bereikbaar" instead of 500;
`server_error` tells the two apart by the exception being handled.
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ouderportaal.core.access import active_memberships, visible_students
from ouderportaal.core.models import School

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def _is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def _known_mailboxes(request) -> list[dict]:
    """Mailboxes of the schools the visitor belongs to (children or staff); may be empty.

    Only the visitor's own schools: an error page never reveals anything about a
    school or pupil the visitor may not see.
    """
    user = getattr(request, "user", None)
    try:
        if user is None or not user.is_authenticated:
            return []
        school_ids = set(visible_students(user).values_list("school_id", flat=True))
        school_ids.update(active_memberships(user).values_list("school_id", flat=True))
        return list(
            School.objects.filter(pk__in=school_ids)
            .order_by("name")
            .values("name", "portal_email")[:5]
        )
    except DatabaseError:
        return []


def _page(request, status: int, title: str, message: str, *, mailboxes=(), extra=None):
    context = {
        "status": status,
        "title": title,
        "message": message,
        "mailboxes": mailboxes,
        "request_path": getattr(request, "path", ""),
        **(extra or {}),
    }
    # No request: no context processors, so no session, account or menu is read.
    body = render_to_string("errors/error.html", context)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _page(
        request,
        400,
        _("This request could not be handled"),
        _(
            "Something in the address or in the form you sent was not as the portal "
            "expected. Go back and try again, or start from the start page."
        ),
        mailboxes=_known_mailboxes(request),
    )


def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        _("You cannot open this page"),
        _(
            "This page is not available to you. If you think it should be, ask the "
            "school's administration."
        ),
        mailboxes=_known_mailboxes(request),
    )


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("Page not found"),
        _(
            "This page does not exist (any more), or it is not available to you. "
            "Check the address, or start from the start page."
        ),
        mailboxes=_known_mailboxes(request),
    )


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("The form had expired"),
        _(
            "For your safety the portal did not accept this form: the page was open for "
            "a long time, or cookies are switched off in your browser. Go back, reload "
            "the page and send the form again."
        ),
        mailboxes=_known_mailboxes(request),
    )


def request_too_large(request, limit: int):
    from ouderportaal.core.uploads import describe_limit

    return _page(
        request,
        413,
        _("The file is too large"),
        _(
            "The portal accepts files up to %(limit)s here. Nothing was saved. Go back and "
            "choose a smaller file."
        )
        % {"limit": describe_limit(limit)},
    )


def unavailable(request=None):
    # The session could not be read either. Without this, SessionMiddleware would try
    # once more (for the cookie's expiry) before it skips saving for a 5xx answer.
    if request is not None and hasattr(request, "session"):
        del request.session
    response = _page(
        request,
        503,
        _("The portal is briefly unavailable"),
        _(
            "The portal cannot reach its data right now. Nothing you sent has been "
            "saved half-way. Please try again in a few minutes."
        ),
        extra={"unavailable": True},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    exc = sys.exc_info()[1]
    if _is_database_outage(exc):
        logger.warning("Database unreachable: answered 503 (%s)", type(exc).__name__)
        return unavailable(request)
    return _page(
        request,
        500,
        _("Something went wrong"),
        _(
            "The portal ran into an error. It has been logged, and nothing you sent has "
            "been saved half-way. Please try again later."
        ),
    )
