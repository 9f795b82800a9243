"""Throttling keyed on the account, with OWASP device cookies: guessing is slowed down,
the rightful parent on a known device is not locked out, staff can lift a lock."""

from datetime import timedelta

import pyotp
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.devices import COOKIE_NAME
from ouderportaal.accounts.models import LoginFailure
from ouderportaal.core.models import AuditEvent
from tests.factories import PASSWORD

LOGIN = "/account/inloggen/"
LOCKED = "Te veel mislukte pogingen"


def post_login(client, username, password, ip="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def known_device(ip="198.51.100.7"):
    """A browser in which the parent logged in (and out) before: it has a device cookie."""
    browser = Client()
    assert post_login(browser, "JdeVries", PASSWORD, ip).status_code == 302
    assert COOKIE_NAME in browser.cookies
    browser.post(reverse("accounts:logout"))
    return browser


def test_a_fullwidth_username_counts_against_the_same_account(world, client):
    for _ in range(5):
        post_login(client, "ＪｄｅＶｒｉｅｓ", "wrong password")
    assert LOCKED in post_login(client, "JdeVries", PASSWORD).content.decode()
    assert SESSION_KEY not in client.session


def test_a_locked_account_cannot_be_entered_with_a_look_alike_spelling(world, client):
    for _ in range(5):
        post_login(client, "JdeVries", "wrong password")
    # The login form normalises ＪｄｅＶｒｉｅｓ to JdeVries; the lock must see the same name.
    assert LOCKED in post_login(client, "ＪｄｅＶｒｉｅｓ", PASSWORD).content.decode()
    assert SESSION_KEY not in client.session


def test_an_attacker_from_many_addresses_does_not_lock_out_the_parents_own_browser(world, client):
    home = known_device()
    for i in range(22):
        post_login(client, "JdeVries", "wrong", ip=f"203.0.113.{i}")
    # A browser the parent never used waits ...
    assert LOCKED in post_login(Client(), "JdeVries", PASSWORD).content.decode()
    # ... the parent's own browser logs in at once.
    assert post_login(home, "JdeVries", PASSWORD).status_code == 302
    assert home.session[SESSION_KEY] == str(world.parent.pk)
    lock = AuditEvent.objects.filter(action="account.login.locked").latest("at")
    assert lock.data["reason"] == "account" and "203.0.113" not in str(lock.data)


def test_a_school_network_full_of_wrong_guesses_does_not_block_known_devices(world):
    school_network = "192.0.2.10"
    home = known_device(school_network)
    attacker = Client()
    for i in range(57):
        post_login(attacker, f"Gok{i}", "wrong", ip=school_network)
    assert LOCKED in post_login(Client(), "JdeVries", PASSWORD, school_network).content.decode()
    assert post_login(home, "JdeVries", PASSWORD, school_network).status_code == 302


def test_a_known_device_has_its_own_allowance(world):
    home = known_device()
    for _ in range(5):
        post_login(home, "JdeVries", "wrong")
    assert LOCKED in post_login(home, "JdeVries", PASSWORD).content.decode()
    # Unknown devices were not charged for the known device's typos.
    assert post_login(Client(), "JdeVries", PASSWORD, "198.51.100.99").status_code == 302


def test_a_device_cookie_for_another_account_does_not_help(world):
    home = known_device()
    for i in range(12):
        post_login(Client(), "PBakker", "wrong", ip=f"203.0.113.{i}")
    assert LOCKED in post_login(home, "PBakker", PASSWORD).content.decode()


def test_a_forged_device_cookie_counts_as_unknown(world):
    browser = Client()
    browser.cookies[COOKIE_NAME] = f'[[{world.parent.pk}, "abc"]]'
    for i in range(12):
        post_login(Client(), "JdeVries", "wrong", ip=f"203.0.113.{i}")
    assert LOCKED in post_login(browser, "JdeVries", PASSWORD).content.decode()


def test_wrong_codes_count_and_a_lock_stops_the_code_step(world, client):
    client.force_login(world.parent)
    client.get(reverse("accounts:totp_setup"))
    secret = client.session["accounts_profile_totp_secret"]
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    client.logout()
    code = reverse("accounts:login_code")
    post_login(client, "JdeVries", PASSWORD)
    for _ in range(3):
        client.post(code, {"code": "000000"}, REMOTE_ADDR="198.51.100.7")
    # The right password does not wipe the count of wrong codes.
    post_login(client, "JdeVries", PASSWORD)
    for _ in range(2):
        client.post(code, {"code": "000000"}, REMOTE_ADDR="198.51.100.7")
    assert LoginFailure.objects.filter(user=world.parent, kind="code").count() == 5
    # Now even a right code waits: the lock stops the code step as well.
    right = pyotp.TOTP(secret).at(timezone.now() + timedelta(seconds=30))
    response = client.post(code, {"code": right}, REMOTE_ADDR="198.51.100.7")
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session
    assert LOCKED in post_login(client, "JdeVries", PASSWORD).content.decode()


def test_staff_of_the_school_see_and_lift_a_lock(world, client):
    for i in range(12):
        post_login(Client(), "JdeVries", "wrong", ip=f"203.0.113.{i}")
    guardian = world.parent.guardian_records.get(school=world.school)
    overview = reverse("accountadmin:overview", kwargs={"school": world.school.slug})
    detail = reverse(
        "accountadmin:guardian", kwargs={"school": world.school.slug, "guardian": guardian.pk}
    )
    lift = reverse(
        "accountadmin:lift_lock", kwargs={"school": world.school.slug, "guardian": guardian.pk}
    )
    client.force_login(world.staff)
    assert detail in client.get(overview).content.decode()
    page = client.get(detail).content.decode()
    assert "Geblokkeerd voor onbekende apparaten" in page
    assert "te veel mislukte pogingen op onbekende apparaten" in page
    # Staff of another school cannot lift it; a GET does nothing; CSRF is checked.
    other = Client()
    other.force_login(world.other_staff)
    assert other.post(lift).status_code == 404
    assert client.get(lift).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.staff)
    assert strict.post(lift).status_code == 403
    assert LOCKED in post_login(Client(), "JdeVries", PASSWORD).content.decode()

    assert client.post(lift).status_code == 302
    event = AuditEvent.objects.get(action="account.login.lock_lifted")
    assert event.actor == world.staff and event.school == world.school
    assert "Niet geblokkeerd" in client.get(detail).content.decode()
    assert post_login(Client(), "JdeVries", PASSWORD).status_code == 302


def test_locks_are_short(world, client):
    for i in range(12):
        post_login(client, "JdeVries", "wrong", ip=f"203.0.113.{i}")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
