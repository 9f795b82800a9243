"""Passkeys through HTTP: adding one, logging in with it, and what is refused."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts import flow, services
from ouderportaal.accounts.models import LoginFailure, Passkey
from ouderportaal.core.models import AuditEvent
from tests.accounts.helpers import path_of
from tests.factories import PASSWORD, UserFactory
from tests.passkey_authenticator import SoftAuthenticator

PORTAL = "https://ouders.school.example"
RP_ID = "ouders.school.example"


@pytest.fixture(autouse=True)
def _portal_url(settings):
    settings.PORTAL_URL = PORTAL


@pytest.fixture
def device():
    return SoftAuthenticator(RP_ID, PORTAL)


def add_passkey(client, device, name="iPhone Jan", **answer):
    options = client.post(reverse("accounts:passkey_add_options"))
    assert options.status_code == 200
    assert options["Content-Type"] == "application/json"
    credential = device.create(options.content.decode(), **answer)
    return client.post(reverse("accounts:passkey_add"), {"name": name, "credential": credential})


def registered(user, device):
    client = Client()
    client.force_login(user)
    response = add_passkey(client, device)
    assert response.status_code == 302, response.content
    return Passkey.objects.filter(user=user).latest("pk")


def login_options(client) -> str:
    response = client.post(reverse("accounts:passkey_login_options"))
    assert response.status_code == 200
    return response.content.decode()


def log_in(client, credential, next_url=""):
    return client.post(
        reverse("accounts:passkey_login"), {"credential": credential, "next": next_url}
    )


def logged_in_as(client):
    return client.session.get("_auth_user_id")


# -- Adding ---------------------------------------------------------------------------------


def test_a_parent_adds_a_passkey_and_is_mailed(world, client, device):
    client.force_login(world.parent)
    options = json.loads(client.post(reverse("accounts:passkey_add_options")).content)
    assert options["rp"]["id"] == RP_ID
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["id"] != str(world.parent.pk)

    response = add_passkey(client, device, name="Telefoon")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:passkeys")
    passkey = Passkey.objects.get(user=world.parent)
    assert passkey.name == "Telefoon"
    assert passkey.sign_count == 0
    assert passkey.last_used_at is None
    assert AuditEvent.objects.filter(action="account.passkey.added").count() == 1
    [notice] = [m for m in mail.outbox if world.parent.email in m.to]
    assert "passkey" in notice.subject.lower()
    assert "Telefoon" in notice.body
    page = client.get(reverse("accounts:passkeys")).content.decode()
    assert "Telefoon" in page


def test_a_registration_from_another_origin_is_refused(world, client, device):
    client.force_login(world.parent)
    response = add_passkey(client, device, origin="https://ouders.school.example.evil.test")
    assert response.status_code == 200
    assert "not added" in response.content.decode() or "required" in response.content.decode()
    assert not Passkey.objects.exists()
    assert mail.outbox == []


def test_a_registration_without_user_verification_is_refused(world, client, device):
    client.force_login(world.parent)
    assert add_passkey(client, device, verified=False).status_code == 200
    assert not Passkey.objects.exists()


def test_a_registration_challenge_works_once(world, client, device):
    client.force_login(world.parent)
    options = client.post(reverse("accounts:passkey_add_options")).content.decode()
    credential = device.create(options)
    url = reverse("accounts:passkey_add")
    assert client.post(url, {"name": "Eén", "credential": credential}).status_code == 302
    Passkey.objects.all().delete()
    assert client.post(url, {"name": "Twee", "credential": credential}).status_code == 200
    assert not Passkey.objects.exists()


def test_an_account_keeps_one_random_user_handle(world, client, device):
    first = registered(world.parent, device)
    second = registered(world.parent, SoftAuthenticator(RP_ID, PORTAL))
    assert first.user_handle == second.user_handle
    assert len(first.user_handle) == 43  # 32 random bytes, base64url
    assert registered(world.other_parent, SoftAuthenticator(RP_ID, PORTAL)).user_handle != (
        first.user_handle
    )
    client.force_login(world.parent)
    options = json.loads(client.post(reverse("accounts:passkey_add_options")).content)
    assert options["user"]["id"] == first.user_handle
    assert {c["id"] for c in options["excludeCredentials"]} == {
        first.credential_id,
        second.credential_id,
    }


def test_a_credential_belongs_to_one_account(world, client, device):
    registered(world.parent, device)
    client.force_login(world.other_parent)
    response = add_passkey(client, device)
    assert "niet toegevoegd" in response.content.decode()
    assert list(Passkey.objects.values_list("user", flat=True)) == [world.parent.pk]


def test_a_registration_without_a_name_keeps_nothing(world, client, device):
    client.force_login(world.parent)
    response = add_passkey(client, device, name="  ")
    assert response.status_code == 200
    assert "not added" in response.content.decode() or "required" in response.content.decode()
    assert not Passkey.objects.exists()


# -- Logging in -------------------------------------------------------------------------------


def test_a_parent_logs_in_with_a_passkey_without_a_username(world, device):
    passkey = registered(world.parent, device)
    client = Client()
    credential = device.get(login_options(client))

    response = log_in(client, credential)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_as(client) == str(world.parent.pk)
    assert client.session[flow.LOGIN_MARK]["second_factor"] is True
    assert client.get(reverse("portal:home")).status_code == 200
    passkey.refresh_from_db()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None
    login = AuditEvent.objects.get(action="account.login")
    assert login.data["method"] == "passkey"
    assert login.data["second_factor"] is True


def test_the_next_page_is_kept_and_a_foreign_one_refused(world, device):
    registered(world.parent, device)
    client = Client()
    response = log_in(client, device.get(login_options(client)), next_url="/account/profiel/")
    assert response["Location"] == "/account/profiel/"
    client = Client()
    response = log_in(client, device.get(login_options(client)), next_url="https://evil.test/")
    assert response["Location"] == reverse("home")


def test_a_replayed_assertion_is_refused(world, device):
    registered(world.parent, device)
    client = Client()
    credential = device.get(login_options(client))
    assert log_in(client, credential).status_code == 302

    thief = Client()
    # Without a challenge of its own, and with a fresh challenge: both refused.
    assert log_in(thief, credential)["Location"] == reverse("accounts:login")
    login_options(thief)
    assert log_in(thief, credential)["Location"] == reverse("accounts:login")
    assert logged_in_as(thief) is None
    assert LoginFailure.objects.filter(user=world.parent, kind=LoginFailure.Kind.PASSKEY).exists()


def test_a_login_challenge_works_once_also_without_a_counter(world, device):
    # Synced passkeys keep no counter (always 0): only the challenge stops a replay.
    registered(world.parent, device)
    client = Client()
    credential = device.get(login_options(client), counter_step=0)
    assert log_in(client, credential).status_code == 302
    response = log_in(client, credential)
    assert response["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(action="account.login").count() == 1


def test_an_assertion_that_does_not_raise_the_counter_is_refused(world, device):
    passkey = registered(world.parent, device)
    client = Client()
    assert log_in(client, device.get(login_options(client), counter_step=3)).status_code == 302
    # A copy of the key that signs with an old counter value.
    copy = Client()
    response = log_in(copy, device.get(login_options(copy), counter_step=-1))
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_as(copy) is None
    passkey.refresh_from_db()
    assert passkey.sign_count == 3
    same = Client()
    assert log_in(same, device.get(login_options(same), counter_step=0))["Location"] == reverse(
        "accounts:login"
    )


def test_a_lifted_sign_counter_is_accepted(world, device):
    passkey = registered(world.parent, device)
    for step in (1, 40):
        client = Client()
        assert (
            log_in(client, device.get(login_options(client), counter_step=step)).status_code == 302
        )
        assert logged_in_as(client) == str(world.parent.pk)
    passkey.refresh_from_db()
    assert passkey.sign_count == 41


@pytest.mark.parametrize(
    "wrong",
    [
        {"origin": "https://ouders-school.example"},
        {"origin": "http://ouders.school.example"},
        {"rp_id": "school.example"},
        {"verified": False},
    ],
)
def test_a_wrong_origin_rp_or_unverified_user_is_refused(world, device, wrong):
    registered(world.parent, device)
    client = Client()
    response = log_in(client, device.get(login_options(client), **wrong))
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_as(client) is None
    assert LoginFailure.objects.filter(user=world.parent, kind="passkey").count() == 1
    assert not AuditEvent.objects.filter(action="account.login").exists()
    page = client.get(reverse("accounts:login")).content.decode()
    assert "passkey" in page.lower()


def test_a_challenge_expires(world, device):
    registered(world.parent, device)
    client = Client()
    options = login_options(client)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=4)):
        response = log_in(client, device.get(options))
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_as(client) is None


def test_an_unknown_passkey_counts_against_the_address(world, device):
    client = Client()
    response = log_in(client, device.get(login_options(client)))
    assert response["Location"] == reverse("accounts:login")
    failure = LoginFailure.objects.get()
    assert failure.user is None
    assert failure.kind == LoginFailure.Kind.PASSKEY
    assert failure.address_key


def test_failed_assertions_lock_the_account_like_wrong_passwords(world, device):
    registered(world.parent, device)
    for _attempt in range(5):
        client = Client()
        log_in(client, device.get(login_options(client), origin="https://evil.test"))
    client = Client()
    response = log_in(client, device.get(login_options(client)))
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_as(client) is None
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Wacht" in page
    assert AuditEvent.objects.filter(action="account.login.locked").exists()


def test_staff_with_a_passkey_reach_the_back_office_without_a_code(world, device, settings):
    settings.STAFF_REQUIRE_TOTP = True
    registered(world.staff, device)
    client = Client()
    response = log_in(client, device.get(login_options(client)))
    assert response.status_code == 302
    assert "tweestaps" not in response["Location"]
    assert "code" not in response["Location"]
    home = reverse("backoffice:home", kwargs={"school": world.school.slug})
    assert client.get(home).status_code == 200


def test_a_superuser_with_a_passkey_reaches_django_admin(world, device, settings):
    settings.STAFF_REQUIRE_TOTP = False
    root = UserFactory(username="beheer", is_superuser=True, is_staff=True)
    registered(root, device)
    client = Client()
    assert log_in(client, device.get(login_options(client))).status_code == 302
    assert client.get("/django-admin/").status_code == 200


def test_a_deactivated_account_cannot_use_its_passkey(world, device):
    registered(world.parent, device)
    world.parent.is_active = False
    world.parent.save()
    client = Client()
    log_in(client, device.get(login_options(client)))
    assert logged_in_as(client) is None


# -- Removing -------------------------------------------------------------------------------


def test_removing_the_last_passkey_mails_the_owner(world, client, device):
    first = registered(world.parent, device)
    second = registered(world.parent, SoftAuthenticator(RP_ID, PORTAL))
    client.force_login(world.parent)
    mail.outbox.clear()

    client.post(reverse("accounts:passkey_remove", kwargs={"passkey": first.pk}))
    assert mail.outbox == []
    client.post(reverse("accounts:passkey_remove", kwargs={"passkey": second.pk}))

    assert not Passkey.objects.exists()
    [notice] = mail.outbox
    assert notice.to == [world.parent.email]
    assert second.name in notice.body
    assert AuditEvent.objects.filter(action="account.passkey.removed").count() == 2
    # The removed passkey no longer logs in.
    other = Client()
    log_in(other, device.get(login_options(other)))
    assert logged_in_as(other) is None


def test_nobody_removes_another_persons_passkey(world, client, device):
    passkey = registered(world.parent, device)
    client.force_login(world.other_parent)
    response = client.post(reverse("accounts:passkey_remove", kwargs={"passkey": passkey.pk}))
    assert response.status_code == 404
    assert Passkey.objects.filter(pk=passkey.pk).exists()


# -- The pages ------------------------------------------------------------------------------


def test_the_login_page_works_without_script(world, client):
    page = client.get(reverse("accounts:login")).content.decode()
    password_form = page.index('name="password"')
    passkey_form = page.index('id="passkey-login-form"')
    assert password_form < passkey_form
    assert 'id="passkey-login-form"' in page
    tag = page[passkey_form : page.index(">", passkey_form)]
    assert " hidden" in tag
    assert "accounts/passkeys.js" in page
    assert "<script>" not in page


@pytest.mark.parametrize("address", ["", "http://127.0.0.1:8000", "https://[::1]"])
def test_without_a_portal_domain_there_are_no_passkeys(world, client, settings, address):
    settings.PORTAL_URL = address
    page = client.get(reverse("accounts:login")).content.decode()
    assert "passkey-login-form" not in page
    assert client.post(reverse("accounts:passkey_login_options")).status_code == 404


def test_the_profile_links_to_the_passkeys(world, client):
    client.force_login(world.parent)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:passkeys") in page


def test_a_passkey_is_offered_once_after_the_first_password(world):
    new = UserFactory(username="FElAmrani", email="fatima@example.nl")
    new.set_unusable_password()
    new.save()
    link = services.new_link(
        new, valid_for=timezone.timedelta(days=7), base_url="http://testserver/"
    )
    client = Client()
    form = client.get(path_of(link), follow=True).redirect_chain[-1][0]
    chosen = "mijn eerste lange zin"
    response = client.post(form, {"new_password1": chosen, "new_password2": chosen}, follow=True)
    offer = f'<a href="{reverse("accounts:passkeys")}">Passkey toevoegen</a>'
    assert offer in response.content.decode()
    assert offer not in client.get(reverse("home"), follow=True).content.decode()


def test_no_offer_after_a_reset_password(world):
    link = services.new_link(world.parent, valid_for=timezone.timedelta(hours=1), base_url=PORTAL)
    client = Client()
    form = client.get(path_of(link), follow=True).redirect_chain[-1][0]
    chosen = "een heel nieuwe zin nu"
    response = client.post(form, {"new_password1": chosen, "new_password2": chosen}, follow=True)
    assert "Passkey toevoegen" not in response.content.decode()


def test_adding_a_passkey_long_after_the_login_asks_for_the_password(world, client, device):
    """An open session left on a shared computer is not enough to add a way to log in."""
    client.force_login(world.parent)
    later = timezone.now() + timedelta(minutes=flow.RECENT_SECONDS // 60 + 1)
    with time_machine.travel(later, tick=False):
        assert client.post(reverse("accounts:passkey_add_options")).status_code == 403
        page = client.get(reverse("accounts:passkeys")).content.decode()
        assert "Bevestig" in page and 'id="passkey-add-form"' not in page
        wrong = client.post(reverse("accounts:passkeys"), {"password": "not my password"})
        assert "niet uw huidige wachtwoord" in wrong.content.decode()
        client.post(reverse("accounts:passkeys"), {"password": PASSWORD})
        assert client.post(reverse("accounts:passkey_add_options")).status_code == 200
        assert 'id="passkey-add-form"' in client.get(reverse("accounts:passkeys")).content.decode()
    assert not Passkey.objects.filter(user=world.parent).exists()
