"""Where the school's control over the parent portal is enforced.

`core.access.child_view` asks `parent_gate` (registered in this app's `ready()`) before
any parent page about a child is rendered: it returns None when the page may be shown,
or a `ParentGateDecision` saying why not, which the view layer renders in place of the
page. Nothing here renders templates. Menus ask `visible_modules` which modules to offer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from ouderportaal.schoolcontrol.modules import ALL_MODULES, MODULE_LABELS

__all__ = [
    "ALL_MODULES",
    "ParentGateDecision",
    "active_closed_periods",
    "attach_closed_portal",
    "closures_for_login",
    "parent_gate",
    "visible_modules",
    "with_closed_portal",
]


CACHE_ATTR = "_schoolcontrol_open_modules"


def visible_modules(school) -> set[str]:
    """The modules the school has opened for parents.

    One query per School instance: a request loads its school once, so the gate and the
    menu of the same page share the answer.
    """
    from ouderportaal.schoolcontrol.models import ModuleSetting

    cached = getattr(school, CACHE_ATTR, None)
    if cached is None:
        closed = set(
            ModuleSetting.objects.filter(school=school, is_open=False).values_list(
                "module", flat=True
            )
        )
        cached = frozenset(set(ALL_MODULES) - closed)
        setattr(school, CACHE_ATTR, cached)
    return set(cached)


def active_closed_periods(school, at=None) -> list:
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    at = at or timezone.now()
    return list(
        ClosedPeriod.objects.filter(school=school, starts_at__lte=at, ends_at__gt=at).order_by(
            "-ends_at"
        )
    )


def closures_for_login(school_slugs=None, at=None) -> list:
    """Running closed periods to announce on the login page: those of the schools with
    these slugs, or of every school (a small installation; the caller decides)."""
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    at = at or timezone.now()
    periods = ClosedPeriod.objects.filter(starts_at__lte=at, ends_at__gt=at).select_related(
        "school"
    )
    if school_slugs is not None:
        periods = periods.filter(school__slug__in=school_slugs)
    return list(periods.order_by("school__name", "-ends_at"))


def with_closed_portal(students, at=None):
    """Annotate pupils with `closed_period_id`: the period closing their school's portal.

    Adds no query of its own: it is a subquery of the pupils' query.
    """
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    at = at or timezone.now()
    running = ClosedPeriod.objects.filter(
        school=OuterRef("school_id"), whole_portal=True, starts_at__lte=at, ends_at__gt=at
    ).order_by("-ends_at")
    return students.annotate(closed_period_id=Subquery(running.values("pk")[:1]))


def attach_closed_portal(students) -> None:
    """Set `portal_closed` (a ClosedPeriod or None) on pupils from `with_closed_portal`.

    Queries only when a portal is closed (one query, whatever the number of pupils).
    """
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    ids = {s.closed_period_id for s in students if s.closed_period_id}
    periods = ClosedPeriod.objects.in_bulk(ids) if ids else {}
    for student in students:
        student.portal_closed = periods.get(student.closed_period_id)


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


def _gate_state(school, at) -> list[int]:
    """Load the school's open modules (into the cache) and its running periods' ids.

    One query for the common case: both come as aggregated subqueries on the school row.
    """
    from ouderportaal.core.models import School
    from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting

    closed_modules = (
        ModuleSetting.objects.filter(school=OuterRef("pk"), is_open=False)
        .values("school")
        .annotate(joined=StringAgg("module", delimiter=Value(",")))
        .values("joined")
    )
    running = (
        ClosedPeriod.objects.filter(school=OuterRef("pk"), starts_at__lte=at, ends_at__gt=at)
        .values("school")
        .annotate(joined=StringAgg(Cast("pk", CharField()), delimiter=Value(",")))
        .values("joined")
    )
    row = (
        School.objects.filter(pk=school.pk)
        .annotate(closed_modules=Subquery(closed_modules), running=Subquery(running))
        .values("closed_modules", "running")
        .first()
    ) or {"closed_modules": None, "running": None}
    closed = {m for m in (row["closed_modules"] or "").split(",") if m}
    setattr(school, CACHE_ATTR, frozenset(set(ALL_MODULES) - closed))
    return [int(pk) for pk in (row["running"] or "").split(",") if pk]


MODULE_CLOSED = "module-closed"


def _what_blocks(school, module: str | None, at):
    """None when parents may use `module` at `at`; otherwise MODULE_CLOSED or the
    closed period that covers it."""
    from ouderportaal.schoolcontrol.models import ClosedPeriod

    running = _gate_state(school, at)
    if module is not None and module not in visible_modules(school):
        return MODULE_CLOSED
    if running:
        for period in ClosedPeriod.objects.filter(pk__in=running).order_by("-ends_at"):
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
