from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "ouderportaal.results"
    label = "results"

    def ready(self):
        from ouderportaal.core.schoolcache import versioned_by_school
        from ouderportaal.results.models import CutScore, ResultSettings

        versioned_by_school(ResultSettings, CutScore)
        from ouderportaal.core.demo import register_demo_step
        from ouderportaal.core.navigation import (
            MenuEntry,
            register_backoffice_entry,
            register_child_tab,
        )
        from ouderportaal.results.demo import build_demo_results

        register_child_tab(
            MenuEntry(
                "method_tests",
                "results:method_tests",
                _("Method tests"),
                order=20,
                module="method_tests",
            )
        )
        register_child_tab(MenuEntry("lvs", "results:lvs", _("Cito tests"), order=30, module="lvs"))
        register_backoffice_entry(
            MenuEntry(
                "results",
                "resultsadmin:home",
                _("Results"),
                order=30,
                roles=("administration", "teacher", "portal_manager"),
            )
        )
        register_demo_step(build_demo_results, order=50)
