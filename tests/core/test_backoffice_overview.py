"""The back office's overview is a work list, and its menu has a few sections."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.helpdesk.models import AppointmentRequest
from ouderportaal.schoolcontrol.models import ClosedPeriod
from tests.changerequests.conftest import child_form

pytestmark = pytest.mark.django_db


def _home(client, world):
    response = client.get(reverse("backoffice:home", kwargs={"school": world.school.slug}))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _work(page):
    return {li.get_text(" ", strip=True): li.a["href"] for li in page.select(".work-list li")}


def test_overview_lists_the_work_with_links(client, world):
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, city="Zeist"),
    )
    AppointmentRequest.objects.create(
        school=world.school,
        student=world.child,
        requested_by=world.parent,
        subject="Rapportgesprek",
        preferred_times="maandag",
    )
    now = timezone.now()
    ClosedPeriod.objects.create(
        school=world.school, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=4)
    )
    world.child.group.teachers.add(world.staff.staff_memberships.get())
    client.force_login(world.staff)
    work = _work(_home(client, world))
    slug = world.school.slug
    assert work["1 afspraakverzoek wacht op antwoord."] == reverse(
        "helpdeskadmin:appointments", kwargs={"school": slug}
    )
    assert any(text.startswith("Volgende gesloten periode:") for text in work)

    ChangeRequest.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    work = _work(_home(client, world))
    assert work["1 wijzigingsverzoek is over de datum."] == reverse(
        "requestsadmin:queue", kwargs={"school": slug}
    )


def test_parents_who_never_logged_in_are_listed_per_group(client, world):
    client.force_login(world.staff)
    work = _work(_home(client, world))
    never = [text for text in work if text.startswith("Groep 5A:")]
    # JdeVries and PBakker have accounts and never logged in (force_login sets no date
    # for them); EVisser has informatierecht only and gets no account.
    assert never == ["Groep 5A: 2 ouders hebben nog nooit ingelogd."]
    assert work[never[0]] == reverse("schoolcontrol:adoption", kwargs={"school": world.school.slug})


def test_nothing_to_do_says_so(client, world):
    client.force_login(world.teacher)
    page = _home(client, world)
    assert "Er wacht niets op u." in page.select_one(".work-list").get_text()


def test_menu_has_at_most_six_top_entries_usable_without_javascript(client, world):
    client.force_login(world.staff)
    page = _home(client, world)
    menu = page.select_one("nav.bo-menu")
    tops = menu.select(".bo-sections > li")
    assert 3 <= len(tops) <= 6
    # Every page of the old menu is still one click away inside a <details>.
    links = {a.get_text(strip=True) for a in menu.select("a")}
    assert {"Leerlingen", "Wijzigingsverzoeken", "Portaalinstellingen", "Importeren"} <= links
    assert menu.select("details > summary")
    assert menu.select_one('[aria-current="page"]').get_text(strip=True) == "Overzicht"
