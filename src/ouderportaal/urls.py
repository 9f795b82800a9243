from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ouderportaal.core import look_views
from ouderportaal.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("taal/", core_views.set_language, name="set_language"),
    path("manifest.webmanifest", look_views.manifest, name="manifest"),
    path("school/<slug:school>/stijl.css", look_views.school_css, name="school_css"),
    path("school/<slug:school>/logo.png", look_views.school_logo, name="school_logo"),
    path("school/<slug:school>/icoon-<int:size>.png", look_views.school_icon, name="school_icon"),
    path(
        "school/<slug:school>/manifest.webmanifest",
        look_views.school_manifest,
        name="school_manifest",
    ),
    path("account/", include("ouderportaal.accounts.urls")),
    path("ouders/", include("ouderportaal.portal.urls")),
    path("ouders/", include("ouderportaal.results.urls")),
    path("ouders/", include("ouderportaal.changerequests.urls")),
    path("ouders/", include("ouderportaal.privacy.urls")),
    path("privacy/", include("ouderportaal.privacy.public_urls")),
    path("hulp/", include("ouderportaal.helpdesk.urls")),
    path("beheer/", include("ouderportaal.backoffice.urls")),
    path("beheer/", include("ouderportaal.schoolcontrol.urls")),
    path("beheer/", include("ouderportaal.imports.urls")),
    path("beheer/", include("ouderportaal.results.staff_urls")),
    path("beheer/", include("ouderportaal.helpdesk.staff_urls")),
    path("beheer/", include("ouderportaal.accounts.staff_urls")),
    path("beheer/", include("ouderportaal.changerequests.staff_urls")),
    path("", include("ouderportaal.notifications.urls")),
    path("beheer/", include("ouderportaal.privacy.staff_urls")),
]

# Django's admin only when the installation asks for it; otherwise the address is unknown.
if settings.DJANGO_ADMIN_ENABLED:
    urlpatterns.append(path("django-admin/", admin.site.urls))

# The portal's own error pages (core/errors.py); the 500 page answers 503 while the
# database cannot be reached.
handler400 = "ouderportaal.core.errors.bad_request"
handler403 = "ouderportaal.core.errors.permission_denied"
handler404 = "ouderportaal.core.errors.page_not_found"
handler500 = "ouderportaal.core.errors.server_error"
