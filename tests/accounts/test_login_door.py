"""One login door: Django's admin behind the portal's login, second factor and audit."""

import importlib

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import clear_url_caches, reverse

import ouderportaal.urls
from ouderportaal.core.models import AuditEvent
from tests.conftest import login_without_portal_flow
from tests.factories import PASSWORD, UserFactory

LOGIN = "/account/inloggen/"


@pytest.fixture
def root(db):
    return UserFactory(username="beheer", is_superuser=True, is_staff=True)


def set_up_code(client):
    client.get(reverse("accounts:login_totp_setup"))
    secret = client.session["accounts_login_totp_secret"]
    return client.post(reverse("accounts:login_totp_setup"), {"code": pyotp.TOTP(secret).now()})


def test_the_admin_login_page_sends_to_the_portal_login(world, client):
    response = client.get("/django-admin/login/?next=/django-admin/core/school/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert "/django-admin/core/school/" in response["Location"]
    assert client.get("/django-admin/")["Location"].startswith(reverse("accounts:login"))


def test_a_password_posted_to_the_admin_login_logs_nobody_in(world, client, root):
    response = client.post("/django-admin/login/", {"username": "beheer", "password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/django-admin/").status_code == 302


def test_a_superuser_needs_a_second_factor_even_when_staff_do_not(world, client, root, settings):
    settings.STAFF_REQUIRE_TOTP = False
    response = client.post(LOGIN, {"username": "beheer", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_totp_setup")
    assert SESSION_KEY not in client.session
    assert client.get("/django-admin/").status_code == 302
    assert set_up_code(client).status_code == 302
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/core/school/").status_code == 200
    # One audit row for the admin login of this session, with its actor.
    (event,) = AuditEvent.objects.filter(action="account.admin.login")
    assert event.actor == root


def test_a_session_from_another_login_path_is_ended(world, client, root):
    login_without_portal_flow(client, root)
    assert client.get("/django-admin/").status_code == 302
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(
        action="account.session.ended", actor=root, data__reason="no-portal-login"
    ).exists()
    # The same for a parent: no portal page opens without the portal's login.
    login_without_portal_flow(client, world.parent)
    assert client.get(reverse("portal:home")).status_code == 302


def test_staff_and_parents_get_404_in_the_admin(world, client):
    for user in (world.staff, world.parent):
        client.force_login(user)
        assert client.get("/django-admin/").status_code == 404


@pytest.fixture
def admin_disabled(settings):
    settings.DJANGO_ADMIN_ENABLED = False
    importlib.reload(ouderportaal.urls)
    clear_url_caches()
    yield
    settings.DJANGO_ADMIN_ENABLED = True
    importlib.reload(ouderportaal.urls)
    clear_url_caches()


def test_without_the_setting_the_admin_does_not_exist(world, client, root, admin_disabled):
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/login/").status_code == 404
    client.force_login(root)
    assert client.get("/django-admin/").status_code == 404


def test_logins_and_logouts_are_in_the_audit_trail_without_the_address(world, client):
    client.post(LOGIN, {"username": "JdeVries", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    (login,) = AuditEvent.objects.filter(action="account.login")
    assert login.actor == world.parent
    assert login.data["second_factor"] is False
    assert "203.0.113.7" not in str(login.data) and login.data["address"]
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action="account.logout", actor=world.parent).exists()
