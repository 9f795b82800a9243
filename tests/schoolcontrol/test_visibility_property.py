"""Property-based check of the one visibility rule against every parent-facing output.

Hypothesis generates a school's closed modules, closed periods, releases (for the whole
school and per group), result rows (method tests and Cito, of several groups and years,
entered at any time) and a moment to look. An independent, plain statement of the rule
(`expected_visible`) says which results parents may see; the test checks that exactly
those, and nothing else, reach:

- the querysets of `results.visibility` (used by every page, chart, download and mail),
- the parent results pages (method tests and Cito) through the test client,
- the staff preview of the portal as one of those parents, at that moment;
- the parent's own pages in the staff preview at that moment (the clock at now).

Times are whole hours on a small grid, and the moment to look and the moments results
are entered are often snapped to (or next to) a period's start or end or a release, so
that equal moments, where rules break, come up in every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ouderportaal.core.models import Guardian, School, Student
from ouderportaal.core.schoolcache import raise_version
from ouderportaal.results import visibility
from ouderportaal.results.models import LvsResult, MethodResult, MethodTest
from ouderportaal.schoolcontrol.models import ClosedPeriod, ModuleSetting, Release
from tests.factories import GroupFactory, SchoolYearFactory, StudentFactory, make_parent
from tests.schoolcontrol.helpers import moment

BASE = moment(2027, 1, 4, 8)
HOURS = 60
KINDS = ("method_tests", "lvs")
MOMENTS = ("B", "M", "E")


def hour(n: int):
    return BASE + timedelta(hours=n)


# -- Generated scenarios ------------------------------------------------------------

periods_st = st.lists(
    st.fixed_dictionaries(
        {
            "start": st.integers(0, HOURS),
            "length": st.integers(1, 30),
            "whole": st.booleans(),
            "modules": st.sets(st.sampled_from(KINDS + ("general",)), max_size=3),
        }
    ),
    max_size=3,
)
releases_st = st.lists(
    st.fixed_dictionaries(
        {
            "year": st.integers(0, 1),
            "moment": st.sampled_from(MOMENTS),
            "group": st.one_of(st.none(), st.integers(0, 2)),
            "at": st.integers(0, HOURS + 10),
            "announce": st.booleans(),
        }
    ),
    max_size=5,
)
# A time is either any hour, or one snapped to (or next to) a period edge or a release,
# because equal moments are where rules go wrong.
snap_st = st.tuples(
    st.sampled_from(["period_start", "period_end", "release"]),
    st.integers(0, 4),
    st.sampled_from([-1, 0, 0, 0, 1]),
)
time_st = st.one_of(st.integers(0, HOURS), snap_st)

results_st = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(KINDS),
            "student": st.integers(0, 2),
            "year": st.integers(0, 1),
            "group": st.one_of(st.none(), st.integers(0, 2)),
            "moment": st.sampled_from(MOMENTS),
            "entered": time_st,
        }
    ),
    min_size=1,
    max_size=8,
)
scenario_st = st.fixed_dictionaries(
    {
        "closed_modules": st.sets(st.sampled_from(KINDS)),
        "periods": periods_st,
        "releases": releases_st,
        "results": results_st,
        "at": st.one_of(st.integers(0, HOURS + 12), snap_st),
        "preview": st.integers(0, 2),  # whose portal the staff preview shows
    }
)


# -- The rule, stated plainly (independent of schoolcontrol.rules) ------------------


def covers(period, kind) -> bool:
    return period["whole"] or kind in period["modules"]


def expected_visible(result, scenario) -> bool:
    at = hour(scenario["at"])
    kind = result["kind"]
    if kind in scenario["closed_modules"]:
        return False
    for p in scenario["periods"]:
        start, end = hour(p["start"]), hour(p["start"] + p["length"])
        if not covers(p, kind):
            continue
        if start <= at < end:  # closed right now
            return False
        if start <= hour(result["entered"]) < end and at < end:  # entered while closed
            return False
    if kind == "lvs":
        same = [
            r
            for r in scenario["releases"]
            if r["year"] == result["year"] and r["moment"] == result["moment"]
        ]
        if same:
            applying = [
                r
                for r in same
                if r["group"] is None
                or (result["group"] is not None and r["group"] == result["group"])
            ]
            if not applying:  # released per group, but not for this result's group
                return False
            if any(at < hour(r["at"]) for r in applying):
                return False
    return True


def resolve(value, scenario) -> int:
    """An hour on the grid: a plain number, or a snap to an edge of the schedule."""
    if isinstance(value, int):
        return value
    kind, index, delta = value
    if kind == "release":
        edges = [r["at"] for r in scenario["releases"]]
    elif kind == "period_start":
        edges = [p["start"] for p in scenario["periods"]]
    else:
        edges = [p["start"] + p["length"] for p in scenario["periods"]]
    if not edges:
        return index * 7
    return max(0, edges[index % len(edges)] + delta)


def unique_releases(releases):
    seen, kept = set(), []
    for r in releases:
        key = (r["year"], r["moment"], r["group"])
        if key not in seen:
            seen.add(key)
            kept.append(r)
    return kept


# -- The school the scenarios play in -------------------------------------------------


@dataclass
class Stage:
    school: School
    years: list
    groups: list  # groups[year][index]
    students: list
    parents: list
    guardians: list
    staff: object


@pytest.fixture
def stage(world):
    school = world.school
    years = [
        SchoolYearFactory(
            school=school,
            label="2025-2026",
            start_date=date(2025, 8, 1),
            end_date=date(2026, 7, 31),
        ),
        SchoolYearFactory(
            school=school,
            label="2026-2027",
            start_date=date(2026, 8, 1),
            end_date=date(2027, 7, 31),
        ),
    ]
    groups = [
        [
            GroupFactory(school=school, school_year=year, name=f"{n}{'AB'[y]}", jaargroep=str(n))
            for n in (4, 5, 6)
        ]
        for y, year in enumerate(years)
    ]
    students = [
        StudentFactory(school=school, group=groups[1][i], roepnaam=f"Kind{i}") for i in range(3)
    ]
    parents = [make_parent([s], username=f"Ouder{i}") for i, s in enumerate(students)]
    guardians = [Guardian.objects.get(user=p, school=school) for p in parents]
    return Stage(school, years, groups, students, parents, guardians, world.staff)


def build(stage: Stage, scenario) -> dict:
    """Store the scenario; returns {result token: (result spec, kind)}."""
    school = stage.school
    ModuleSetting.objects.bulk_create(
        ModuleSetting(school=school, module=m, is_open=False) for m in scenario["closed_modules"]
    )
    ClosedPeriod.objects.bulk_create(
        ClosedPeriod(
            school=school,
            starts_at=hour(p["start"]),
            ends_at=hour(p["start"] + p["length"]),
            whole_portal=p["whole"],
            modules=sorted(p["modules"]),
            message="Dicht voor de rapporten",
        )
        for p in scenario["periods"]
    )
    Release.objects.bulk_create(
        Release(
            school=school,
            school_year=stage.years[r["year"]],
            moment=r["moment"],
            group=None if r["group"] is None else stage.groups[r["year"]][r["group"]],
            release_at=hour(r["at"]),
            announce=r["announce"],
        )
        for r in scenario["releases"]
    )
    raise_version(school)  # bulk writes: the kept school data is outdated
    tokens = {}
    for index, spec in enumerate(scenario["results"]):
        token = f"Tk{index:02d}x{spec['kind'][:3]}"
        student = stage.students[spec["student"]]
        year = stage.years[spec["year"]]
        group = None if spec["group"] is None else stage.groups[spec["year"]][spec["group"]]
        common = {
            "school": school,
            "student": student,
            "group": group,
            "school_year": year,
            "entered_at": hour(spec["entered"]),
            "taken_on": hour(spec["entered"]).date(),
        }
        if spec["kind"] == "lvs":
            row = LvsResult.objects.create(
                **common,
                release_moment=spec["moment"],
                subject="Spelling",
                test_name=token,
                moment=f"{spec['moment']}5",
            )
        else:
            test = MethodTest.objects.create(
                school=school,
                school_year=year,
                group=group,
                subject="Rekenen",
                name=token,
                taken_on=common["taken_on"],
            )
            row = MethodResult.objects.create(**common, release_moment="", test=test, percentage=80)
        tokens[token] = (spec, row.pk)
    return tokens


def fresh(student) -> Student:
    """The pupil as a new request would load it (no cached rules on the school)."""
    return Student.objects.select_related("school", "group").get(pk=student.pk)


# -- The property ---------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenario_st)
def test_parents_see_exactly_what_the_rules_allow(stage, client, scenario):
    scenario["releases"] = unique_releases(scenario["releases"])
    scenario["at"] = resolve(scenario["at"], scenario)
    for result in scenario["results"]:
        result["entered"] = resolve(result["entered"], scenario)
    at = hour(scenario["at"])
    with transaction.atomic():
        tokens = build(stage, scenario)
        expected = {
            token for token, (spec, _pk) in tokens.items() if expected_visible(spec, scenario)
        }
        # 1. The querysets every parent-facing output reads through.
        for index, student in enumerate(stage.students):
            mine = {t: pk for t, (spec, pk) in tokens.items() if spec["student"] == index}
            # The two tables have their own keys: compare per kind.
            seen_lvs = set(
                visibility.visible_lvs_results(fresh(student), at=at).values_list("pk", flat=True)
            )
            seen_method = set(
                visibility.visible_method_results(fresh(student), at=at).values_list(
                    "pk", flat=True
                )
            )
            want_lvs = {pk for t, pk in mine.items() if t in expected and t.endswith("lvs")}
            want_method = {pk for t, pk in mine.items() if t in expected and t.endswith("met")}
            assert seen_lvs == want_lvs, (index, scenario)
            assert seen_method == want_method, (index, scenario)
        # 2. The parent pages, with the clock at `at`, and 3. the staff preview.
        with mock.patch("django.utils.timezone.now", return_value=at):
            for index, student in enumerate(stage.students):
                mine = {t for t, (spec, _pk) in tokens.items() if spec["student"] == index}
                if not mine:
                    continue
                client.force_login(stage.parents[index])
                # The method-test page shows one school year at a time: read each.
                method_url = reverse("results:method_tests", args=[student.public_id])
                pages = client.get(
                    reverse("results:lvs", args=[student.public_id])
                ).content.decode() + "".join(
                    client.get(method_url, {"schooljaar": year.label}).content.decode()
                    for year in stage.years
                )
                shown = {t for t in tokens if t in pages}
                assert shown == mine & expected, (index, scenario)
                if index != scenario["preview"]:
                    continue
                client.force_login(stage.staff)
                preview = client.get(
                    reverse(
                        "schoolcontrol:preview_parent",
                        kwargs={"school": stage.school.slug, "guardian": stage.guardians[index].pk},
                    )
                ).content.decode()
                assert {t for t in tokens if t in preview} == mine & expected, (index, scenario)
        # 4. The parent's own pages in the staff preview at `at`, with the clock at now.
        index = scenario["preview"]
        student = stage.students[index]
        mine = {t for t, (spec, _pk) in tokens.items() if spec["student"] == index}
        client.force_login(stage.staff)
        root = reverse(
            "schoolcontrol:preview_root",
            kwargs={
                "school": stage.school.slug,
                "student": student.public_id,
                "guardian": stage.guardians[index].pk,
                "moment": timezone.localtime(at).strftime("%Y%m%dT%H%M"),
            },
        )
        pages = client.get(
            root + reverse("results:lvs", args=[student.public_id]).lstrip("/")
        ).content.decode() + "".join(
            client.get(
                root + reverse("results:method_tests", args=[student.public_id]).lstrip("/"),
                {"schooljaar": year.label},
            ).content.decode()
            for year in stage.years
        )
        assert {t for t in tokens if t in pages} == mine & expected, (index, scenario)
        transaction.set_rollback(True)
