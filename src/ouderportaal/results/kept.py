"""A child's results pages, rendered once and kept until anything they show changes.

The results part of the method-test and Cito pages is the same for every parent of a
child with gezag: nothing in it belongs to the parent who asks. It changes only when
one of these changes, and each is part of the key it is kept under:

- the school's results, tests, learning goals, periods or school years
  (`School.results_version`, raised in the transaction of every change: the results
  services and the models registered in results/apps.py);
- the school's rules and settings: modules, closed periods, releases, the standing
  text, cut scores (`School.settings_version`, core/schoolcache.py);
- the moment: every result is shown or hidden by the rules in results.visibility,
  which compare the moment with the starts and ends of the school's closed periods and
  its release times. The key holds the latest of those moments that has passed, so the
  first request after a release at 08:00 builds the page anew, without any write; and
  the day (the current period's learning goals);
- the child's name, group and jaargroep, the page and what the parent chose on it
  (a school year), and the language.

The versions come with the school row that the access check reads anyway, so a kept
page is never older than the data the request could see itself, with any number of
processes or machines (see docs/deploy.md). The pages are kept in a cache on disk that
all processes of a machine share (settings.CACHES["pages"]). A staff preview
(core.preview) never reads or keeps.
"""

from __future__ import annotations

import hashlib
import logging
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from ouderportaal.core.preview import preview_of
from ouderportaal.core.schoolcache import school_data
from ouderportaal.schoolcontrol.gates import school_rules

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
TIMEOUT_SECONDS = 3600


def _code_fingerprint() -> str:
    """A digest of what renders the pages (this app's templates, code and compiled
    translations): kept pages are shared between processes and outlive them, and a new
    release of the portal must not serve a page its predecessor made."""
    app = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=8)
    for pattern in ("templates/**/*.html", "*.py", "templatetags/*.py", "locale/*/*/*.mo"):
        for path in sorted(app.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE = _code_fingerprint()


def _rule_moments(school) -> tuple:
    """Every moment at which the school's rules start or stop hiding results, sorted."""
    rules = school_rules(school)
    moments = {period.starts_at for period in rules.periods}
    moments.update(period.ends_at for period in rules.periods)
    moments.update(release.release_at for release in rules.releases)
    return tuple(sorted(moments))


def _last_rule_moment(school, at) -> str:
    moments = school_data(school, "results.rule_moments", _rule_moments)
    passed = bisect_right(moments, at)
    return moments[passed - 1].isoformat() if passed else "-"


def page_key(student, page: str, *, at, choice: str = "") -> str:
    school = student.school
    group = student.group
    parts = (
        CODE,
        page,
        choice,
        student.pk,
        school.pk,
        school.settings_version,
        school.results_version,
        _last_rule_moment(school, at),
        timezone.localdate(at).isoformat(),
        student.group_id,
        student.jaargroep or (group.jaargroep if group else ""),
        student.roepnaam,
        student.voorvoegsel,
        student.achternaam,
        translation.get_language(),
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"results-page:{student.pk}:{digest}"


def kept_page_part(
    request, student, page: str, build: Callable[[], str], *, at, choice: str = ""
) -> SafeString:
    """The rendered results part of `page` for `student` at moment `at`: kept, or made
    by `build()` (which must depend on nothing outside the key) and kept."""
    if preview_of(request) is not None:
        return mark_safe(build())
    key = page_key(student, page, at=at, choice=choice)
    try:
        html = caches[CACHE_ALIAS].get(key)
    except Exception:  # a cache that cannot be read only costs the build
        logger.exception("The kept results pages cannot be read.")
        return mark_safe(build())
    if html is None:
        html = build()
        try:
            caches[CACHE_ALIAS].set(key, html, TIMEOUT_SECONDS)
        except Exception:
            logger.exception("A results page could not be kept.")
    return mark_safe(html)
