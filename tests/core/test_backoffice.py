"""The back office: staff find pupils of their own school only."""

from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tests.factories import StudentFactory


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [tr.find("td").get_text(" ", strip=True) for tr in soup.select("tbody tr")]


def test_search_by_name_and_group(world, client):
    client.force_login(world.staff)
    url = reverse("backoffice:students", kwargs={"school": world.school.slug})
    assert rows(client.get(url, {"q": "sanne"})) == ["Vries, Sanne de"]
    assert len(rows(client.get(url, {"group": world.group.pk}))) == 3


def test_pupils_who_left_are_listed_only_on_request(world, client):
    world.sibling.left_on = timezone.localdate()
    world.sibling.save()
    client.force_login(world.staff)
    url = reverse("backoffice:students", kwargs={"school": world.school.slug})
    assert "Vries, Thijs de" not in rows(client.get(url))
    assert "Vries, Thijs de" in rows(client.get(url, {"include_left": "on"}))


def test_another_schools_pupils_never_show(world, client):
    StudentFactory(school=world.other_school, roepnaam="Geheim")
    client.force_login(world.staff)
    url = reverse("backoffice:students", kwargs={"school": world.school.slug})
    assert not [r for r in rows(client.get(url, {"q": "Geheim"})) if "Geheim" in r]


def test_student_page_shows_guardians_and_custody(world, client):
    client.force_login(world.staff)
    url = reverse(
        "backoffice:student", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    page = client.get(url).content.decode()
    assert "JdeVries" in page and "EVisser" in page
    assert "alleen recht op informatie" in page


def test_staff_of_another_school_get_404_for_a_pupil(world, client):
    client.force_login(world.other_staff)
    url = reverse(
        "backoffice:student", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    assert client.get(url).status_code == 404


def test_student_page_links_to_results_and_accounts_by_role(world, client):
    url = reverse(
        "backoffice:student", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    results = reverse(
        "resultsadmin:pupil", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    client.force_login(world.staff)
    page = client.get(url).content.decode()
    assert results in page and "/accounts/ouder/" in page
    client.force_login(world.teacher)
    page = client.get(url).content.decode()
    assert results in page and "/accounts/ouder/" not in page
