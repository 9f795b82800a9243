"""Opening the page an event is about marks it seen ("nieuw" no longer lists it).

Only when the parent got to see the page itself: a page that answered with the
school's closure message or "this part is closed" instead (`core.access.child_view`
marks such a response with `parent_gate`) leaves the news unseen, except the news of
the closure itself. Staff looking at a parent's pages (core.preview) mark nothing: the
parent has not seen it.
"""

from __future__ import annotations

from ouderportaal.core.preview import preview_of
from ouderportaal.notifications.models import Kind
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
            gate = getattr(response, "parent_gate", None)
            if gate is not None and getattr(gate, "period", None) is None:
                return response  # "this part is closed": nothing of it was seen
            mark_seen(
                request.user,
                page=match.view_name,
                student_public_id=match.kwargs.get("student"),
                school_slug=match.kwargs.get("school") if "student" not in match.kwargs else None,
                # The closure message in place of the page: only the closure was seen.
                kinds=[Kind.CLOSURE] if gate is not None else None,
            )
        return response
