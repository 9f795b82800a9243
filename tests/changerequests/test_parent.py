"""Parents propose changes; the school's data stay until the administration decides."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ouderportaal.changerequests.models import ChangeRequest, ClosureDay, RequestSettings
from ouderportaal.core.models import AuditEvent, Guardian
from tests.changerequests.conftest import child_form, only_request, own_form
from tests.factories import StudentFactory, make_parent

AMS = ZoneInfo("Europe/Amsterdam")


def test_the_form_shows_the_current_values(world, client, propose_url):
    client.force_login(world.parent)
    response = client.get(propose_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kerkstraat"' in html
    assert 'value="3511 AB"' in html
    assert "binnen 5 werkdagen" in html


def test_a_proposal_is_stored_with_snapshot_and_due_date_and_data_stay(
    world, client, propose_url, freeze
):
    freeze(datetime(2026, 4, 24, 10, 0, tzinfo=AMS))
    client.force_login(world.parent)
    response = client.post(
        propose_url,
        child_form(world.child, street="Beukenlaan", house_number="3a", postcode="3512kl"),
        follow=True,
    )
    request = only_request()
    assert request.subject == ChangeRequest.Subject.STUDENT
    assert request.status == "submitted"
    # Friday 24 April 2026 + 5 working days, Koningsdag (Monday 27 April) not counted.
    assert request.due_on == date(2026, 5, 4)
    items = {i.field: (i.old_value, i.new_value) for i in request.items.all()}
    assert items == {
        "street": ("Kerkstraat", "Beukenlaan"),
        "house_number": ("1", "3a"),
        "postcode": ("3511 AB", "3512 KL"),
    }
    html = response.content.decode()
    assert "binnen 5 werkdagen" in html
    assert "maandag 4 mei 2026" in html
    world.child.refresh_from_db()
    assert world.child.street == "Kerkstraat"
    assert AuditEvent.objects.filter(action="changerequest.submitted").count() == 1


def test_the_schools_own_closed_days_move_the_due_date(world, client, propose_url, freeze):
    freeze(datetime(2026, 3, 9, 9, 0, tzinfo=AMS))
    ClosureDay.objects.create(school=world.school, date=date(2026, 3, 11), reason="Studiedag")
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, city="Zeist"))
    assert only_request().due_on == date(2026, 3, 17)


def test_late_evening_counts_in_amsterdam_time(world, client, propose_url, freeze):
    # 23:30 on Friday in Amsterdam is still Friday, though it is 22:30 UTC.
    freeze(datetime(2026, 3, 13, 23, 30, tzinfo=AMS))
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, city="Zeist"))
    assert only_request().due_on == date(2026, 3, 20)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"postcode": "1234"}, "postcode", "Nederlandse postcode"),
        ({"postcode": "0123 AB"}, "postcode", "Nederlandse postcode"),
        ({"phone": "12345"}, "phone", "telefoonnummer"),
        ({"phone": "06-1234567a"}, "phone", "telefoonnummer"),
        ({"house_number": "twaalf"}, "house_number", "huisnummer"),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_stays(
    world, client, propose_url, changes, field, message
):
    client.force_login(world.parent)
    response = client.post(propose_url, child_form(world.child, street="Nieuwe Gracht", **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Nieuwe Gracht"' in html
    assert f'value="{changes[field]}"' in html
    assert not ChangeRequest.objects.exists()


def test_valid_phone_numbers_are_accepted(world, client, propose_url):
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, phone="+31 6 12345678"))
    assert only_request().items.get().new_value == "+31 6 12345678"


def test_nothing_changed_is_an_error(world, client, propose_url):
    client.force_login(world.parent)
    response = client.post(propose_url, child_form(world.child))
    assert "U hebt niets gewijzigd" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_own_contact_data_with_email_check(world, client, own_url):
    client.force_login(world.parent)
    guardian = Guardian.objects.get(user=world.parent, school=world.school)
    response = client.post(own_url, own_form(guardian, email="geen-adres"))
    assert "e-mailadres" in response.content.decode().lower()
    assert not ChangeRequest.objects.exists()
    client.post(own_url, own_form(guardian, email="nieuw@example.nl", phone_mobile="06-98765432"))
    request = only_request()
    assert request.subject == ChangeRequest.Subject.GUARDIAN
    assert request.guardian == guardian
    assert {i.field for i in request.items.all()} == {"email", "phone_mobile"}


def test_the_school_narrows_the_childs_changeable_fields(world, client, propose_url):
    RequestSettings.objects.create(school=world.school, student_fields=["phone"])
    client.force_login(world.parent)
    html = client.get(propose_url).content.decode()
    assert 'name="phone"' in html and 'name="street"' not in html
    client.post(propose_url, {"phone": "030-1234567", "street": "Ergens"})
    assert [i.field for i in only_request().items.all()] == ["phone"]


def test_markup_is_stored_as_text_and_never_executes(world, client, propose_url):
    client.force_login(world.parent)
    evil = '<script>alert("x")</script>'
    client.post(propose_url, child_form(world.child, city=evil, note=f"<b>{evil}</b>"))
    request = only_request()
    assert request.items.get().new_value == evil
    pages = [
        client.get(reverse("changerequests:child_requests", args=[world.child.public_id])),
        client.get(reverse("changerequests:my_requests")),
    ]
    client.force_login(world.staff)
    pages.append(client.get(reverse("requestsadmin:queue", args=[world.school.slug])))
    pages.append(client.get(reverse("requestsadmin:detail", args=[world.school.slug, request.pk])))
    for response in pages:
        html = response.content.decode()
        assert '<script>alert("x")' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@override_settings(CHANGE_REQUESTS_PER_DAY=2)
def test_requests_per_parent_per_day_are_limited(world, client, propose_url):
    client.force_login(world.parent)
    for city in ("Zeist", "Bunnik"):
        client.post(propose_url, child_form(world.child, city=city))
    response = client.post(propose_url, child_form(world.child, city="Houten"))
    assert ChangeRequest.objects.count() == 2
    assert "hoogstens 2 verzoeken per dag" in response.content.decode()
    # Another parent has their own allowance.
    client.force_login(world.other_parent)
    url = reverse("changerequests:propose_child", args=[world.other_child.public_id])
    client.post(url, child_form(world.other_child, city="Houten"))
    assert ChangeRequest.objects.count() == 3


def test_no_gezag_no_proposal(world, client, propose_url):
    for persona in (world.info_only, world.other_parent, world.staff):
        client.force_login(persona)
        assert client.get(propose_url).status_code == 404
        assert client.post(propose_url, child_form(world.child, city="X")).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_withdraw_only_own_open_requests(world, client, propose_url):
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, city="Zeist"))
    request = only_request()
    url = reverse("changerequests:withdraw", args=[world.child.public_id, request.pk])
    # The sibling's URL with this request id does not find it.
    wrong = reverse("changerequests:withdraw", args=[world.sibling.public_id, request.pk])
    assert client.post(wrong).status_code == 404
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "ingetrokken" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "withdrawn" and request.withdrawn_at is not None
    # A second withdrawal changes nothing and says so.
    response = client.post(url, follow=True)
    assert "al afgehandeld" in response.content.decode()


def test_the_list_shows_statuses_reason_and_dates(world, client, propose_url):
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, city="Zeist"))
    request = only_request()
    request.status = "rejected"
    request.reason = "Dit adres staat niet in de BRP."
    request.decided_at = timezone.now()
    request.save()
    html = client.get(reverse("changerequests:my_requests")).content.decode()
    assert "afgewezen" in html
    assert "Dit adres staat niet in de BRP." in html
    assert "Zeist" in html


def test_others_requests_stay_hidden(world, client, propose_url):
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, city="Geheimstad"))
    client.force_login(world.other_parent)
    assert "Geheimstad" not in client.get(reverse("changerequests:my_requests")).content.decode()


def test_general_page_shows_pending_change_beside_the_schools_data(world, client, propose_url):
    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, phone="06-12121212"))
    html = client.get(reverse("portal:general", args=[world.child.public_id])).content.decode()
    assert "Doorgegeven aan de school, nog niet verwerkt: 06-12121212" in html
    assert "Wijziging doorgeven" in html


# Every page: session and user (2; the staff menu is kept in the session for a minute);
# child pages also the child check with the school's look (1); the school's gate
# decides on its kept rules (core.schoolcache).
# Read within a minute of the last write of the session: no session save.
PARENT_PAGES = {
    # + requests, their items (prefetch); no news to mark seen (User.news_mark)
    "changerequests:child_requests": 5,
    # + requests, their items (prefetch), and the gate of the one school involved
    "changerequests:my_requests": 5,
    # the portal's own queries + one for the parent's pending changes
    "portal:general": 6,
}


@pytest.mark.parametrize("name", sorted(PARENT_PAGES))
@pytest.mark.parametrize("size", [1, 5])
def test_parent_pages_have_a_fixed_query_count(db, client, django_assert_num_queries, name, size):
    child = StudentFactory()
    parent = make_parent([child])
    guardian = Guardian.objects.get(user=parent)
    client.force_login(parent)
    for number in range(size):
        client.post(
            reverse("changerequests:propose_child", args=[child.public_id]),
            child_form(child, city=f"Stad {number}", phone=f"06-1234567{number}"),
        )
    client.post(
        reverse("changerequests:propose_own", args=[child.public_id]),
        own_form(guardian, city="Zeist", street="Laan"),
    )
    url = (
        reverse(name)
        if name == "changerequests:my_requests"
        else reverse(name, args=[child.public_id])
    )
    client.get(url)  # the first visit reads the school's rules; they are kept after it
    with django_assert_num_queries(PARENT_PAGES[name]):
        assert client.get(url).status_code == 200


def test_my_requests_hides_a_school_that_closed_the_module(world, client, propose_url):
    from ouderportaal.schoolcontrol.models import ModuleSetting

    client.force_login(world.parent)
    client.post(propose_url, child_form(world.child, city="Amersfoort"))
    assert ChangeRequest.objects.count() == 1
    url = reverse("changerequests:my_requests")
    assert "Amersfoort" in client.get(url).content.decode()
    ModuleSetting.objects.create(school=world.school, module="change_requests", is_open=False)
    page = client.get(url).content.decode()
    assert "Amersfoort" not in page
    assert "heeft dit deel van het portaal" in page
