from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "ouderportaal.results"
    label = "results"

    def ready(self):
        from ouderportaal.core.models import SchoolYear
        from ouderportaal.core.schoolcache import RESULTS, versioned_by_school
        from ouderportaal.results.models import (
            CutScore,
            LearningGoal,
            LvsResult,
            MethodResult,
            MethodTest,
            Period,
            ResultSettings,
        )

        versioned_by_school(ResultSettings, CutScore)
        # What the kept results pages show (results/kept.py). Results are only added
        # (a correction supersedes) and go with their pupil; bulk inserts (a Cito
        # import, learning goals from a file) raise the version themselves.
        versioned_by_school(MethodTest, Period, LearningGoal, SchoolYear, version=RESULTS)
        versioned_by_school(MethodResult, LvsResult, version=RESULTS, deletes=False)
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
