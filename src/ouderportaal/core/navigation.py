"""Menus that other apps add to, so no app has to edit another app's templates.

Apps register their entries in their AppConfig.ready(). The parent menu per child
passes through `schoolcontrol.gates.visible_modules`, so a module the school has
closed never shows up in a menu.
"""

from __future__ import annotations

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


def register_backoffice_entry(entry: MenuEntry) -> None:
    if all(e.key != entry.key for e in BACKOFFICE_MENU):
        BACKOFFICE_MENU.append(entry)
        BACKOFFICE_MENU.sort(key=lambda e: e.order)
