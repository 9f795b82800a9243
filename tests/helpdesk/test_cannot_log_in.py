"""The "help, I cannot log in" form: to the school's mailbox, limited, checked."""

import pytest
from django.core import mail
from django.urls import reverse

from ouderportaal.helpdesk.forms import CannotLogInForm

URL = reverse("helpdesk:cannot_log_in", kwargs={"school": "de-ark"})


@pytest.fixture
def no_wait(settings):
    settings.HELPDESK_FORM_MIN_SECONDS = 0


def form_data(**changes):
    data = {
        "name": "Jeroen de Vries",
        "email": "jeroen@example.nl",
        "children": "Sanne, groep 5",
        "message": "Ik krijg een melding dat mijn wachtwoord niet klopt.",
        "website": "",
        "started": CannotLogInForm().initial["started"],
    }
    data.update(changes)
    return data


def test_form_is_public_and_has_a_honeypot(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Help, ik kan niet inloggen" in content
    assert 'name="website"' in content and 'tabindex="-1"' in content


def test_sent_form_goes_to_the_schools_mailbox(client, world, no_wait):
    world.parent.guardian_records.update(email="jeroen@example.nl")
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?verstuurd=1"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ouderportaal@de-ark.example.nl"]
    assert "Jeroen de Vries" in message.subject
    assert "ja, een ouder/verzorger heeft dit e-mailadres" in message.body
    assert "Dank u wel" in client.get(response["Location"]).content.decode()


def test_same_answer_whether_or_not_the_address_is_known(client, world, no_wait):
    known = client.post(URL, form_data(email=world.parent.email))
    unknown = client.post(URL, form_data(email="niemand@example.nl"))
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 2


def test_honeypot_stops_robots(client, world, no_wait):
    response = client.post(URL, form_data(website="https://spam.example"))
    assert response.status_code == 200
    assert mail.outbox == []


def test_too_fast_is_refused_but_input_is_kept(client, world, settings):
    settings.HELPDESK_FORM_MIN_SECONDS = 60
    response = client.post(URL, form_data())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dat ging wel heel snel" in content
    assert 'value="Jeroen de Vries"' in content
    assert mail.outbox == []


def test_forged_timestamp_is_refused(client, world, no_wait):
    response = client.post(URL, form_data(started="1700000000.0:forged"))
    assert "Het formulier is verlopen" in response.content.decode()
    assert mail.outbox == []


def test_limited_per_address_per_hour(client, world, no_wait):
    for _ in range(3):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data(email="JEROEN@example.nl"))
    assert response.status_code == 200
    assert "al een paar keer verstuurd" in response.content.decode()
    assert len(mail.outbox) == 3
    assert client.post(URL, form_data(email="ander@example.nl")).status_code == 302


def test_limited_per_ip_per_hour(client, world, no_wait, settings):
    settings.HELPDESK_LOGIN_HELP_PER_IP = 2
    for index in range(2):
        assert client.post(URL, form_data(email=f"ouder{index}@example.nl")).status_code == 302
    assert client.post(URL, form_data(email="nog1@example.nl")).status_code == 200
    assert len(mail.outbox) == 2
