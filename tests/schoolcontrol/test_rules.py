"""The one visibility rule: modules, closed periods and releases (through results.visibility)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from ouderportaal.results import visibility
from ouderportaal.schoolcontrol.rules import next_release
from tests.factories import GroupFactory, StudentFactory, make_parent
from tests.schoolcontrol.helpers import (
    close_module,
    closed_period,
    lvs_result,
    method_result,
    method_test,
    moment,
    release,
)

CLOSE = moment(2027, 2, 5, 17)
OPEN = moment(2027, 2, 12, 8)


@pytest.fixture
def groups(world):
    """Group 5A (world.group) with `child`, and group 6A with its own pupil."""
    six = GroupFactory(school=world.school, name="6A", jaargroep="6")
    pupil = StudentFactory(school=world.school, group=six, roepnaam="Lotte")
    return world.group, six, pupil


def lvs_ids(student, at):
    return set(visibility.visible_lvs_results(student, at=at).values_list("pk", flat=True))


def method_ids(student, at):
    return set(visibility.visible_method_results(student, at=at).values_list("pk", flat=True))


def test_without_rules_everything_is_visible(world):
    result = lvs_result(world.child, entered_at=moment(2027, 1, 20, 10))
    assert lvs_ids(world.child, moment(2027, 1, 20, 11)) == {result.pk}


def test_results_entered_during_a_closed_period_wait_for_its_end_for_every_group(world, groups):
    five, six, pupil = groups
    before = lvs_result(world.child, entered_at=moment(2027, 1, 20, 10))
    group5 = lvs_result(world.child, entered_at=moment(2027, 2, 8, 10))
    group6 = lvs_result(pupil, entered_at=moment(2027, 2, 10, 10))
    closed_period(world.school, CLOSE, OPEN)
    # While closed: nothing at all.
    assert lvs_ids(world.child, moment(2027, 2, 9, 12)) == set()
    assert lvs_ids(pupil, moment(2027, 2, 11, 12)) == set()
    # A second before opening: still nothing of the period (the portal is closed).
    assert lvs_ids(world.child, OPEN - timedelta(seconds=1)) == set()
    # At the opening time, all groups at once.
    assert lvs_ids(world.child, OPEN) == {before.pk, group5.pk}
    assert lvs_ids(pupil, OPEN) == {group6.pk}


def test_a_closed_module_period_holds_back_only_that_kind(world):
    test = method_test(world.school, world.group)
    lvs = lvs_result(world.child, entered_at=moment(2027, 2, 8, 10))
    method = method_result(world.child, test, entered_at=moment(2027, 2, 8, 10))
    closed_period(world.school, CLOSE, OPEN, modules=["lvs"])
    during = moment(2027, 2, 9, 12)
    assert lvs_ids(world.child, during) == set()
    assert method_ids(world.child, during) == {method.pk}
    assert lvs_ids(world.child, OPEN) == {lvs.pk}


def test_opening_early_shows_the_results_at_once(world, client):
    from ouderportaal.schoolcontrol.services import open_period_now

    result = lvs_result(world.child, entered_at=moment(2027, 2, 8, 10))
    period = closed_period(world.school, CLOSE, OPEN)
    open_period_now(period, actor=world.staff, at=moment(2027, 2, 10, 9))
    assert lvs_ids(world.child, moment(2027, 2, 10, 9)) == {result.pk}
    assert lvs_ids(world.child, moment(2027, 2, 10, 8, 59)) == set()


def test_extending_a_period_keeps_its_results_hidden_longer(world):
    result = lvs_result(world.child, entered_at=moment(2027, 2, 8, 10))
    period = closed_period(world.school, CLOSE, OPEN)
    period.ends_at = OPEN + timedelta(days=3)
    period.save()
    assert lvs_ids(world.child, OPEN + timedelta(days=1)) == set()
    assert lvs_ids(world.child, OPEN + timedelta(days=3)) == {result.pk}


def test_school_wide_release_shows_a_moment_to_all_groups_at_once(world, groups):
    five, six, pupil = groups
    mid5 = lvs_result(world.child, entered_at=moment(2027, 1, 25, 10), moment_code="M")
    mid6 = lvs_result(pupil, entered_at=moment(2027, 2, 1, 10), moment_code="M")
    begin = lvs_result(world.child, entered_at=moment(2026, 10, 1, 10), moment_code="B")
    release(world.school, five.school_year, "M", OPEN)
    assert lvs_ids(world.child, moment(2027, 2, 2)) == {begin.pk}
    assert lvs_ids(pupil, moment(2027, 2, 2)) == set()
    assert lvs_ids(world.child, OPEN) == {begin.pk, mid5.pk}
    assert lvs_ids(pupil, OPEN) == {mid6.pk}


def test_release_per_group_never_shows_a_group_before_its_own_day(world, groups):
    five, six, pupil = groups
    mid5 = lvs_result(world.child, entered_at=moment(2027, 1, 25, 10))
    mid6 = lvs_result(pupil, entered_at=moment(2027, 1, 26, 10))
    release(world.school, five.school_year, "M", moment(2027, 2, 10, 8), group=five)
    release(world.school, five.school_year, "M", moment(2027, 2, 17, 8), group=six)
    assert lvs_ids(world.child, moment(2027, 2, 9)) == set()
    assert lvs_ids(world.child, moment(2027, 2, 10, 8)) == {mid5.pk}
    assert lvs_ids(pupil, moment(2027, 2, 10, 8)) == set()
    assert lvs_ids(pupil, moment(2027, 2, 17, 8)) == {mid6.pk}


def test_per_group_release_holds_back_groups_without_a_date_and_results_without_group(
    world, groups
):
    five, six, pupil = groups
    other = lvs_result(pupil, entered_at=moment(2027, 1, 26, 10))
    no_group = lvs_result(world.child, entered_at=moment(2027, 1, 26, 10))
    type(no_group).objects.filter(pk=no_group.pk).update(group=None)
    release(world.school, five.school_year, "M", moment(2027, 2, 10, 8), group=five)
    later = moment(2028, 1, 1)
    assert lvs_ids(pupil, later) == set()
    assert no_group.pk not in lvs_ids(world.child, later)
    assert other.pk not in lvs_ids(pupil, later)


def test_the_group_at_the_time_of_the_test_counts_not_the_current_group(world, groups):
    five, six, pupil = groups
    # Entered while the pupil was in 6A; the pupil has moved to 5A since.
    result = lvs_result(world.child, group=six, entered_at=moment(2027, 1, 26, 10))
    release(world.school, five.school_year, "M", moment(2027, 2, 10, 8), group=five)
    release(world.school, five.school_year, "M", moment(2027, 2, 17, 8), group=six)
    assert lvs_ids(world.child, moment(2027, 2, 12)) == set()
    assert lvs_ids(world.child, moment(2027, 2, 17, 8)) == {result.pk}


def test_school_wide_and_group_release_both_have_to_pass(world, groups):
    five, six, pupil = groups
    result = lvs_result(world.child, entered_at=moment(2027, 1, 26, 10))
    release(world.school, five.school_year, "M", moment(2027, 2, 10, 8))
    release(world.school, five.school_year, "M", moment(2027, 2, 17, 8), group=five)
    assert lvs_ids(world.child, moment(2027, 2, 12)) == set()
    assert lvs_ids(world.child, moment(2027, 2, 17, 8)) == {result.pk}


def test_releases_do_not_hold_back_method_tests(world):
    test = method_test(world.school, world.group)
    result = method_result(world.child, test, entered_at=moment(2027, 1, 26, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 10, 8))
    assert method_ids(world.child, moment(2027, 2, 1)) == {result.pk}


def test_a_closed_module_shows_no_results_at_all(world):
    test = method_test(world.school, world.group)
    method_result(world.child, test, entered_at=moment(2027, 1, 26, 10))
    lvs_result(world.child, entered_at=moment(2027, 1, 26, 10))
    close_module(world.school, "lvs")
    child = type(world.child).objects.select_related("school").get(pk=world.child.pk)
    assert lvs_ids(child, moment(2027, 2, 1)) == set()
    assert len(method_ids(child, moment(2027, 2, 1))) == 1


def test_another_schools_rules_do_not_apply(world):
    result = lvs_result(world.child, entered_at=moment(2027, 2, 8, 10))
    closed_period(world.other_school, CLOSE, OPEN)
    assert lvs_ids(world.child, moment(2027, 2, 9)) == {result.pk}


def test_next_release_tells_the_announced_date_for_the_pupils_group(world, groups):
    five, six, pupil = groups
    release(world.school, five.school_year, "M", moment(2027, 2, 10, 8), group=five)
    release(world.school, five.school_year, "E", moment(2027, 6, 30, 8), announce=False)
    release(world.school, five.school_year, "B", moment(2027, 2, 3, 8), group=six)
    assert next_release(world.child, at=moment(2027, 2, 1)) == moment(2027, 2, 10, 8)
    assert next_release(world.child, at=moment(2027, 2, 10, 8)) is None
    assert next_release(pupil, at=moment(2027, 2, 1)) == moment(2027, 2, 3, 8)
    close_module(world.school, "lvs")
    assert next_release(world.child, at=moment(2027, 2, 1)) is None


def test_done_when_group_5_entered_while_closed_shows_to_nobody_then_to_all(world, groups, client):
    """Results entered for group 5 while closed: hidden everywhere, then all at once."""
    from unittest import mock

    five, six, pupil = groups
    closed_period(world.school, CLOSE, OPEN)
    result = lvs_result(world.child, entered_at=moment(2027, 2, 8, 10), subject="Spelling")
    type(result).objects.filter(pk=result.pk).update(test_name="Toets-Groep5-Periode")
    sibling_parent = make_parent([pupil], username="OuderZes")
    lvs = reverse("results:lvs", args=[world.child.public_id])
    for when, expect in ((moment(2027, 2, 11, 9), False), (OPEN, True)):
        with mock.patch("django.utils.timezone.now", return_value=when):
            client.force_login(world.parent)
            page = client.get(lvs).content.decode()
            client.force_login(sibling_parent)
            other = client.get(reverse("results:lvs", args=[pupil.public_id])).content.decode()
        assert ("Toets-Groep5-Periode" in page) is expect
        assert "Toets-Groep5-Periode" not in other
