"""Pages look for unseen news only when news was recorded since all was seen
(`User.news_mark`), and the mark never hides news: not when an account read earlier is
saved, not when news is recorded while a page marks the last of it seen."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouderportaal.notifications.services import mark_seen
from tests.notifications.helpers import at, run_effects
from tests.schoolcontrol.helpers import lvs_result, moment, release


def released_news(world, day=12, moment_code="M"):
    """New Cito results for Sanne, released at 08:00 on 12 February 2027 (or `day`)."""
    lvs_result(world.child, entered_at=moment(2027, 2, 1, 10), moment_code=moment_code)
    release(world.school, world.group.school_year, moment_code, moment(2027, 2, day, 8))


def home_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:home")).content.decode()
    return page, len(queries)


def test_home_stops_looking_for_news_once_all_is_seen(world, client):
    lvs = reverse("results:lvs", kwargs={"student": world.child.public_id})
    link = f'href="{lvs}"'
    released_news(world)
    with at(2027, 2, 12, 8, 30):
        run_effects(world.school)
        client.force_login(world.parent)
        client.get(reverse("portal:home"))  # the first visit after the login saves the session
        page, with_news = home_queries(client)
        assert link in page
        client.get(lvs)  # seen
        page, without_news = home_queries(client)
        assert link not in page
        assert without_news == with_news - 1
        assert get_user_model().objects.get(pk=world.parent.pk).news_mark == 0


def test_saving_an_account_read_before_the_news_keeps_the_news(world, client):
    released_news(world)
    read_before = get_user_model().objects.get(pk=world.parent.pk)
    with at(2027, 2, 12, 8, 30):
        run_effects(world.school)
        read_before.first_name = "Ellen"
        read_before.save()
        client.force_login(world.parent)
        page = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("results:lvs", kwargs={"student": world.child.public_id})}"' in page


def test_the_mark_stays_when_news_was_recorded_after_the_page_read_the_account(world):
    """Had the news come between the page's update and the clearing, only the changed
    mark could tell; so a mark that changed since the account was read is kept."""
    released_news(world)
    with at(2027, 2, 12, 8, 30):
        run_effects(world.school)
        read_before = get_user_model().objects.get(pk=world.parent.pk)
    released_news(world, day=13, moment_code="E")
    with at(2027, 2, 13, 8, 30):
        run_effects(world.school)
        mark_seen(read_before, page="results:lvs", student_public_id=world.child.public_id)
    assert get_user_model().objects.get(pk=world.parent.pk).news_mark > 0
