"""The administration's queue: deciding, conflicts, audit and the parents' mail."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from ouderportaal.changerequests import services
from ouderportaal.changerequests.models import ChangeRequest, ClosureDay, RequestSettings
from ouderportaal.core.models import AuditEvent, Guardian
from tests.changerequests.conftest import child_form, own_form
from tests.factories import GuardianFactory, LinkFactory, StudentFactory, UserFactory, make_parent

AMS = ZoneInfo("Europe/Amsterdam")


def _propose(client, world, **changes):
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, **changes),
    )
    return ChangeRequest.objects.order_by("-pk").first()


def _detail(world, request):
    return reverse("requestsadmin:detail", args=[world.school.slug, request.pk])


@pytest.fixture
def decide(world, client):
    """Open the request as staff and post a decision; mails go out after the commit."""

    def post(request, *, accept, action="accept", reason="", overwrite=()):
        client.force_login(world.staff)
        page = client.get(_detail(world, request))
        token = page.context["token"]
        return client.post(
            _detail(world, request),
            {
                "action": action,
                "accept": list(accept),
                "overwrite": list(overwrite),
                "reason": reason,
                "token": token,
            },
            follow=True,
        )

    return post


@pytest.fixture
def second_parent(world):
    """The other parent with gezag over `child`, with their own address and English mail."""
    guardian = GuardianFactory(
        school=world.school,
        user=UserFactory(username="MdeVries"),
        email="marieke@example.nl",
        street="Havenstraat",
        house_number="88",
        postcode="3582 EF",
        city="Utrecht",
        language="en",
    )
    LinkFactory(guardian=guardian, student=world.child)
    return guardian


def test_queue_lists_open_requests_oldest_first_with_due_and_overdue(world, client, freeze):
    freeze(datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    old = _propose(client, world, city="Zeist")
    freeze(datetime(2026, 3, 16, 9, 0, tzinfo=AMS))
    new = _propose(client, world, phone="06-12345678")
    client.force_login(world.staff)
    response = client.get(reverse("requestsadmin:queue", args=[world.school.slug]))
    html = response.content.decode()
    assert [row["request"] for row in response.context["rows"]] == [old, new]
    assert "maandag 9 maart 2026" in html  # due date of the old one
    assert html.count("te laat</strong>") == 1 + 1  # in the count line and at the request
    assert "Zeist" in html  # the new value beside the old one
    assert 'data-label="Bij het verzoek">Utrecht</td>' in html


def test_accept_all_applies_in_one_go_with_audit_and_mail_to_both_parents(
    world, client, second_parent, decide
):
    request = _propose(client, world, street="Beukenlaan", house_number="3a", postcode="3512 KL")
    parent_guardian = Guardian.objects.get(user=world.parent)
    parent_guardian.street, parent_guardian.house_number = "Geheimeweg", "99"
    parent_guardian.save()
    mail.outbox.clear()
    response = decide(request, accept=["street", "house_number", "postcode"])
    assert response.status_code == 200
    world.child.refresh_from_db()
    assert (world.child.street, world.child.house_number, world.child.postcode) == (
        "Beukenlaan",
        "3a",
        "3512 KL",
    )
    request.refresh_from_db()
    assert request.status == "processed" and request.handled_by == world.staff
    event = AuditEvent.objects.get(action="changerequest.decided")
    assert event.data["changes"]["street"] == {"old": "Kerkstraat", "new": "Beukenlaan"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [parent_guardian.email, "marieke@example.nl"]
    )
    for message in mail.outbox:
        body = message.body + message.alternatives[0][0]
        assert "Beukenlaan" in body
        # Neither parent's own address is in anyone's mail.
        assert "Geheimeweg" not in body and "Havenstraat" not in body
    english = next(m for m in mail.outbox if m.to == ["marieke@example.nl"])
    assert "the other parent asked the school" in english.body
    assert "Dear" in english.body
    dutch = next(m for m in mail.outbox if m.to == [parent_guardian.email])
    assert "vroeg u de school" in dutch.body
    # The parent now sees the new address and the request as verwerkt.
    client.force_login(world.parent)
    general = client.get(reverse("portal:general", args=[world.child.public_id]))
    assert "Beukenlaan 3a" in general.content.decode()
    requests_page = client.get(
        reverse("changerequests:child_requests", args=[world.child.public_id])
    )
    assert "verwerkt" in requests_page.content.decode()


def test_accept_some_needs_a_reason_and_is_partly_processed(world, client, decide):
    request = _propose(client, world, city="Zeist", phone="06-12345678")
    response = decide(request, accept=["city"])
    assert "Geef een reden" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "submitted"
    decide(request, accept=["city"], reason="Dit nummer hoort bij een ander kind.")
    request.refresh_from_db()
    world.child.refresh_from_db()
    assert request.status == "partly"
    assert world.child.city == "Zeist" and world.child.phone == ""
    assert {i.field: i.accepted for i in request.items.all()} == {"city": True, "phone": False}


def test_reject_needs_a_reason_that_the_parent_reads(world, client, decide):
    request = _propose(client, world, city="Zeist")
    response = decide(request, accept=[], action="reject")
    assert "Geef de ouder een reden" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "submitted"
    mail.outbox.clear()
    decide(
        request,
        accept=["city"],
        action="reject",
        reason="Volgens de BRP woont Sanne nog in Utrecht.",
    )
    request.refresh_from_db()
    world.child.refresh_from_db()
    assert request.status == "rejected" and world.child.city == "Utrecht"
    assert "Volgens de BRP" in mail.outbox[0].body
    client.force_login(world.parent)
    html = client.get(
        reverse("changerequests:child_requests", args=[world.child.public_id])
    ).content.decode()
    assert "afgewezen" in html and "Volgens de BRP woont Sanne nog in Utrecht." in html


def test_a_conflict_is_shown_and_not_overwritten_silently(world, client, decide):
    request = _propose(client, world, city="Zeist")
    world.child.city = "Bunnik"  # the administration changed it meanwhile
    world.child.save()
    client.force_login(world.staff)
    page = client.get(_detail(world, request))
    html = page.content.decode()
    assert "Conflict" in html and "Bunnik" in html and "Zeist" in html
    assert 'name="overwrite"' in html
    response = decide(request, accept=["city"])
    assert "Iemand heeft deze gegevens gewijzigd" in response.content.decode()
    world.child.refresh_from_db()
    assert world.child.city == "Bunnik"
    decide(request, accept=["city"], overwrite=["city"])
    world.child.refresh_from_db()
    assert world.child.city == "Zeist"
    event = AuditEvent.objects.get(action="changerequest.decided")
    assert event.data["overwritten"] == ["city"]


def test_a_change_while_the_page_is_open_stops_the_decision(world, client):
    request = _propose(client, world, city="Zeist")
    client.force_login(world.staff)
    token = client.get(_detail(world, request)).context["token"]
    world.child.city = "Bunnik"
    world.child.save()
    response = client.post(
        _detail(world, request), {"action": "accept", "accept": ["city"], "token": token}
    )
    assert "gewijzigd terwijl u keek" in response.content.decode()
    world.child.refresh_from_db()
    assert world.child.city == "Bunnik"


def test_a_handled_request_is_not_handled_again(world, client, decide):
    request = _propose(client, world, city="Zeist")
    client.force_login(world.staff)
    token = client.get(_detail(world, request)).context["token"]
    decide(request, accept=["city"])
    world.child.city = "Houten"
    world.child.save()
    response = client.post(
        _detail(world, request), {"action": "accept", "accept": ["city"], "token": token}
    )
    assert "al door iemand anders afgehandeld" in response.content.decode()
    with pytest.raises(services.RequestError):
        services.decide(
            request_id=request.pk,
            school=world.school,
            actor=world.staff,
            accept={"city"},
            reason="",
            token=token,
        )
    world.child.refresh_from_db()
    assert world.child.city == "Houten"
    assert AuditEvent.objects.filter(action="changerequest.decided").count() == 1


def test_own_contact_change_mails_only_that_parent(world, client, second_parent, decide):
    client.force_login(world.parent)
    guardian = Guardian.objects.get(user=world.parent)
    client.post(
        reverse("changerequests:propose_own", args=[world.child.public_id]),
        own_form(guardian, phone_mobile="06-55554444"),
    )
    request = ChangeRequest.objects.get()
    mail.outbox.clear()
    decide(request, accept=["phone_mobile"])
    guardian.refresh_from_db()
    assert guardian.phone_mobile == "06-55554444"
    assert [m.to for m in mail.outbox] == [[guardian.email]]


def test_start_processing_shows_in_behandeling_to_the_parent(world, client):
    request = _propose(client, world, city="Zeist")
    client.force_login(world.staff)
    client.post(_detail(world, request), {"action": "start"})
    request.refresh_from_db()
    assert request.status == "in_progress"
    client.force_login(world.parent)
    html = client.get(reverse("changerequests:my_requests")).content.decode()
    assert "in behandeling" in html


def test_other_schools_requests_are_not_found(world, client):
    other_child = StudentFactory(school=world.other_school)
    other_parent = make_parent([other_child])
    other = services.submit(
        user=other_parent, student=other_child, guardian=None, changes={"city": "Elders"}
    )
    client.force_login(world.staff)
    assert client.get(_detail(world, other)).status_code == 404
    queue = client.get(reverse("requestsadmin:queue", args=[world.school.slug]))
    assert "Elders" not in queue.content.decode()
    client.force_login(world.teacher)
    assert client.get(reverse("requestsadmin:queue", args=[world.school.slug])).status_code == 404


def test_closure_days_add_import_and_remove(world, client, freeze):
    freeze(datetime(2026, 3, 1, 9, 0, tzinfo=AMS))
    client.force_login(world.staff)
    url = reverse("requestsadmin:closure_days", args=[world.school.slug])
    response = client.post(
        url,
        {"action": "add", "first_day": "2026-03-11", "last_day": "", "reason": "Studiedag"},
        follow=True,
    )
    assert "Studiedag" in response.content.decode()
    assert ClosureDay.objects.get(school=world.school).date == date(2026, 3, 11)
    response = client.post(
        url, {"action": "add", "first_day": "2026-03-12", "last_day": "2026-03-10", "reason": "x"}
    )
    assert "niet vóór de eerste dag" in response.content.decode()
    client.post(url, {"action": "import"})
    imported = ClosureDay.objects.filter(school=world.school, source="holidays")
    assert imported.filter(reason="Kerstvakantie").exists()
    assert ClosureDay.objects.get(date=date(2026, 3, 11)).reason == "Studiedag"
    before = ClosureDay.objects.count()
    client.post(url, {"action": "import"})  # again: nothing doubles
    assert ClosureDay.objects.count() == before
    client.post(url, {"action": "remove", "first_day": "2026-03-11", "last_day": "2026-03-11"})
    assert not ClosureDay.objects.filter(date=date(2026, 3, 11)).exists()
    # Another school's days are untouched by this school's pages.
    ClosureDay.objects.create(school=world.other_school, date=date(2026, 3, 11), reason="Elders")
    client.post(url, {"action": "remove", "first_day": "2026-01-01", "last_day": "2026-12-31"})
    assert ClosureDay.objects.filter(school=world.other_school).count() == 1


def test_settings_page(world, client):
    client.force_login(world.staff)
    url = reverse("requestsadmin:settings", args=[world.school.slug])
    response = client.post(
        url,
        {
            "student_fields": ["phone"],
            "summary_enabled": "",
            "summary_email": "administratie@example.nl",
        },
    )
    assert response.status_code == 302
    saved = RequestSettings.objects.get(school=world.school)
    assert saved.student_fields == ["phone"]
    assert not saved.summary_enabled
    assert saved.summary_address == "administratie@example.nl"
    response = client.post(url, {"student_fields": ["phone"], "summary_email": "geen adres"})
    assert response.status_code == 200
    assert "geen adres" in response.content.decode()


def test_overdue_is_computed_from_the_stored_due_date(world, client, freeze):
    freeze(datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    request = _propose(client, world, city="Zeist")
    assert request.due_on == date(2026, 3, 9)
    # Closing the school later does not move a due date that was already given.
    ClosureDay.objects.create(school=world.school, date=date(2026, 3, 4), reason="Studiedag")
    request.refresh_from_db()
    assert request.due_on == date(2026, 3, 9)
    freeze(datetime(2026, 3, 10, 9, 0, tzinfo=AMS))
    assert list(ChangeRequest.objects.overdue()) == [request]
    assert request.due_on + timedelta(days=1) == date(2026, 3, 10)
