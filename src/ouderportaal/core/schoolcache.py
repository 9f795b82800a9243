"""Per-school data that every parent page reads, kept across requests.

Which modules a school has opened, its closed periods and releases, its standing
text and look change a few times a year but are read on every parent page. They are
kept in Django's cache under a key with the school's `settings_version`, which is
raised in the same transaction as any change to them (apps register their models with
`versioned_by_school`; a bulk write calls `raise_version`). The version is a new random
number each time, so a change that was rolled back cannot leave data behind under a
version that is used again. A request reads the version with the school row it loads
anyway, so it never uses a copy older than the data it could see itself: a per-process
cache (LocMemCache) is enough, with any number of processes or machines (see
docs/deploy.md).

What is kept is data, not decisions: everything that depends on the time (a release at
08:00, a closed period that starts) is decided on the kept data at the moment of the
request, so it takes effect at that moment without any write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

# Old versions are left to expire; a school's data is rebuilt at most once an hour
# per process even when nothing changed.
TIMEOUT_SECONDS = 3600
MEMO_ATTR = "_schoolcache_memo"
_MISSING = object()


def school_data(school, name: str, build: Callable[[Any], Any]):
    """`build(school)`, kept for this version of the school's settings.

    Within a request the answer is also kept on the school object, so a page that asks
    twice (the gate and the menu) reads the cache once.
    """
    memo = school.__dict__.setdefault(MEMO_ATTR, {})
    if name in memo:
        return memo[name]
    key = f"school:{school.pk}:v{school.settings_version}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build(school)
        cache.set(key, value, TIMEOUT_SECONDS)
    memo[name] = value
    return value


SETTINGS = "settings_version"
RESULTS = "results_version"  # the school's results: see results/kept.py


def raise_version(school, version: str = SETTINGS) -> None:
    """Mark the school's kept data (a School or its id) as outdated, in the caller's
    transaction. Saving or deleting a registered model does this by itself; a bulk
    write must call it. `version` names which of the school's versions (SETTINGS or
    RESULTS)."""
    from ouderportaal.core.models import School, new_settings_version

    school_id = school.pk if isinstance(school, School) else school
    School.objects.filter(pk=school_id).update(**{version: new_settings_version()})
    if isinstance(school, School):
        forget(school, version)


def forget(school, version: str = SETTINGS) -> None:
    """Drop what this school object has kept; its version is read again when needed."""
    if version == SETTINGS:
        school.__dict__.pop(MEMO_ATTR, None)
    school.__dict__.pop(version, None)  # a deferred field: loaded on use


def _raiser(version: str):
    def changed(sender, instance, **kwargs) -> None:
        if instance.school_id is None:
            return
        raise_version(instance._state.fields_cache.get("school") or instance.school_id, version)

    return changed


_RAISERS = {SETTINGS: _raiser(SETTINGS), RESULTS: _raiser(RESULTS)}


def versioned_by_school(*models, version: str = SETTINGS, deletes: bool = True) -> None:
    """Every save or delete of these models (they have a `school` foreign key) raises
    the school's version (SETTINGS, or RESULTS for what the results pages show). Called
    from the owning app's `ready()`.

    `deletes=False` for rows that are only deleted with what they belong to (a pupil's
    results go with the pupil): a delete signal would make Django load and signal every
    row of such a cascade one by one."""
    for model in models:
        uid = f"schoolcache:{version}:{model._meta.label}"
        post_save.connect(_RAISERS[version], sender=model, dispatch_uid=uid + ":save")
        if deletes:
            post_delete.connect(_RAISERS[version], sender=model, dispatch_uid=uid + ":delete")
