from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "ouderportaal.backoffice"
    label = "backoffice"

    def ready(self):
        from ouderportaal.core.navigation import MenuEntry, register_backoffice_entry

        register_backoffice_entry(MenuEntry("home", "backoffice:home", _("Overview"), order=0))
        register_backoffice_entry(
            MenuEntry("students", "backoffice:students", _("Pupils"), order=10)
        )
