"""The school's rules for which results parents may see, applied in one place.

`results.visibility` passes every parent-facing results queryset through
`filter_for_parents`. Result rows carry: `school_id`, `student_id`, `group_id` (group
at the time of the test, may be null), `school_year_id`, `entered_at` (when it was
recorded), `release_moment` ("B", "M", "E" for Cito moments, "" otherwise) and
`taken_on`.
"""

from __future__ import annotations


def filter_for_parents(queryset, *, school, kind: str, at):
    """Return the part of `queryset` parents may see at moment `at`.

    `kind` is the portal module the results belong to: "method_tests" or "lvs".
    """
    return queryset
