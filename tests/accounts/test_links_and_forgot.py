"""Set-password links (once, expiry, newest only) and forgotten passwords or usernames."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.models import AccountState
from tests.accounts.helpers import path_of, set_password_links
from tests.factories import PASSWORD, GuardianFactory, UserFactory

NEW = "een nieuwe lange zin"


def ask_reset(client, typed):
    return client.post(reverse("accounts:forgot_password"), {"login": typed})


def follow_link(client, link):
    response = client.get(path_of(link), follow=True)
    return response, response.redirect_chain[-1][0] if response.redirect_chain else path_of(link)


def set_via(client, link, password=NEW):
    _response, url = follow_link(client, link)
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_reset_by_username_logs_in_and_only_the_newest_password_works(world, client):
    ask_reset(client, "JdeVries")
    (message,) = mail.outbox
    assert message.to == [world.parent.email]
    assert PASSWORD not in message.body and "JdeVries" in message.body
    (link,) = set_password_links(message)
    page, _url = follow_link(client, link)
    assert 'value="JdeVries"' in page.content.decode()
    old_key = client.session.session_key
    response = set_via(client, link)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.parent.pk)
    assert client.session.session_key != old_key
    client.logout()
    login = reverse("accounts:login")
    assert client.post(login, {"username": "JdeVries", "password": PASSWORD}).status_code == 200
    assert client.post(login, {"username": "JdeVries", "password": NEW}).status_code == 302


def test_a_link_works_only_once(world, client):
    ask_reset(client, "JdeVries")
    (link,) = set_password_links()
    set_via(client, link)
    client.logout()
    page, _url = follow_link(client, link)
    assert "Deze link werkt niet meer" in page.content.decode()
    response = set_via(client, link, "weer een andere zin")
    assert "_auth_user_id" not in client.session
    world.parent.refresh_from_db()
    assert world.parent.check_password(NEW)
    assert response.status_code == 200


def test_an_expired_link_does_not_work(world, client):
    ask_reset(client, "JdeVries")
    (link,) = set_password_links()
    AccountState.objects.filter(user=world.parent).update(
        link_expires_at=timezone.now() - timedelta(seconds=1)
    )
    page, _url = follow_link(client, link)
    assert "Deze link werkt niet meer" in page.content.decode()


def test_the_reset_link_expires_after_the_configured_hours(world, client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 3600
    ask_reset(client, "JdeVries")
    state = AccountState.objects.get(user=world.parent)
    assert (
        timedelta(hours=1, minutes=59)
        < state.link_expires_at - timezone.now()
        <= timedelta(hours=2)
    )


def test_a_newer_mail_replaces_the_older_link(world, client):
    ask_reset(client, "JdeVries")
    ask_reset(client, "jeroen-typo@example.nl")
    ask_reset(client, world.parent.email)
    first, second = set_password_links()
    page, _url = follow_link(client, first)
    assert "Deze link werkt niet meer" in page.content.decode()
    assert set_via(client, second).status_code == 302


def test_a_link_does_not_survive_a_password_change(world, client):
    ask_reset(client, "JdeVries")
    (link,) = set_password_links()
    world.parent.set_password("iets heel anders hier")
    world.parent.save()
    page, _url = follow_link(client, link)
    assert "Deze link werkt niet meer" in page.content.decode()


def test_the_new_password_is_checked(world, client):
    ask_reset(client, "JdeVries")
    (link,) = set_password_links()
    response = set_via(client, link, "kort")
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort" in response.content.decode()
    response = set_via(client, link, "password1234567")
    assert "een van de meest gebruikte wachtwoorden" in response.content.decode()
    # No composition rules: a long lower-case sentence is fine (checked in other tests).
    _page, url = follow_link(client, link)
    response = client.post(url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "De twee wachtwoordvelden komen niet overeen" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("typed", ["nobody", "nobody@example.nl"])
def test_unknown_accounts_get_the_same_answer_and_no_mail(world, client, typed):
    known = ask_reset(client, "JdeVries")
    unknown = ask_reset(client, typed)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    page_known = client.get(known["Location"]).content.decode()
    assert "Als we deze gebruikersnaam of dit adres kennen" in page_known


def test_reset_by_address_works_in_any_capitals_and_for_each_account(world, client):
    # Two parents share one family address: each gets their own mail and link.
    shared = "gezin@example.nl"
    mother = UserFactory(username="MdeVries", email=shared)
    father = UserFactory(username="JdeVriesSr", email=shared)
    ask_reset(client, "GEZIN@example.nl")
    bodies = sorted(m.body for m in mail.outbox)
    assert len(bodies) == 2
    assert any(mother.username in b for b in bodies) and any(father.username in b for b in bodies)


def test_forgot_username_mails_every_username_of_an_address(world, client):
    UserFactory(username="MdeVries", email=world.parent.email.upper())
    # The school's record has the address, but the account uses another one: not listed.
    elsewhere = UserFactory(username="KdeVries", email="ander@example.nl")
    GuardianFactory(school=world.school, user=elsewhere, email=world.parent.email)
    known = client.post(reverse("accounts:forgot_username"), {"email": world.parent.email.upper()})
    unknown = client.post(reverse("accounts:forgot_username"), {"email": "nobody@example.nl"})
    assert known["Location"] == unknown["Location"]
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        [world.parent.email, world.parent.email.upper()]
    )
    bodies = " ".join(m.body for m in mail.outbox)
    assert "JdeVries" in bodies and "MdeVries" in bodies and "KdeVries" not in bodies
    assert PASSWORD not in bodies
    page = client.get(known["Location"]).content.decode()
    assert "Als we dit adres kennen" in page


def test_inactive_accounts_get_no_reset_link(world, client):
    world.parent.is_active = False
    world.parent.save()
    ask_reset(client, "JdeVries")
    assert mail.outbox == []


def test_the_mail_is_built_to_reach_the_inbox(world, client):
    ask_reset(client, "JdeVries")
    (message,) = mail.outbox
    headers = message.message()
    assert headers["Message-ID"] and headers["Date"]
    assert headers["Reply-To"] == world.school.portal_email
    assert world.school.name in headers["From"]
    (html,) = message.alternatives
    assert html.mimetype == "text/html"
    assert "bit.ly" not in message.body and "http://testserver/account/" in message.body


def test_repeated_requests_do_not_flood_a_mailbox(world, client):
    url = reverse("accounts:forgot_password")
    for _ in range(5):
        response = client.post(url, {"login": "JdeVries"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    client.post(reverse("accounts:forgot_username"), {"email": world.parent.email})
    assert len(mail.outbox) == 3
