from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ouderportaal.core.access import active_memberships, parent_view, public_view, visible_students


@public_view
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@parent_view
def home(request):
    """Send each person to where they work: parents to their children, staff to school."""
    if visible_students(request.user).exists() or request.user.guardian_records.exists():
        return redirect("portal:home")
    membership = active_memberships(request.user).first()
    if membership is not None:
        return redirect("backoffice:home", school=membership.school.slug)
    if request.user.is_superuser:
        return redirect("admin:index")
    return redirect("portal:home")


CHOSEN_LANGUAGE_KEY = "chosen_language"


@public_view
@require_POST
def set_language(request):
    """Switch the language; a logged-in person keeps the choice on their account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if language not in dict(settings.LANGUAGES):
        return response
    if user.is_authenticated:
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
    else:
        # Chosen before logging in: the login keeps it (accounts.flow).
        request.session[CHOSEN_LANGUAGE_KEY] = language
    return response
