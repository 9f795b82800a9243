"""Menus that other apps add to, so no app has to edit another app's templates.

Apps register their entries in their AppConfig.ready(). The parent menu per child
passes through the registered module filter (schoolcontrol registers
`gates.visible_modules`), so a module the school has closed never shows up in a menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    key: str
    url_name: str
    label: object  # a lazy translation
    order: int = 100
    module: str | None = None  # parent portal module this entry belongs to
    roles: tuple[str, ...] = ()  # back office: any of these staff roles; empty = all staff


CHILD_TABS: list[MenuEntry] = []
BACKOFFICE_MENU: list[MenuEntry] = []


def register_child_tab(entry: MenuEntry) -> None:
    if all(e.key != entry.key for e in CHILD_TABS):
        CHILD_TABS.append(entry)
        CHILD_TABS.sort(key=lambda e: e.order)


# `filter(school) -> set of module names` the school has opened for parents.
MODULE_FILTERS: list[Callable] = []


def register_module_filter(module_filter: Callable) -> None:
    if module_filter not in MODULE_FILTERS:
        MODULE_FILTERS.append(module_filter)


def child_tabs_for(school) -> list[MenuEntry]:
    """The tabs of a child's pages at this school: those of modules it has opened."""
    open_modules = None
    for module_filter in MODULE_FILTERS:
        found = module_filter(school)
        open_modules = found if open_modules is None else open_modules & found
    return [
        entry
        for entry in CHILD_TABS
        if entry.module is None or open_modules is None or entry.module in open_modules
    ]


def register_backoffice_entry(entry: MenuEntry) -> None:
    if all(e.key != entry.key for e in BACKOFFICE_MENU):
        BACKOFFICE_MENU.append(entry)
        BACKOFFICE_MENU.sort(key=lambda e: e.order)
