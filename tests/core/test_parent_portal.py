"""What a parent sees: exactly the children they have gezag over, and nothing else."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.models import Custody, GuardianLink
from tests.factories import (
    SchoolFactory,
    StaffFactory,
    StudentFactory,
    UserFactory,
    make_parent,
)


def names_on(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return sorted(h.get_text(strip=True) for h in soup.select(".child-card h2"))


def test_home_lists_exactly_the_parents_children(world, client):
    client.force_login(world.parent)
    response = client.get(reverse("portal:home"))
    assert names_on(response) == ["Sanne de Vries", "Thijs de Vries"]


def test_parent_with_children_at_two_schools_sees_both_with_their_school(world, client):
    other = StudentFactory(school=world.other_school, roepnaam="Mila", achternaam="Jansen")
    here = StudentFactory(school=world.school, roepnaam="Daan", achternaam="Jansen")
    parent = make_parent([here, other], username="AJansen")
    client.force_login(parent)
    response = client.get(reverse("portal:home"))
    assert names_on(response) == ["Daan Jansen", "Mila Jansen"]
    page = response.content.decode()
    assert world.school.name in page and world.other_school.name in page


def test_guardian_without_gezag_sees_no_child(world, client):
    client.force_login(world.info_only)
    response = client.get(reverse("portal:home"))
    assert names_on(response) == []
    assert client.get(reverse("portal:general", args=[world.child.public_id])).status_code == 404


def test_child_who_left_disappears(world, client):
    world.sibling.left_on = timezone.localdate()
    world.sibling.save()
    client.force_login(world.parent)
    assert names_on(client.get(reverse("portal:home"))) == ["Sanne de Vries"]
    url = reverse("portal:general", args=[world.sibling.public_id])
    assert client.get(url).status_code == 404


def test_ending_gezag_removes_access_at_once(world, client):
    client.force_login(world.parent)
    url = reverse("portal:general", args=[world.child.public_id])
    assert client.get(url).status_code == 200
    GuardianLink.objects.filter(guardian__user=world.parent, student=world.child).update(
        custody=Custody.INFORMATIERECHT
    )
    assert client.get(url).status_code == 404


def test_general_data_shows_the_child_and_only_own_contact_details(world, client):
    other_guardian = make_parent([world.child], username="MdeVries")
    other_guardian.guardian_records.update(phone_mobile="06-99998888")
    client.force_login(world.parent)
    page = client.get(reverse("portal:general", args=[world.child.public_id])).content.decode()
    assert "Sanne" in page and "5A" in page and "3511 AB" in page
    assert "06-99998888" not in page  # the other parent's phone stays private
    assert "Algemene gegevens" in page


def test_another_parents_child_is_404(world, client):
    client.force_login(world.other_parent)
    assert client.get(reverse("portal:general", args=[world.child.public_id])).status_code == 404


def test_unknown_child_is_404(world, client):
    client.force_login(world.parent)
    assert client.get(reverse("portal:general", args=["0" * 32])).status_code == 404


def _family(size):
    school = SchoolFactory()
    children = [StudentFactory(school=school) for _ in range(size)]
    for child in children:
        child.group.teachers.add(StaffFactory(school=school))
    return make_parent(children), children


@pytest.mark.parametrize("size", [1, 5])
def test_home_query_count_does_not_grow_with_children(db, client, django_assert_num_queries, size):
    parent, _ = _family(size)
    client.force_login(parent)
    client.get(reverse("portal:home"))  # saves the session, reads the school's rules
    with django_assert_num_queries(EXPECTED_HOME_QUERIES):
        response = client.get(reverse("portal:home"))
    assert len(names_on(response)) == size


@pytest.mark.parametrize("size", [1, 5])
def test_child_page_query_count_does_not_grow(db, client, django_assert_num_queries, size):
    parent, children = _family(size)
    client.force_login(parent)
    url = reverse("portal:general", args=[children[0].public_id])
    client.get(url)  # saves the session, reads the school's rules
    with django_assert_num_queries(EXPECTED_CHILD_QUERIES):
        assert client.get(url).status_code == 200


# A later visit (the session was saved and the schools' rules were read on the first).
# Home: session, user, children (with their schools and whether the parent has read each
# school's vision), teachers (one prefetch); closed periods, releases, closed modules,
# the schools' look and whether a school asks to read its vision come from the schools'
# kept data (core.schoolcache); the staff menu from the session; unseen news is looked
# for only when news was recorded since all was seen (User.news_mark).
EXPECTED_HOME_QUERIES = 4
# Child page: session, user, the child (with its school and groep), own pending change
# requests, teachers, guardians (the parent's own records among them); the gate decides
# on the school's kept rules, the staff menu comes from the session.
EXPECTED_CHILD_QUERIES = 6


def test_staff_without_children_get_no_children(world, client):
    client.force_login(UserFactory())
    assert names_on(client.get(reverse("portal:home"))) == []
