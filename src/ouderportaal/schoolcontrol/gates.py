"""Where the school's control over the parent portal is enforced.

`core.access.child_view` asks `parent_gate` (registered in this app's `ready()`) before
any parent page about a child is rendered: it returns None when the page may be shown,
or a `ParentGateDecision` saying why not, which the view layer renders in place of the
page. Nothing here renders templates. Menus ask `visible_modules` which modules to offer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ouderportaal.core.schoolcache import school_data
from ouderportaal.schoolcontrol.modules import ALL_MODULES, MODULE_LABELS

__all__ = [
    "ALL_MODULES",
    "ParentGateDecision",
    "SchoolRules",
    "active_closed_periods",
    "parent_gate",
    "school_rules",
    "visible_modules",
]


@dataclass(frozen=True)
class SchoolRules:
    """What the school has set for parents: the modules it closed, every closed period
    (the latest end first) and every release. Kept per school across requests
    (core.schoolcache); whatever depends on the time is decided on it at each request."""

    closed_modules: frozenset[str]
    periods: tuple
    releases: tuple


def _load_rules(school) -> SchoolRules:
    from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting, Release

    return SchoolRules(
        closed_modules=frozenset(
            ModuleSetting.objects.filter(school=school, is_open=False).values_list(
                "module", flat=True
            )
        ),
        periods=tuple(ClosedPeriod.objects.filter(school=school).order_by("-ends_at", "-pk")),
        releases=tuple(Release.objects.filter(school=school).order_by("release_at", "pk")),
    )


def school_rules(school) -> SchoolRules:
    """The school's rules (no query when kept; at most three when the school changed)."""
    return school_data(school, "schoolcontrol.rules", _load_rules)


def visible_modules(school) -> set[str]:
    """The modules the school has opened for parents."""
    return set(ALL_MODULES) - school_rules(school).closed_modules


def active_closed_periods(school, at=None) -> list:
    """The school's closed periods running at `at` (now), the latest end first."""
    at = at or timezone.now()
    return [period for period in school_rules(school).periods if period.is_active(at)]


@dataclass(frozen=True)
class ParentGateDecision:
    """Parents may not use a page now: the school has switched its module off
    (`period` is None), or a closed period covers it. The view layer shows the friendly
    page named by `template_name` with `context` instead."""

    school: object
    module: str | None
    period: object = None

    @property
    def module_closed(self) -> bool:
        return self.period is None

    @property
    def template_name(self) -> str:
        if self.period is None:
            return "schoolcontrol/module_closed.html"
        return "schoolcontrol/closed.html"

    @property
    def context(self) -> dict:
        if self.period is None:
            return {
                "school": self.school,
                "module_label": MODULE_LABELS.get(self.module, self.module),
            }
        return {
            "school": self.school,
            "period": self.period,
            "module_label": (
                MODULE_LABELS.get(self.module)
                if self.module and not self.period.whole_portal
                else None
            ),
        }


MODULE_CLOSED = "module-closed"


def _what_blocks(school, module: str | None, at):
    """None when parents may use `module` at `at`; otherwise MODULE_CLOSED or the
    closed period that covers it (decided on the kept rules, without a query)."""
    if module is not None and module not in visible_modules(school):
        return MODULE_CLOSED
    for period in active_closed_periods(school, at):
        if period.covers(module):
            return period
    return None


def closed_for_parents(school, module: str, at=None) -> bool:
    """True when parents may not use `module` of this school now (closed or in a period)."""
    return _what_blocks(school, module, at or timezone.now()) is not None


def parent_gate(school, module: str | None, at=None) -> ParentGateDecision | None:
    """None when parents may see the page at `at` (now); otherwise why not."""
    blocked = _what_blocks(school, module, at or timezone.now())
    if blocked is None:
        return None
    if blocked is MODULE_CLOSED:
        return ParentGateDecision(school=school, module=module)
    return ParentGateDecision(school=school, module=module, period=blocked)
