"""Besides the one hash, a login costs a fixed, small number of queries.

The counts go through the real login page, so that nothing added to the login (a second
lookup of the account, a count per throttle rule, a session written twice) creeps back
unnoticed. The behaviour that the cheaper login keeps is tested beside them.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from ouderportaal.accounts import throttle
from ouderportaal.accounts.models import AccountState, LoginFailure
from ouderportaal.core.models import AuditEvent, StaffMember
from tests.factories import PASSWORD, SchoolFactory
from tests.schoolcontrol.helpers import closed_period

LOGIN = "/account/inloggen/"
LOCKED = "Te veel mislukte pogingen"
CLOSURE = "Gesloten voor de rapporten."


def post_login(client, username, password, ip="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_login_page_needs_one_query(world, client, django_assert_num_queries):
    client.get(LOGIN)  # from here on each school's closed periods are kept
    # The schools of a small installation (mailboxes and closures).
    with django_assert_num_queries(1):
        response = client.get(LOGIN)
    assert response.status_code == 200
    assert world.school.portal_email in response.content.decode()


@pytest.mark.parametrize("typed", ["JdeVries", "ＪｄｅＶｒｉｅｓ", " JdeVries "])
def test_a_successful_login_needs_seven_queries(world, client, django_assert_num_queries, typed):
    client.get(LOGIN)
    # The account (with its state and whether it is staff), the throttle's counts,
    # last_login, the audit row, and the new session stored once (three statements
    # inside the test's transaction: savepoint, insert, release). A name typed in
    # fullwidth letters or with spaces is the same name to the throttle and the check.
    with django_assert_num_queries(7):
        response = post_login(client, typed, PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.parent.pk)
    assert AuditEvent.objects.filter(action="account.login", actor=world.parent).count() == 1


def test_a_failed_login_needs_six_queries(world, client, django_assert_num_queries):
    client.get(LOGIN)
    # The account, the counts, the failure stored, the counts again (a lock starts?),
    # the old failures removed, and the login page's schools.
    with django_assert_num_queries(6):
        response = post_login(client, "JdeVries", "wrong password")
    assert response.status_code == 200
    assert LoginFailure.objects.filter(user=world.parent).count() == 1


def test_a_session_stored_before_the_login_gets_a_new_key(world, client):
    before = client.session
    before["marker"] = 1
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert client.session[SESSION_KEY] == str(world.parent.pk)
    assert client.session["marker"] == 1
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(before.session_key)


def test_a_session_key_planted_in_the_browser_is_never_logged_in(world, client):
    planted = "a" * 32
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert SESSION_KEY not in store(planted).load()
    assert client.session[SESSION_KEY] == str(world.parent.pk)


def test_a_login_clears_this_browsers_failures(world, client):
    for _ in range(4):
        post_login(client, "JdeVries", "wrong password")
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
    client.post("/account/uitloggen/")
    # Four more typos do not add up with the four before the login.
    for _ in range(4):
        post_login(Client(), "JdeVries", "wrong password")
    assert post_login(Client(), "JdeVries", PASSWORD).status_code == 302


def test_a_login_does_not_clear_failures_from_other_addresses(world, client):
    for i in range(6):
        post_login(Client(), "JdeVries", "wrong password", ip=f"203.0.113.{i}")
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
    assert LoginFailure.objects.filter(user=world.parent).count() == 6
    for i in range(4):
        post_login(Client(), "JdeVries", "wrong password", ip=f"203.0.113.{i}")
    # Ten failures on unknown devices within the hour: the account waits.
    assert LOCKED in post_login(Client(), "JdeVries", PASSWORD, ip="192.0.2.1").content.decode()


@pytest.mark.parametrize("read_limit", [throttle.READ_LIMIT, 2])
def test_many_failures_are_counted_as_exactly_as_few(world, client, monkeypatch, read_limit):
    """Up to READ_LIMIT recent failures are read and counted per rule; beyond, the
    database counts them: either way the same locks."""
    monkeypatch.setattr(throttle, "READ_LIMIT", read_limit)
    for _ in range(5):
        post_login(client, "JdeVries", "wrong password")
    assert LOCKED in post_login(client, "JdeVries", PASSWORD).content.decode()
    # Another address still logs in; the address that guessed waits for any account.
    assert post_login(Client(), "JdeVries", PASSWORD, ip="192.0.2.1").status_code == 302
    for i in range(50):
        post_login(Client(), f"Gok{i}", "wrong")
    page = post_login(Client(), "PBakker", PASSWORD).content.decode()
    assert LOCKED in page


def test_staff_without_the_staff_flag_still_set_up_a_second_factor(world, client):
    """Whether the account is staff comes with the account's lookup now."""
    staff = StaffMember.objects.filter(is_active=True, user__is_staff=False).first()
    assert staff is not None
    staff.user.set_password(PASSWORD)
    staff.user.save()
    response = post_login(client, staff.user.username, PASSWORD)
    assert response["Location"] == "/account/inloggen/tweestaps-instellen/"
    assert SESSION_KEY not in client.session


def test_a_lifted_lock_lets_the_parent_in_at_once(world, client):
    for _ in range(5):
        post_login(client, "JdeVries", "wrong password")
    assert LOCKED in post_login(client, "JdeVries", PASSWORD).content.decode()
    AccountState.objects.update_or_create(
        user=world.parent, defaults={"lock_lifted_at": timezone.now()}
    )
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302


def test_a_closure_made_after_the_page_was_shown_appears_at_once(world, client):
    assert CLOSURE not in client.get(LOGIN).content.decode()
    now = timezone.now()
    closed_period(world.school, now - timedelta(hours=1), now + timedelta(days=2))
    page = client.get(LOGIN).content.decode()
    assert CLOSURE in page and world.school.name in page


def test_a_large_installation_shows_the_chosen_schools_closure_only(world, client):
    for n in range(10):
        SchoolFactory(name=f"Basisschool {n}", slug=f"basisschool-{n}")
    now = timezone.now()
    closed_period(world.other_school, now - timedelta(hours=1), now + timedelta(days=2))
    page = client.get(LOGIN).content.decode()
    assert CLOSURE not in page and world.school.portal_email not in page
    # OBS Elders sorts after the first eleven schools; the help pages' choice finds it.
    client.cookies["hulp_school"] = world.other_school.slug
    page = client.get(LOGIN).content.decode()
    assert CLOSURE in page and world.other_school.name in page
