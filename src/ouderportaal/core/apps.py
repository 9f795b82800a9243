from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ouderportaal.core"
    label = "core"
    verbose_name = _("Schools and pupils")

    def ready(self):
        from ouderportaal.core.models import SchoolBranding
        from ouderportaal.core.schoolcache import versioned_by_school

        versioned_by_school(SchoolBranding)  # the look every page frame shows: branding.py
