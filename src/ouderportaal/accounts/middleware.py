import logging
import time

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from ouderportaal.accounts import flow
from ouderportaal.core import audit
from ouderportaal.core.privacy import account_ref

logger = logging.getLogger("ouderportaal.accounts.security")

# A logged-in session is written at most this often to move its idle end ahead: a
# session ends between SESSION_IDLE_MINUTES minus this and SESSION_IDLE_MINUTES after
# the last request, and reading a page costs no write.
SESSION_REFRESH_SECONDS = 60
SEEN_KEY = "_seen"


class UserLanguageMiddleware:
    """Show the portal in the logged-in user's chosen language.

    Anonymous visitors get the language from the cookie or the browser (LocaleMiddleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class LoginSessionMiddleware:
    """Only sessions that came through the portal's login stay logged in.

    A logged-in session must carry the mark that `accounts.flow` sets when a login
    completes (password, second factor, throttling). One without it (any other path to
    Django's `login()`) or older than SESSION_MAX_HOURS is ended here, before any view
    runs. Every response to a logged-in person is marked `Cache-Control: no-store,
    private`: pages with a child's data must not stay in a shared or browser cache.

    The session is saved (moving its idle end ahead) only when something in it changed
    or when it was last moved more than SESSION_REFRESH_SECONDS ago.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self._reason_to_end(request)
            if reason is not None:
                self._end(request, reason)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            self._keep_alive(request)
        return response

    def _keep_alive(self, request) -> None:
        now = int(time.time())
        if now - request.session.get(SEEN_KEY, 0) >= SESSION_REFRESH_SECONDS:
            request.session[SEEN_KEY] = now

    def _reason_to_end(self, request) -> str | None:
        mark = flow.session_mark(request)
        if mark is None:
            return "no-portal-login"
        max_seconds = settings.SESSION_MAX_HOURS * 3600
        if time.time() - float(mark.get("at", 0)) > max_seconds:
            return "max-age"
        return None

    def _end(self, request, reason: str) -> None:
        user = request.user
        audit.record("account.session.ended", actor=user, obj=user, reason=reason)
        logger.info(
            "session ended (%s) for account %s",
            reason,
            account_ref(user),
        )
        auth_logout(request)
