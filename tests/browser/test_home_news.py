"""A parent's home after a release shows the new results; once opened, they are not new."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ouderportaal.schoolcontrol.tasks import record_effects
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.schoolcontrol.helpers import lvs_result, release


def test_home_shows_released_results_until_the_parent_views_them(page, axe, world):
    now = timezone.now()
    lvs_result(world.child, entered_at=now - timedelta(days=10))
    release(world.school, world.group.school_year, "M", now - timedelta(minutes=1))
    record_effects.call(world.school.pk)  # the task queued for the release moment

    log_in(page, "JdeVries", PASSWORD)
    sanne = page.locator(".child-card", has_text="Sanne de Vries")
    thijs = page.locator(".child-card", has_text="Thijs de Vries")
    expect(sanne.get_by_role("link", name="Nieuwe resultaten")).to_be_visible()
    expect(thijs.get_by_text("Niets nieuw sinds uw vorige bezoek.")).to_be_visible()
    axe(page)

    sanne.get_by_role("link", name="Nieuwe resultaten").click()
    expect(page).to_have_url(f"/ouders/kind/{world.child.public_id}/cito/")
    axe(page)

    page.goto("/ouders/")
    sanne = page.locator(".child-card", has_text="Sanne de Vries")
    expect(sanne.get_by_text("Niets nieuw sinds uw vorige bezoek.")).to_be_visible()
    expect(sanne.get_by_role("link", name="Nieuwe resultaten")).to_have_count(0)
    axe(page)
