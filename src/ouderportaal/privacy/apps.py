from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ouderportaal.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from ouderportaal.core.access import register_read_recorder
        from ouderportaal.core.navigation import (
            MenuEntry,
            register_backoffice_entry,
            register_child_tab,
        )
        from ouderportaal.privacy.accesslog import record_staff_read

        register_read_recorder(record_staff_read)
        register_child_tab(MenuEntry("privacy", "privacy:child_reads", _("Who looked?"), order=95))
        register_backoffice_entry(
            MenuEntry(
                "privacy",
                "privacyadmin:settings",
                _("Privacy"),
                order=90,
                roles=("portal_manager",),
            )
        )
