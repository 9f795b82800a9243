from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "ouderportaal.helpdesk"
    label = "helpdesk"

    def ready(self):
        from ouderportaal.core.schoolcache import versioned_by_school
        from ouderportaal.helpdesk.models import SchoolRules

        versioned_by_school(SchoolRules)  # whether it asks parents to read: services.py
        from ouderportaal.core.navigation import register_work_items
        from ouderportaal.helpdesk.worklist import work_items

        register_work_items(work_items)
        from ouderportaal.core.demo import register_demo_step
        from ouderportaal.core.navigation import (
            MenuEntry,
            register_backoffice_entry,
            register_child_tab,
        )
        from ouderportaal.helpdesk.demo import build_demo

        register_child_tab(
            MenuEntry(
                "appointments",
                "helpdesk:appointments",
                _("Appointment with the teacher"),
                order=80,
                module="appointments",
            )
        )
        register_backoffice_entry(
            MenuEntry(
                "appointments",
                "helpdeskadmin:appointments",
                _("Appointment requests"),
                order=60,
                roles=("teacher",),
            )
        )
        for key, url_name, label, order in (
            ("helppages", "helpdeskadmin:pages", _("Help pages"), 70),
            ("helpdocuments", "helpdeskadmin:documents", _("Documents"), 71),
            ("helprules", "helpdeskadmin:rules", _("Vision and rules"), 72),
        ):
            register_backoffice_entry(
                MenuEntry(key, url_name, label, order=order, roles=("portal_manager",))
            )
        register_demo_step(build_demo, order=70)
