"""Staff see a pupil's pages as a parent with gezag sees them ("Bekijken als ouder"):
the parents' own views at a chosen moment, read only, with a banner, and logged."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.models import AuditEvent, Guardian
from ouderportaal.core.preview import PreviewWriteRefused, refuse_writes
from ouderportaal.notifications.models import Event, Notification
from ouderportaal.privacy.models import StaffRead
from tests.dbsnapshot import snapshot
from tests.factories import StudentFactory, make_parent
from tests.schoolcontrol.helpers import close_module, closed_period, lvs_result, release

ACTION = "schoolcontrol.preview.viewed"


def token(at) -> str:
    return "nu" if at is None else timezone.localtime(at).strftime("%Y%m%dT%H%M")


def page_url(world, name, at=None, child=None, guardian=None):
    """The preview address of the parent page `name` about `child` (Sanne)."""
    child = child or world.child
    guardian = guardian or Guardian.objects.get(user=world.parent)
    root = reverse(
        "schoolcontrol:preview_root",
        kwargs={
            "school": world.school.slug,
            "student": world.child.public_id,
            "guardian": guardian.pk,
            "moment": token(at),
        },
    )
    return root + reverse(name, kwargs={"student": child.public_id}).lstrip("/")


@pytest.fixture
def staff_client(world, client):
    client.force_login(world.staff)
    return client


def test_from_the_pupil_to_the_parents_pages(world, staff_client):
    pupil_page = reverse(
        "backoffice:student", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    start = reverse(
        "schoolcontrol:preview_pupil",
        kwargs={"school": world.school.slug, "student": world.child.public_id},
    )
    assert start in staff_client.get(pupil_page).content.decode()
    guardian = Guardian.objects.get(user=world.parent)
    html = staff_client.get(start).content.decode()
    assert guardian.full_name in html
    # Informatierecht only: not a parent who sees the portal.
    assert Guardian.objects.get(user=world.info_only).full_name not in html
    response = staff_client.get(start, {"ouder": guardian.pk}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == page_url(world, "portal:general")
    html = response.content.decode()
    assert "Voorbeeld: zo ziet een ouder met gezag deze pagina nu" in html
    assert pupil_page in html  # the way back to the back office
    # The tabs lead to the same pupil's pages inside the preview.
    assert f'href="{page_url(world, "results:lvs")}"' in html
    assert f'href="{page_url(world, "results:method_tests")}"' in html
    # The parent's own menu and forms are not offered.
    assert reverse("accounts:logout") not in html
    assert '<fieldset class="parent-preview-content" disabled>' in html


def test_results_appear_at_the_release_moment_and_not_before(world, staff_client):
    now = timezone.now()
    result = lvs_result(world.child, entered_at=now - timedelta(days=2))
    type(result).objects.filter(pk=result.pk).update(test_name="Spelling-Toets-M5")
    release_at = (now + timedelta(days=3)).replace(second=0, microsecond=0)
    release(world.school, world.group.school_year, "M", release_at)

    before = staff_client.get(page_url(world, "results:lvs", release_at - timedelta(minutes=1)))
    assert before.status_code == 200
    assert "Spelling-Toets-M5" not in before.content.decode()
    moment = timezone.localtime(release_at).strftime("%-d %B %Y")
    at_release = staff_client.get(page_url(world, "results:lvs", release_at)).content.decode()
    assert "Spelling-Toets-M5" in at_release
    assert "Voorbeeld: zo ziet een ouder met gezag deze pagina op" in at_release
    assert timezone.localtime(release_at).strftime("%H:%M") in at_release
    assert str(timezone.localtime(release_at).day) in moment
    # Now, before the release, the parent's own page does not show it either.
    assert (
        "Spelling-Toets-M5" not in staff_client.get(page_url(world, "results:lvs")).content.decode()
    )


def test_a_closed_module_has_no_tab_and_no_page_in_the_preview(world, staff_client):
    close_module(world.school, "appointments")
    html = staff_client.get(page_url(world, "portal:general")).content.decode()
    assert page_url(world, "helpdesk:appointments") not in html
    assert page_url(world, "results:lvs") in html
    closed = staff_client.get(page_url(world, "helpdesk:appointments")).content.decode()
    assert "Niet beschikbaar op deze school" in closed
    assert "<textarea" not in closed


def test_general_switched_off_lands_on_the_first_open_module_inside_the_preview(
    world, staff_client
):
    close_module(world.school, "general")
    response = staff_client.get(page_url(world, "portal:general"))
    assert response.status_code == 302
    assert response["Location"] == page_url(world, "results:method_tests")


def test_a_post_in_the_preview_is_refused_and_changes_nothing(world, staff_client):
    before = snapshot()
    for name in ("helpdesk:appointments", "changerequests:propose_child", "portal:general"):
        response = staff_client.post(
            page_url(world, name), {"message": "Graag een gesprek", "city": "Zeist"}
        )
        assert response.status_code == 405
    assert snapshot() == before


def test_the_preview_marks_nothing_seen_and_writes_only_its_log(world, staff_client):
    event = Event.objects.create(
        school=world.school,
        student=world.child,
        kind="results",
        page="results:lvs",
        key=f"test-results-{world.child.pk}",
        happened_at=timezone.now(),
    )
    Notification.objects.create(event=event, user=world.parent)
    before = snapshot()
    names = [
        "portal:general",
        "results:method_tests",
        "results:lvs",
        "changerequests:child_requests",
        "helpdesk:appointments",
    ]
    for name in names:
        assert staff_client.get(page_url(world, name)).status_code == 200, name
    after = snapshot()
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"core.auditevent", "privacy.staffread"}
    assert Notification.objects.get(event=event).seen_at is None
    events = AuditEvent.objects.filter(action=ACTION).order_by("pk")
    assert [e.data["page"] for e in events] == names
    assert {(e.actor, e.school, e.data["pupil"]) for e in events} == {
        (world.staff, world.school, world.child.full_name)
    }
    reads = StaffRead.objects.filter(kind="preview", user=world.staff)
    assert reads.count() == len(names)
    assert set(reads.values_list("student", flat=True)) == {world.child.pk}
    # The parent opening the page does mark it seen: the preview left that to them.
    staff_client.force_login(world.parent)
    staff_client.get(reverse("results:lvs", kwargs={"student": world.child.public_id}))
    assert Notification.objects.get(event=event).seen_at is not None


def test_another_school_a_teacher_and_other_pupils_get_not_found(world, client):
    url = page_url(world, "results:lvs")
    client.force_login(world.other_staff)
    assert client.get(url).status_code == 404
    client.force_login(world.teacher)
    assert client.get(url).status_code == 404
    start = reverse(
        "schoolcontrol:preview_pupil",
        kwargs={"school": world.school.slug, "student": world.child.public_id},
    )
    assert client.get(start).status_code == 404
    client.force_login(world.staff)
    # A pupil of another school under one's own school.
    elsewhere = StudentFactory(school=world.other_school)
    other_parent = Guardian.objects.get(user=make_parent([elsewhere], username="Elders2"))
    foreign = reverse(
        "schoolcontrol:preview_root",
        kwargs={
            "school": world.school.slug,
            "student": elsewhere.public_id,
            "guardian": other_parent.pk,
            "moment": "nu",
        },
    )
    assert client.get(foreign).status_code == 404
    # A parent of another pupil of the school; a parent with informatierecht only.
    for user in (world.other_parent, world.info_only):
        guardian = Guardian.objects.get(user=user, school=world.school)
        assert client.get(page_url(world, "results:lvs", guardian=guardian)).status_code == 404
    # Inside Sanne's preview: her brother's pages and the parent's other pages are not shown.
    sibling = client.get(page_url(world, "results:lvs", child=world.sibling))
    assert sibling.status_code == 404
    assert "Geen onderdeel van het voorbeeld" in sibling.content.decode()
    home = client.get(page_url(world, "results:lvs").split("ouders/")[0] + "ouders/")
    assert home.status_code == 404
    assert client.get(page_url(world, "privacy:child_reads")).status_code == 404
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_a_moment_that_is_no_moment_is_not_found(world, staff_client):
    url = page_url(world, "results:lvs").replace("/nu/", "/morgen/")
    assert staff_client.get(url).status_code == 404


def test_writes_are_refused_while_a_parent_page_runs(world):
    with pytest.raises(PreviewWriteRefused), transaction.atomic(), refuse_writes():
        AuditEvent.objects.create(action="test.write")
    assert not AuditEvent.objects.filter(action="test.write").exists()
    AuditEvent.objects.create(action="test.after")  # outside, writes work as ever
    assert AuditEvent.objects.filter(action="test.after").exists()


def test_a_closed_period_at_the_moment_closes_the_preview_too(world, staff_client):
    starts = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    closed_period(
        world.school,
        starts,
        starts + timedelta(days=3),
        modules=["lvs"],
        message="Cito-uitslagen volgen na de rapportweek.",
    )
    now = staff_client.get(page_url(world, "results:lvs")).content.decode()
    assert "Cito-uitslagen volgen na de rapportweek." not in now
    during = staff_client.get(page_url(world, "results:lvs", starts + timedelta(hours=1)))
    assert during.status_code == 200
    assert "Cito-uitslagen volgen na de rapportweek." in during.content.decode()
    assert "Voorbeeld: zo ziet een ouder met gezag deze pagina op" in during.content.decode()


def test_the_school_log_and_the_parents_history_show_the_preview_once(world, staff_client):
    assert staff_client.get(page_url(world, "results:lvs")).status_code == 200
    log = staff_client.get(reverse("schoolcontrol:audit", kwargs={"school": world.school.slug}))
    html = log.content.decode()
    assert "Portaal bekeken als ouder" in html
    assert world.child.full_name in html
    staff_client.force_login(world.parent)
    history = staff_client.get(
        reverse("privacy:child_reads", kwargs={"student": world.child.public_id})
    ).content.decode()
    assert history.count("het portaal zoals de ouder het ziet") == 1


def test_a_release_leads_to_the_parents_pages_at_its_moment(world, staff_client):
    release_at = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    release(world.school, world.group.school_year, "M", release_at)
    local = timezone.localtime(release_at).strftime("%Y-%m-%dT%H:%M")
    encoded = local.replace(":", "%3A")
    school = world.school.slug
    releases = staff_client.get(reverse("schoolcontrol:releases", kwargs={"school": school}))
    chooser = reverse("schoolcontrol:preview", kwargs={"school": school}) + f"?at={encoded}"
    assert chooser in releases.content.decode()
    guardian = Guardian.objects.get(user=world.parent)
    summary = reverse(
        "schoolcontrol:preview_parent", kwargs={"school": school, "guardian": guardian.pk}
    )
    assert f"{summary}?at={encoded}" in staff_client.get(chooser).content.decode()
    start = reverse(
        "schoolcontrol:preview_pupil", kwargs={"school": school, "student": world.child.public_id}
    )
    html = staff_client.get(f"{summary}?at={local}").content.decode()
    assert f"{start}?ouder={guardian.pk}&amp;at={local}" in html
    response = staff_client.get(start, {"ouder": guardian.pk, "at": local}, follow=True)
    assert response.redirect_chain[0][0].endswith(f"/{token(release_at)}/")
    assert response.redirect_chain[-1][0] == page_url(world, "portal:general", release_at)


@pytest.mark.django_db(transaction=True)  # committing as in production: no test transaction
def test_a_parent_page_that_writes_on_a_get_writes_nothing_in_the_preview(world, monkeypatch):
    """Read only by construction: whatever a parent page might write while it is shown
    (here a page that records an audit event) is refused in the preview."""
    from ouderportaal.core import audit
    from ouderportaal.results import views as result_views

    shown = result_views.standing_text

    def writing_standing_text(school):
        audit.record("test.parent_page_wrote", school=school)
        return shown(school)

    monkeypatch.setattr(result_views, "standing_text", writing_standing_text)
    client = Client(raise_request_exception=False)
    client.force_login(world.staff)
    before = snapshot()
    assert client.get(page_url(world, "results:lvs")).status_code == 500
    assert snapshot() == before
    # The parent's own page does write here: the test's page really writes.
    client.force_login(world.parent)
    assert client.get(reverse("results:lvs", args=[world.child.public_id])).status_code == 200
    assert AuditEvent.objects.filter(action="test.parent_page_wrote").count() == 1


def test_the_schools_style_and_public_pages_come_from_their_own_address(world, staff_client):
    from ouderportaal.core.models import SchoolBranding

    SchoolBranding.objects.create(school=world.school, accent_colour="#1d4f91")
    html = staff_client.get(page_url(world, "results:lvs")).content.decode()
    root = page_url(world, "results:lvs").split("ouders/")[0]
    style = reverse("school_css", kwargs={"school": world.school.slug})
    assert f'href="{root}{style.lstrip("/")}?v=' in html
    response = staff_client.get(f"{root}{style.lstrip('/')}?v=1")
    assert response.status_code == 302
    assert response["Location"] == f"{style}?v=1"
    glossary = reverse("results:glossary")
    assert staff_client.get(root + glossary.lstrip("/"))["Location"] == glossary
