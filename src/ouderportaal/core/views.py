from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

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
