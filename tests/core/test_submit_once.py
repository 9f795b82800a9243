"""A form sent twice (double click, retry after a timeout) creates one object, and the
second submit leads to the same page as the first."""

import re
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core import submissions
from ouderportaal.core.models import FormSubmission
from ouderportaal.helpdesk.models import AppointmentRequest, Document
from ouderportaal.helpdesk.pdf import simple_pdf
from tests.changerequests.conftest import child_form


def token_on(page) -> str:
    (token,) = re.findall(r'name="submission" value="([0-9a-f-]{36})"', page.content.decode())
    return token


def send_twice(client, url, data):
    """Render the form once, then post it twice with the same token."""
    token = token_on(client.get(url))
    first = client.post(url, {**data, "submission": token})
    second = client.post(url, {**data, "submission": token})
    return first, second


def propose_url(world):
    return reverse("changerequests:propose_child", args=[world.child.public_id])


def appointments_url(world):
    return reverse("helpdesk:appointments", kwargs={"student": world.child.public_id})


def test_a_change_request_sent_twice_is_stored_once(client, world):
    client.force_login(world.parent)
    first, second = send_twice(client, propose_url(world), child_form(world.child, city="Zeist"))
    assert first.status_code == second.status_code == 302
    assert (
        second["Location"]
        == first["Location"]
        == reverse("changerequests:child_requests", args=[world.child.public_id])
    )
    assert ChangeRequest.objects.count() == 1
    # The page it leads to shows the one request.
    page = client.get(second["Location"]).content.decode()
    assert page.count("Zeist") == 1


def test_each_rendered_form_counts_on_its_own(client, world):
    client.force_login(world.parent)
    url = propose_url(world)
    client.post(
        url, {**child_form(world.child, city="Zeist"), "submission": token_on(client.get(url))}
    )
    client.post(
        url,
        {**child_form(world.child, phone="0301234567"), "submission": token_on(client.get(url))},
    )
    assert ChangeRequest.objects.count() == 2


def test_an_appointment_request_sent_twice_is_stored_and_mailed_once(client, world):
    client.force_login(world.parent)
    first, second = send_twice(
        client, appointments_url(world), {"subject": "Rekenen", "preferred_times": "dinsdag"}
    )
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert AppointmentRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_document_uploaded_twice_is_stored_once(client, world):
    client.force_login(world.staff)
    url = reverse("helpdeskadmin:documents", kwargs={"school": world.school.slug})
    token = token_on(client.get(url))
    pdf = simple_pdf([["Handleiding"]], title="Handleiding")

    def post():
        return client.post(
            url,
            {
                "title": "Handleiding",
                "description": "",
                "audience": "parents",
                "order": 10,
                "file": SimpleUploadedFile("handleiding.pdf", pdf),
                "submission": token,
            },
        )

    first, second = post(), post()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Document.objects.count() == 1


def test_a_second_submit_racing_the_first_is_stopped_by_the_database(client, world, monkeypatch):
    # The second submit arrives before the first committed: the early look finds
    # nothing, and the unique constraint on the token stops it.
    client.force_login(world.parent)
    url = appointments_url(world)
    data = {"subject": "Rekenen", "preferred_times": "dinsdag"}
    token = token_on(client.get(url))
    client.post(url, {**data, "submission": token})
    monkeypatch.setattr(submissions, "earlier_result", lambda request: None)
    second = client.post(url, {**data, "submission": token})
    assert second.status_code == 302 and second["Location"] == url
    assert AppointmentRequest.objects.count() == 1
    assert FormSubmission.objects.count() == 1


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_a_form_without_a_valid_token_still_works(client, world, token):
    client.force_login(world.parent)
    data = {"subject": "Rekenen", "preferred_times": "dinsdag"}
    if token is not None:
        data["submission"] = token
    assert client.post(appointments_url(world), data).status_code == 302
    assert AppointmentRequest.objects.count() == 1


def test_another_users_token_is_no_way_into_their_result(client, world):
    client.force_login(world.parent)
    url = appointments_url(world)
    data = {"subject": "Rekenen", "preferred_times": "dinsdag"}
    token = token_on(client.get(url))
    client.post(url, {**data, "submission": token})
    # Another parent replaying the token simply sends their own request.
    client.force_login(world.other_parent)
    other_url = reverse("helpdesk:appointments", kwargs={"student": world.other_child.public_id})
    response = client.post(other_url, {**data, "submission": token})
    assert response["Location"] == other_url
    assert AppointmentRequest.objects.count() == 2


def test_two_submits_at_the_same_moment_make_one_request(transactional_db, world):
    """A real race on PostgreSQL: both submits pass the early look before either
    commits; the unique constraint lets one through and sends the other to its page."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    url = appointments_url(world)
    data = {"subject": "Rekenen", "preferred_times": "dinsdag"}
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.parent)
    token = token_on(clients[0].get(url))
    both_looked = threading.Barrier(2, timeout=10)
    look = submissions.earlier_result

    looks = []

    def look_then_wait(request):
        found = look(request)
        looks.append(found)
        if len(looks) <= 2:  # the early look of each submit
            both_looked.wait()
        return found

    submissions.earlier_result = look_then_wait
    responses = [None, None]

    def send(index):
        try:
            responses[index] = clients[index].post(url, {**data, "submission": token})
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        submissions.earlier_result = look
    assert looks[:2] == [None, None]  # neither saw the other before claiming
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {url}
    assert AppointmentRequest.objects.count() == 1
    assert len(mail.outbox) == 1
