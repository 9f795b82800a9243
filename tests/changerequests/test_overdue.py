"""A request past its due date: the parent is told it is late and what to do; staff too."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from django.urls import reverse

from tests.changerequests.conftest import child_form, only_request
from tests.schoolcontrol.helpers import close_module

AMS = ZoneInfo("Europe/Amsterdam")


def _propose_on(client, world, freeze, moment):
    freeze(moment)
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, city="Zeist"),
    )
    return only_request()


def test_the_parent_sees_an_overdue_request_is_late_and_whom_to_write(world, client, freeze):
    _propose_on(client, world, freeze, datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    page_url = reverse("changerequests:child_requests", args=[world.child.public_id])
    on_time = client.get(page_url).content.decode()
    assert "te laat" not in on_time
    assert f"mailto:{world.school.portal_email}" not in on_time

    freeze(datetime(2026, 3, 16, 9, 0, tzinfo=AMS))
    client.force_login(world.parent)
    for url in (page_url, reverse("changerequests:my_requests")):
        late = client.get(url).content.decode()
        assert "te laat" in late
        assert f'href="mailto:{world.school.portal_email}"' in late
        assert "niet op tijd verwerkt" in late


def test_staff_see_the_same_on_the_queue_and_the_request(world, client, freeze):
    request = _propose_on(client, world, freeze, datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    freeze(datetime(2026, 3, 16, 9, 0, tzinfo=AMS))
    client.force_login(world.staff)
    queue = client.get(reverse("requestsadmin:queue", args=[world.school.slug])).content.decode()
    detail = client.get(
        reverse("requestsadmin:detail", args=[world.school.slug, request.pk])
    ).content.decode()
    for html in (queue, detail):
        assert "te laat" in html
        assert world.school.portal_email in html


def test_the_staff_queue_stays_reachable_with_the_module_off_for_parents(world, client, freeze):
    _propose_on(client, world, freeze, datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    close_module(world.school, "change_requests")
    client.force_login(world.staff)
    queue_url = reverse("requestsadmin:queue", args=[world.school.slug])
    home = client.get(reverse("backoffice:home", args=[world.school.slug])).content.decode()
    assert f'href="{queue_url}"' in home
    response = client.get(queue_url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_my_requests_has_no_skipped_heading_level(world, client, freeze):
    _propose_on(client, world, freeze, datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    html = client.get(reverse("changerequests:my_requests")).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html.split("<main", 1)[1])]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_each_requests_table_region_has_its_own_name(world, client, freeze):
    _propose_on(client, world, freeze, datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    freeze(datetime(2026, 3, 3, 9, 0, tzinfo=AMS))
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, city="Houten"),
    )
    html = client.get(reverse("changerequests:my_requests")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    names = [
        soup.find(id=region["aria-labelledby"]).get_text(" ", strip=True)
        for region in soup.find_all(attrs={"role": "region"})
    ]
    assert len(names) == 2
    assert len(set(names)) == 2, names
