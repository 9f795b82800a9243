"""The school's rules for which results parents may see, applied in one place.

`results.visibility` passes every parent-facing results queryset through
`filter_for_parents`. Result rows carry: `school_id`, `student_id`, `group_id` (group
at the time of the test, may be null), `school_year_id`, `entered_at` (when it was
recorded), `release_moment` ("B", "M", "E" for Cito moments, "" otherwise) and
`taken_on`.

The rule, for a result of kind K (a portal module) seen at moment `at`:

1. Module: when the school has closed module K, nothing is visible.
2. Closed now: when a closed period covering K (or the whole portal) runs at `at`,
   nothing is visible.
3. Entered while closed: a result entered during a closed period covering K stays
   hidden until that period ends (ending it early shows it at once).
4. Releases (Cito moments only): for a result of school year Y and moment M, every
   release of (Y, M) that applies to it must have passed: the release for the whole
   school, and the release of the result's group. When (Y, M) is released per group
   only, a result whose group has no release date (or no group) stays hidden.

Everything compares with `at`; no scheduled job is needed for a change to take effect.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

RELEASE_KINDS = {"lvs"}


def load_rules(school):
    """The school's switches, periods and releases (kept per school: no query when the
    school's settings have not changed since; see core.schoolcache)."""
    from ouderportaal.schoolcontrol.gates import school_rules

    kept = school_rules(school)
    return set(kept.closed_modules), list(kept.periods), list(kept.releases)


def hidden_results_q(*, kind: str, at, periods, releases) -> Q | None:
    """A Q matching the rows rule 3 and 4 hide at `at`; None when nothing is hidden."""
    hidden = Q()
    found = False
    for period in periods:
        if period.covers(kind) and at < period.ends_at:
            hidden |= Q(entered_at__gte=period.starts_at, entered_at__lt=period.ends_at)
            found = True
    if kind in RELEASE_KINDS:
        by_moment: dict[tuple[int, str], dict] = defaultdict(lambda: {"school": None, "groups": {}})
        for release in releases:
            entry = by_moment[(release.school_year_id, release.moment)]
            if release.group_id is None:
                entry["school"] = release.release_at
            else:
                entry["groups"][release.group_id] = release.release_at
        for (year_id, moment), entry in by_moment.items():
            same_moment = Q(school_year_id=year_id, release_moment=moment)
            school_wide = entry["school"]
            if school_wide is not None and at < school_wide:
                hidden |= same_moment
                found = True
                continue
            pending = sorted(g for g, when in entry["groups"].items() if at < when)
            if pending:
                hidden |= same_moment & Q(group_id__in=pending)
                found = True
            if school_wide is None:
                # Released per group only: groups without a date are not released.
                hidden |= same_moment & (
                    Q(group_id__isnull=True) | ~Q(group_id__in=sorted(entry["groups"]))
                )
                found = True
    return hidden if found else None


def is_closed_for(kind: str | None, at, periods) -> bool:
    return any(p.covers(kind) and p.is_active(at) for p in periods)


def filter_for_parents(queryset, *, school, kind: str, at):
    """Return the part of `queryset` parents may see at moment `at`.

    `kind` is the portal module the results belong to: "method_tests" or "lvs".
    """
    closed_modules, periods, releases = load_rules(school)
    if kind in closed_modules or is_closed_for(kind, at, periods):
        return queryset.none()
    queryset = queryset.filter(school_id=school.pk)
    hidden = hidden_results_q(kind=kind, at=at, periods=periods, releases=releases)
    if hidden is not None:
        queryset = queryset.exclude(hidden)
    return queryset


def next_release(student, *, at, kind: str = "lvs"):
    """When new results will next become visible to this pupil's parents, if announced.

    Returns the earliest announced release still to come that applies to the pupil's
    current group (or the whole school), or None. Used for the line "New results are
    visible from <date>".
    """
    if kind not in RELEASE_KINDS:
        return None
    closed_modules, _periods, releases = load_rules(student.school)
    if kind in closed_modules:
        return None
    return next(
        (
            release.release_at
            for release in releases  # in order of release_at
            if release.announce
            and release.release_at > at
            and (release.group_id is None or release.group_id == student.group_id)
        ),
        None,
    )
