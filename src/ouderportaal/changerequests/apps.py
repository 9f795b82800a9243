from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChangerequestsConfig(AppConfig):
    name = "ouderportaal.changerequests"
    label = "changerequests"
    verbose_name = pgettext_lazy("back office", "Change requests")

    def ready(self):
        from ouderportaal.changerequests.worklist import work_items
        from ouderportaal.core.navigation import register_work_items

        register_work_items(work_items)
        from ouderportaal.changerequests.demo import demo_step
        from ouderportaal.core.demo import register_demo_step
        from ouderportaal.core.navigation import (
            MenuEntry,
            register_backoffice_entry,
            register_child_tab,
        )

        register_child_tab(
            MenuEntry(
                "change_requests",
                "changerequests:child_requests",
                _("Change data"),
                order=60,
                module="change_requests",
            )
        )
        register_backoffice_entry(
            MenuEntry(
                "change_requests",
                "requestsadmin:queue",
                pgettext_lazy("back office", "Change requests"),
                order=30,
                roles=("administration",),
            )
        )
        register_backoffice_entry(
            MenuEntry(
                "closure_days",
                "requestsadmin:closure_days",
                _("Closed days"),
                order=31,
                roles=("administration", "portal_manager"),
            )
        )
        register_demo_step(demo_step, order=60)
