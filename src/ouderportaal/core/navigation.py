"""Menus that other apps add to, so no app has to edit another app's templates.

Apps register their entries in their AppConfig.ready(). The parent menu per child
passes through the registered module filter (schoolcontrol registers
`gates.visible_modules`), so a module the school has closed never shows up in a menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


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


# The back office's menu in a few sections, so that a new administrator finds things:
# (section key, heading, entry keys in it). An entry not named here goes under "portal".
BACKOFFICE_SECTIONS: list[tuple[str, object, tuple[str, ...]]] = [
    ("home", _("Overview"), ("home",)),
    ("pupils", _("Pupils and parents"), ("students", "accounts", "imports")),
    ("results", _("Results"), ("results",)),
    ("requests", _("Requests from parents"), ("change_requests", "appointments", "closure_days")),
    ("help", _("Help for parents"), ("helppages", "helpdocuments", "helprules")),
    ("portal", _("Portal"), ("schoolcontrol", "adoption", "preview")),
]


def backoffice_sections(entries: list[MenuEntry]) -> list[tuple[str, object, list[MenuEntry]]]:
    """The entries (already filtered for the member's roles) grouped into sections."""
    placed = {key: section for section, _label, keys in BACKOFFICE_SECTIONS for key in keys}
    grouped = {section: [] for section, _label, _keys in BACKOFFICE_SECTIONS}
    for entry in entries:
        grouped[placed.get(entry.key, "portal")].append(entry)
    return [
        (section, label, grouped[section])
        for section, label, _keys in BACKOFFICE_SECTIONS
        if grouped[section]
    ]


# The back office's overview is a work list: each app registers
# `provider(membership, now) -> list[WorkItem]` in its ready(); the overview shows
# what is there, most urgent first, each linking to where the work is done.
@dataclass(frozen=True)
class WorkItem:
    text: str
    url: str
    urgent: bool = False
    order: int = 100


WORK_PROVIDERS: list[Callable] = []


def register_work_items(provider: Callable) -> None:
    if provider not in WORK_PROVIDERS:
        WORK_PROVIDERS.append(provider)


def work_items(membership, now) -> list[WorkItem]:
    items = [item for provider in WORK_PROVIDERS for item in provider(membership, now)]
    return sorted(items, key=lambda item: (not item.urgent, item.order))
