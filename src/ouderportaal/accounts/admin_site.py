"""Django's admin, reachable only through the portal's own login.

The admin's login page sends visitors to the portal's login (`accounts:login`, with
`next`), so that the password, the throttling and the second factor are the same as
everywhere. The admin then admits only an active superuser whose session completed that
login *with* a second factor (`accounts.flow`). Anyone else who is logged in gets 404,
the same answer as for a page that does not exist. The first admin page of a session is
recorded in the audit trail as an admin login.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from ouderportaal.accounts import flow
from ouderportaal.core import audit

ADMIN_SESSION_KEY = "accounts_admin_login"


class PortalAdminSite(admin.AdminSite):
    site_header = _("Ouderportaal: installation management")
    site_title = _("Ouderportaal management")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_superuser and flow.with_second_factor(request)

    def admin_view(self, view, cacheable=False):
        def inner(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise Http404
            if request.session.get(ADMIN_SESSION_KEY) != request.user.pk:
                request.session[ADMIN_SESSION_KEY] = request.user.pk
                audit.record("account.admin.login", actor=request.user, obj=request.user)
            return view(request, *args, **kwargs)

        if not cacheable:
            inner = never_cache(inner)
        if not getattr(view, "csrf_exempt", False):
            inner = csrf_protect(inner)
        return update_wrapper(inner, view)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """No login form of its own: the portal's login, then back here."""
        return redirect_to_login(request.GET.get("next") or request.path.rsplit("login/", 1)[0])

    def logout(self, request, extra_context=None):
        from ouderportaal.accounts.views import logout  # the views import this module

        return logout(request)
