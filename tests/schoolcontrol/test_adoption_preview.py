"""Portal use per school and group, and the preview of the portal as a parent."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.models import AuditEvent, Custody, Guardian
from tests.factories import (
    GroupFactory,
    GuardianFactory,
    LinkFactory,
    StudentFactory,
    UserFactory,
    make_parent,
)
from tests.schoolcontrol.helpers import close_module, closed_period, lvs_result, moment, release


def adoption_url(world, **query):
    base = reverse("schoolcontrol:adoption", kwargs={"school": world.school.slug})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def row_numbers(html, label):
    """The numbers in the table row whose header is `label`."""
    import re

    match = re.search(rf">{re.escape(label)}</(?:a></th|th)>(.*?)</tr>", html, flags=re.S)
    assert match, label
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", match.group(1))]


def build_school(world, group, pupils):
    """Per pupil two guardians with gezag: one never invited, one in a given state."""
    now = timezone.now()
    states = ["no_account", "invited", "password_set", "recent", "long_ago"]
    for index in range(pupils):
        child = StudentFactory(school=world.school, group=group)
        LinkFactory(guardian=GuardianFactory(school=world.school), student=child)
        state = states[index % len(states)]
        user = None
        if state != "no_account":
            user = UserFactory()
            if state == "invited":
                user.password = make_password(None)  # unusable until the parent sets one
            if state == "recent":
                user.last_login = now - timedelta(days=3)
            if state == "long_ago":
                user.last_login = now - timedelta(days=90)
            user.save()
        LinkFactory(guardian=GuardianFactory(school=world.school, user=user), student=child)


def test_adoption_counts_per_group_and_school(world, client):
    group = GroupFactory(school=world.school, name="7A", school_year=world.group.school_year)
    build_school(world, group, 5)
    # Informatierecht only, and another school's parents, do not count.
    LinkFactory(
        guardian=GuardianFactory(school=world.school, user=UserFactory()),
        student=StudentFactory(school=world.school, group=group),
        custody=Custody.INFORMATIERECHT,
    )
    make_parent([StudentFactory(school=world.other_school)], username="Elders1")
    client.force_login(world.staff)
    html = client.get(adoption_url(world)).content.decode()
    # 7A: 10 guardians with gezag; 4 accounts; 3 activated (password set or logged in);
    # 1 logged in recently; 2 never logged in (invited, password set).
    assert row_numbers(html, "7A") == [10, 4, 3, 1, 2]
    # 5A: the world's parents (3 accounts with passwords, never logged in).
    assert row_numbers(html, "5A") == [2, 2, 2, 0, 2]
    assert row_numbers(html, "Hele school") == [12, 6, 5, 1, 4]


def test_adoption_lists_parents_who_are_not_in_yet(world, client):
    group = GroupFactory(school=world.school, name="7A", school_year=world.group.school_year)
    build_school(world, group, 5)
    client.force_login(world.staff)
    html = client.get(adoption_url(world, group=group.pk, state="no_account")).content.decode()
    assert "6 ouders." in html
    html = client.get(adoption_url(world, group=group.pk)).content.decode()
    assert "7 ouders." in html
    html = client.get(adoption_url(world, group=group.pk, state="not_activated")).content.decode()
    assert "1 ouder." in html
    html = client.get(adoption_url(world, state="never")).content.decode()
    assert "4 ouders." in html


@pytest.mark.parametrize("pupils", [6, 60])
def test_adoption_query_count_does_not_grow(world, client, django_assert_num_queries, pupils):
    for name in ("6A", "7A", "8A"):
        group = GroupFactory(school=world.school, name=name, school_year=world.group.school_year)
        build_school(world, group, pupils // 3)
    client.force_login(world.staff)
    # session, user, membership, totals, per group, year, groups, list count, staff menu,
    # list, its children, the school's look, session update (+ savepoints of the test
    # transaction)
    with django_assert_num_queries(15):
        assert client.get(adoption_url(world)).status_code == 200


def test_teacher_cannot_see_adoption_or_preview(world, client):
    client.force_login(world.teacher)
    assert client.get(adoption_url(world)).status_code == 404
    guardian = Guardian.objects.get(user=world.parent)
    preview = reverse(
        "schoolcontrol:preview_parent",
        kwargs={"school": world.school.slug, "guardian": guardian.pk},
    )
    assert client.get(preview).status_code == 404


def preview_url(world, guardian, at=None):
    base = reverse(
        "schoolcontrol:preview_parent",
        kwargs={"school": world.school.slug, "guardian": guardian.pk},
    )
    return f"{base}?at={at}" if at else base


def test_choosing_a_parent_to_preview(world, client):
    client.force_login(world.staff)
    url = reverse("schoolcontrol:preview", kwargs={"school": world.school.slug})
    html = client.get(url + "?q=Thijs").content.decode()
    guardian = Guardian.objects.get(user=world.parent)
    assert preview_url(world, guardian) in html
    # Informatierecht only: not a parent who sees the portal.
    assert "EVisser" not in html


def test_preview_shows_now_and_later_and_is_recorded(world, client):
    guardian = Guardian.objects.get(user=world.parent)
    now = timezone.now()
    result = lvs_result(world.child, entered_at=now - timedelta(days=2))
    type(result).objects.filter(pk=result.pk).update(test_name="Spelling-Toets-M5")
    release(world.school, world.group.school_year, "M", now + timedelta(days=3))
    client.force_login(world.staff)
    html = client.get(preview_url(world, guardian)).content.decode()
    assert "Sanne de Vries" in html and "Thijs de Vries" in html
    assert "Spelling-Toets-M5" not in html
    assert "Nieuwe resultaten zijn zichtbaar vanaf" in html
    later = timezone.localtime(now + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    html = client.get(preview_url(world, guardian, later)).content.decode()
    assert "Spelling-Toets-M5" in html
    events = AuditEvent.objects.filter(action="schoolcontrol.preview.viewed").order_by("id")
    assert events.count() == 2
    assert events[0].actor == world.staff and events[0].school == world.school
    assert events[1].data["at"].startswith(later)


def test_preview_shows_the_closed_message_while_closed(world, client):
    guardian = Guardian.objects.get(user=world.parent)
    closed_period(
        world.school,
        moment(2027, 2, 5, 17),
        moment(2027, 2, 12, 8),
        message="Rapportweek: het portaal is dicht.",
    )
    close_module(world.school, "appointments")
    client.force_login(world.staff)
    html = client.get(preview_url(world, guardian, "2027-02-06T10:00")).content.decode()
    assert "Rapportweek: het portaal is dicht." in html
    assert "Sanne de Vries" not in html
    html = client.get(preview_url(world, guardian, "2027-02-12T08:00")).content.decode()
    assert "Sanne de Vries" in html
    assert "Afspraken: <strong>niet beschikbaar op deze school</strong>" in html


def test_preview_of_another_schools_parent_is_not_found(world, client):
    other = make_parent([StudentFactory(school=world.other_school)], username="Elders2")
    guardian = Guardian.objects.get(user=other)
    client.force_login(world.staff)
    assert client.get(preview_url(world, guardian)).status_code == 404
