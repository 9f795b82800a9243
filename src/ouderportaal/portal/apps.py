from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ouderportaal.portal"
    label = "portal"

    def ready(self):
        from ouderportaal.core.navigation import MenuEntry, register_child_tab

        register_child_tab(
            MenuEntry("general", "portal:general", _("General data"), order=10, module="general")
        )
