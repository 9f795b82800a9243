"""Login messages, throttling, sessions, password change and the second factor."""

import logging
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.models import AccountState, LoginFailure
from ouderportaal.core.models import AuditEvent
from tests.factories import PASSWORD

LOGIN = "/account/inloggen/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_has_the_checklist_links_and_caps_lock_warning(world, client):
    page = client.get(LOGIN).content.decode()
    assert "Wachtwoord vergeten?" in page and "Gebruikersnaam vergeten?" in page
    assert reverse("accounts:forgot_password") in page
    assert reverse("accounts:forgot_username") in page
    assert "accounts/capslock.js" in page and "Caps Lock staat aan" in page
    assert "<script>" not in page
    assert world.school.portal_email in page
    assert "demo-post" not in page


def test_wrong_combination_shows_the_help_desk_message(world, client):
    page = post_login(client, "jdevries", PASSWORD).content.decode()
    assert "Ongeldige combinatie van gebruikersnaam en wachtwoord" in page
    assert "Caps Lock" in page and "alleen het nieuwste wachtwoord" in page


def test_the_session_id_changes_at_login_and_ends_at_logout(world, client):
    client.get(LOGIN)
    client.session["marker"] = 1
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    post_login(client, "JdeVries", PASSWORD)
    after = client.cookies["sessionid"].value
    assert after != before
    client.post(reverse("accounts:logout"))
    assert SESSION_KEY not in client.session
    assert client.get(reverse("portal:home")).status_code == 302


def test_sessions_end_after_the_idle_time(world, client):
    from django.contrib.sessions.models import Session

    post_login(client, "JdeVries", PASSWORD)
    client.get(reverse("portal:home"))
    session = Session.objects.get(session_key=client.session.session_key)
    # Every request moves the end 30 minutes (SESSION_IDLE_MINUTES) ahead.
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("portal:home")).status_code == 302


def test_reading_pages_writes_the_session_at_most_once_a_minute(world, client):
    from django.contrib.sessions.models import Session

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "JdeVries", PASSWORD)
        client.get(reverse("portal:home"))
        session_key = client.session.session_key
        first_end = Session.objects.get(session_key=session_key).expire_date
        traveller.shift(timedelta(seconds=50))
        # Within the minute: the page is read without writing the session.
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:home")).status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert Session.objects.get(session_key=session_key).expire_date == first_end
        # A minute after the last write the idle end moves ahead again.
        traveller.shift(timedelta(seconds=15))
        assert client.get(reverse("portal:home")).status_code == 200
        moved = Session.objects.get(session_key=session_key).expire_date
        assert moved == timezone.now() + timedelta(minutes=30)
        # Idle for the full time after that: the session has ended.
        traveller.shift(timedelta(minutes=30, seconds=1))
        assert client.get(reverse("portal:home")).status_code == 302


def test_repeated_failures_slow_down_the_account_and_are_logged(world, client, caplog):
    caplog.set_level(logging.WARNING, logger="ouderportaal.accounts.security")
    for _ in range(5):
        post_login(client, "JdeVries", "wrong password")
    # Now even the right password waits, with a clear message.
    page = post_login(client, "JdeVries", PASSWORD).content.decode()
    assert "Te veel mislukte pogingen" in page
    assert SESSION_KEY not in client.session
    assert LoginFailure.objects.filter(user=world.parent).count() == 5
    assert "login failed" in caplog.text and "login locked" in caplog.text
    assert AuditEvent.objects.filter(action="account.login.locked").exists()
    # Capitals do not dodge the count.
    assert "Te veel mislukte pogingen" in post_login(client, "JDEVRIES", PASSWORD).content.decode()


def test_a_lock_is_short_and_another_address_can_still_log_in(world, client):
    for _ in range(5):
        post_login(client, "JdeVries", "wrong password", REMOTE_ADDR="203.0.113.9")
    assert (
        "Te veel"
        in post_login(client, "JdeVries", PASSWORD, REMOTE_ADDR="203.0.113.9").content.decode()
    )
    # The parent at home, from another address, is not locked out by the attacker.
    home = Client()
    assert post_login(home, "JdeVries", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    # Failures (cleared by that login) and the wait are short: a minute later it works.
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=1))
    assert post_login(client, "JdeVries", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_many_failures_on_one_account_from_many_addresses_lock_for_at_most_15_minutes(
    world, client
):
    for i in range(20):
        post_login(client, "JdeVries", "wrong", REMOTE_ADDR=f"203.0.113.{i}")
    assert (
        "Te veel"
        in post_login(client, "JdeVries", PASSWORD, REMOTE_ADDR="198.51.100.7").content.decode()
    )
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert post_login(client, "JdeVries", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_behind_the_proxy_the_visitors_own_address_counts(world, client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(50):
        post_login(
            client, f"guess{i}", "wrong", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50", **proxy
        )
    # All 50 from the visitor's address (kept as a pseudonym), none from the proxy's.
    assert LoginFailure.objects.count() == 50
    assert LoginFailure.objects.values("address_key").distinct().count() == 1
    # Another parent behind the same proxy is not slowed down by that attacker.
    home = Client()
    response = post_login(home, "JdeVries", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert response.status_code == 302


def test_without_a_proxy_a_made_up_forwarded_address_changes_nothing(world, client, settings):
    # Not behind a proxy (BEHIND_PROXY off): X-Forwarded-For comes from the visitor
    # and must not give each guess a fresh address.
    settings.SECURE_PROXY_SSL_HEADER = None
    for i in range(50):
        post_login(
            client,
            f"guess{i}",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
            REMOTE_ADDR="203.0.113.50",
        )
    assert LoginFailure.objects.values("address_key").distinct().count() == 1
    page = post_login(
        client, "JdeVries", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="203.0.113.50"
    )
    assert "Te veel" in page.content.decode()


def test_one_address_guessing_many_accounts_is_slowed(world, client):
    for i in range(50):
        post_login(client, f"guess{i}", "wrong", REMOTE_ADDR="203.0.113.50")
    assert (
        "Te veel"
        in post_login(client, "JdeVries", PASSWORD, REMOTE_ADDR="203.0.113.50").content.decode()
    )


def test_changing_the_password_needs_the_old_one_and_ends_other_sessions(world, client):
    other_device = Client()
    post_login(other_device, "JdeVries", PASSWORD)
    assert other_device.get(reverse("portal:home")).status_code == 200
    post_login(client, "JdeVries", PASSWORD)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "een nieuwe lange zin",
            "new_password2": "een nieuwe lange zin",
        },
    )
    assert wrong.status_code == 200
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "een nieuwe lange zin",
            "new_password2": "een nieuwe lange zin",
        },
    )
    assert ok.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert other_device.get(reverse("portal:home")).status_code == 302


def test_the_profile_changes_the_username_unique_regardless_of_case(world, client):
    client.force_login(world.parent)
    url = reverse("accounts:profile")
    taken = client.post(url, {"username": "pbakker"})
    assert "is al in gebruik" in taken.content.decode()
    assert 'value="pbakker"' in taken.content.decode()
    assert client.post(url, {"username": "Jeroen.deVries"}).status_code == 302
    world.parent.refresh_from_db()
    assert world.parent.username == "Jeroen.deVries"
    client.logout()
    assert post_login(client, "Jeroen.deVries", PASSWORD).status_code == 302


def confirm_totp(client, url):
    page = client.get(url).content.decode()
    assert "data:image/svg+xml;base64," in page
    secret = client.session[
        "accounts_login_totp_secret" if "inloggen" in url else "accounts_profile_totp_secret"
    ]
    return secret, client.post(url, {"code": pyotp.TOTP(secret).now()})


def test_a_parent_can_turn_on_a_second_factor(world, client):
    client.force_login(world.parent)
    secret, response = confirm_totp(client, reverse("accounts:totp_setup"))
    assert response.status_code == 302
    client.logout()
    response = post_login(client, "JdeVries", PASSWORD)
    assert response["Location"] == reverse("accounts:login_code")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("portal:home")).status_code == 302
    wrong = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert "Deze code klopt niet" in wrong.content.decode()
    # The code used at setup cannot be used again; wait for the next one.
    state = AccountState.objects.get(user=world.parent)
    next_code = pyotp.TOTP(secret).at(timezone.now() + timedelta(seconds=30))
    assert state.totp_last_step > 0
    response = client.post(reverse("accounts:login_code"), {"code": next_code})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.parent.pk)
    client.logout()
    post_login(client, "JdeVries", PASSWORD)
    replay = client.post(reverse("accounts:login_code"), {"code": next_code})
    assert "Deze code klopt niet" in replay.content.decode()


def test_too_many_wrong_codes_end_the_attempt(world, client):
    client.force_login(world.parent)
    confirm_totp(client, reverse("accounts:totp_setup"))
    client.logout()
    post_login(client, "JdeVries", PASSWORD)
    for _ in range(5):
        response = client.post(reverse("accounts:login_code"), {"code": "123456"})
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")


def test_a_parent_can_turn_the_second_factor_off_with_the_password(world, client):
    client.force_login(world.parent)
    confirm_totp(client, reverse("accounts:totp_setup"))
    url = reverse("accounts:totp_disable")
    assert client.post(url, {"password": "wrong"}).status_code == 200
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    client.logout()
    assert post_login(client, "JdeVries", PASSWORD)["Location"] == reverse("home")


def test_staff_must_set_up_a_second_factor_before_the_login_completes(world, client):
    response = post_login(client, "directie", PASSWORD)
    assert response["Location"] == reverse("accounts:login_totp_setup")
    assert SESSION_KEY not in client.session
    backoffice = reverse("backoffice:home", kwargs={"school": world.school.slug})
    assert client.get(backoffice).status_code == 302
    _secret, response = confirm_totp(client, reverse("accounts:login_totp_setup"))
    assert response.status_code == 302
    assert client.get(backoffice).status_code == 200
    # Next time the code is asked after the password; staff cannot turn it off.
    client.logout()
    assert post_login(client, "directie", PASSWORD)["Location"] == reverse("accounts:login_code")
    client.force_login(world.staff)
    client.post(reverse("accounts:totp_disable"), {"password": PASSWORD})
    assert AccountState.objects.get(user=world.staff).has_totp


def test_a_set_password_link_does_not_skip_the_second_factor(world, client):
    client.post(reverse("accounts:forgot_password"), {"login": "directie"})
    from tests.accounts.helpers import path_of, set_password_links

    (link,) = set_password_links()
    response = client.get(path_of(link), follow=True)
    url = response.redirect_chain[-1][0]
    response = client.post(
        url, {"new_password1": "een nieuwe lange zin", "new_password2": "een nieuwe lange zin"}
    )
    assert response["Location"] == reverse("accounts:login_totp_setup")
    assert SESSION_KEY not in client.session
    # The reset link, then the notice to the owner that the password was changed.
    assert [m.to for m in mail.outbox] == [[world.staff.email], [world.staff.email]]


@pytest.mark.parametrize("name", ["accounts:login_code", "accounts:login_totp_setup"])
def test_second_step_pages_need_a_password_first(world, client, name):
    assert client.get(reverse(name))["Location"] == reverse("accounts:login")


def test_the_profile_page_needs_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    client.force_login(world.parent)
    url = reverse("accounts:profile")
    client.get(url)
    # A new e-mail address still waiting for confirmation, and the school's look. Reading
    # the page again within a minute does not write the session or read the staff menu.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_wrong_codes_count_as_failures_until_the_whole_login_succeeds(world, client):
    client.force_login(world.parent)
    confirm_totp(client, reverse("accounts:totp_setup"))
    client.logout()
    for _ in range(2):
        post_login(client, "JdeVries", PASSWORD)
        for _ in range(3):
            client.post(reverse("accounts:login_code"), {"code": "000000"})
    # The right password does not wipe the count: guessing codes stays slow.
    page = post_login(client, "JdeVries", PASSWORD).content.decode()
    assert "Te veel mislukte pogingen" in page
