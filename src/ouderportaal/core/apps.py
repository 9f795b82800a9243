from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ouderportaal.core"
    label = "core"
    verbose_name = _("Schools and pupils")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin behind the portal's one login door (see core/admin_site.py)."""

    default = False  # CoreConfig stays this module's default

    default_site = "ouderportaal.core.admin_site.PortalAdminSite"
