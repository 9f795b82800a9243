"""Parents see when new Cito results become visible, where the school announces it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ouderportaal.schoolcontrol.models import Release
from tests.factories import SchoolYearFactory


def _release(world, *, announce, days=3, moment="M"):
    return Release.objects.create(
        school=world.school,
        school_year=SchoolYearFactory(school=world.school),
        moment=moment,
        release_at=timezone.now() + timedelta(days=days),
        announce=announce,
    )


def test_an_announced_release_is_shown_with_its_date(world, client):
    release = _release(world, announce=True)
    client.force_login(world.parent)
    page = client.get(reverse("results:lvs", args=[world.child.public_id])).content.decode()
    day = timezone.localtime(release.release_at).day
    assert "Nieuwe resultaten zijn zichtbaar vanaf" in page
    assert f"{day} " in page


def test_an_unannounced_or_past_release_shows_no_line(world, client):
    _release(world, announce=False)
    _release(world, announce=True, days=-1, moment="E")
    client.force_login(world.parent)
    page = client.get(reverse("results:lvs", args=[world.child.public_id])).content.decode()
    assert "Nieuwe resultaten zijn zichtbaar vanaf" not in page
