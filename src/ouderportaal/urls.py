from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from ouderportaal.core import views as core_views
from ouderportaal.core.access import public_view

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("taal/", public_view(set_language), name="set_language"),
    path("account/", include("ouderportaal.accounts.urls")),
    path("ouders/", include("ouderportaal.portal.urls")),
    path("ouders/", include("ouderportaal.results.urls")),
    path("ouders/", include("ouderportaal.changerequests.urls")),
    path("hulp/", include("ouderportaal.helpdesk.urls")),
    path("beheer/", include("ouderportaal.backoffice.urls")),
    path("beheer/", include("ouderportaal.schoolcontrol.urls")),
    path("beheer/", include("ouderportaal.imports.urls")),
    path("django-admin/", admin.site.urls),
]
