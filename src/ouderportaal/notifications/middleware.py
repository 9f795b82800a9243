"""Opening the page an event is about marks it seen ("nieuw" no longer lists it).

Staff looking at a parent's pages (core.preview) mark nothing: the parent has not seen it."""

from __future__ import annotations

from ouderportaal.core.preview import preview_of
from ouderportaal.notifications.services import mark_seen

PAGES = {
    "results:lvs",
    "results:method_tests",
    "changerequests:child_requests",
    "helpdesk:appointments",
    "helpdesk:documents",
}


class MarkSeenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.view_name in PAGES
            and request.method == "GET"
            and response.status_code == 200
            and request.user.is_authenticated
            and preview_of(request) is None
        ):
            mark_seen(
                request.user,
                page=match.view_name,
                student_public_id=match.kwargs.get("student"),
                school_slug=match.kwargs.get("school") if "student" not in match.kwargs else None,
            )
        return response
