"""Logging in: usernames are case-sensitive, and unique regardless of case."""

import pyotp
import pytest
from django.db import IntegrityError
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def test_exact_username_logs_in(world, client):
    response = client.post(
        reverse("accounts:login"), {"username": "JdeVries", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("typed", ["jdevries", "JDEVRIES", "Jdevries", " jdeVries"])
def test_username_in_other_case_fails_with_a_clear_message(world, client, typed):
    response = client.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ongeldige combinatie van gebruikersnaam en wachtwoord" in page
    assert "hoofdlettergevoelig" in page
    # What was typed stays in the form.
    assert f'value="{typed}"' in page
    assert "_auth_user_id" not in client.session


def test_spaces_copied_along_with_the_username_do_not_matter(world, client):
    response = client.post(
        reverse("accounts:login"), {"username": " JdeVries ", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_two_usernames_may_not_differ_only_in_case(db):
    UserFactory(username="JdeVries")
    with pytest.raises(IntegrityError):
        UserFactory(username="jdevries")


def test_staff_log_in_on_the_same_page_and_land_in_their_back_office(world, client):
    client.post(reverse("accounts:login"), {"username": "elders.admin", "password": PASSWORD})
    # Staff use a second factor: the first login sets it up before it completes.
    client.get(reverse("accounts:login_totp_setup"))
    secret = client.session["accounts_login_totp_secret"]
    client.post(reverse("accounts:login_totp_setup"), {"code": pyotp.TOTP(secret).now()})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:home", kwargs={"school": "elders"})
