from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolcontrolConfig(AppConfig):
    name = "ouderportaal.schoolcontrol"
    label = "schoolcontrol"

    def ready(self):
        from ouderportaal.core.navigation import register_work_items
        from ouderportaal.schoolcontrol.worklist import work_items

        register_work_items(work_items)
        from ouderportaal.core.access import register_parent_gate
        from ouderportaal.core.demo import register_demo_step
        from ouderportaal.core.navigation import (
            MenuEntry,
            register_backoffice_entry,
            register_module_filter,
        )
        from ouderportaal.schoolcontrol.demo import demo_step
        from ouderportaal.schoolcontrol.gates import parent_gate, visible_modules

        register_parent_gate(parent_gate)
        register_module_filter(visible_modules)
        from ouderportaal.core.schoolcache import versioned_by_school
        from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting, Release

        versioned_by_school(ModuleSetting, ClosedPeriod, Release)

        register_backoffice_entry(
            MenuEntry(
                "schoolcontrol",
                "schoolcontrol:modules",
                _("Portal settings"),
                order=60,
                roles=("portal_manager",),
            )
        )
        register_backoffice_entry(
            MenuEntry(
                "adoption",
                "schoolcontrol:adoption",
                _("Portal use"),
                order=62,
                roles=("portal_manager", "administration"),
            )
        )
        register_backoffice_entry(
            MenuEntry(
                "preview",
                "schoolcontrol:preview",
                _("View as parent"),
                order=64,
                roles=("portal_manager", "administration"),
            )
        )
        register_demo_step(demo_step, order=80)
