from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "ouderportaal.imports"
    label = "imports"

    def ready(self):
        from ouderportaal.core.navigation import register_work_items
        from ouderportaal.imports.worklist import work_items

        register_work_items(work_items)
        from ouderportaal.core.navigation import MenuEntry, register_backoffice_entry

        register_backoffice_entry(
            MenuEntry("imports", "imports:index", _("Import"), order=80, roles=("administration",))
        )
