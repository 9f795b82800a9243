"""Every table's rows, to prove that a failed operation left the database as it was.

    before = snapshot()
    ...  # something that fails half-way
    assert_unchanged(before)

`raise_after` makes a function fail half-way: it lets a number of calls through, then
raises `InjectedFault`.
"""

from __future__ import annotations

from django.apps import apps

# Sessions change with every request, whatever the request did.
IGNORED = frozenset({"sessions.session"})


class InjectedFault(Exception):
    """The failure a test injected."""


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot(ignore=IGNORED) -> dict[str, list[tuple]]:
    """Every row of every table (many-to-many tables too), per model label."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in ignore:
            continue
        columns = [field.attname for field in meta.concrete_fields]
        rows = model._base_manager.order_by().values_list(*columns)
        tables[meta.label_lower] = sorted(
            (tuple(_plain(value) for value in row) for row in rows), key=repr
        )
    return tables


def changed_tables(before: dict, after: dict) -> dict[str, tuple[int, int]]:
    """The tables whose rows differ, with their row counts before and after."""
    return {
        label: (len(before.get(label, [])), len(after.get(label, [])))
        for label in before.keys() | after.keys()
        if before.get(label) != after.get(label)
    }


def assert_unchanged(before: dict, ignore=IGNORED) -> None:
    changed = changed_tables(before, snapshot(ignore))
    assert not changed, f"rows changed (before, after): {changed}"


def raise_after(monkeypatch, target, name: str, calls: int) -> list:
    """Replace `target.name` by a wrapper that lets `calls` calls through and raises
    InjectedFault on the next one. Returns the list of calls made, for assertions."""
    original = getattr(target, name)
    made = []

    def failing(*args, **kwargs):
        made.append(args)
        if len(made) > calls:
            raise InjectedFault(f"{name} failed on call {len(made)}")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)
    return made
