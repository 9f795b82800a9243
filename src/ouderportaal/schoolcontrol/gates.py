"""Where the school's control over the parent portal is enforced.

`core.access.child_view` calls `parent_gate` before any parent page about a child is
rendered: it returns None when the page may be shown, or a response that replaces it.
Menus ask `visible_modules` which modules to offer.
"""

from __future__ import annotations

# Portal modules a school can open or close for parents.
ALL_MODULES = ("general", "method_tests", "lvs", "change_requests", "appointments")


def visible_modules(school) -> set[str]:
    return set(ALL_MODULES)


def parent_gate(request, school, module: str | None):
    return None
