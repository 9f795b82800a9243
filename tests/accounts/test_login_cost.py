"""A login costs one password hash: not two, and not less for a name without an account.

Counted with the portal's own argon2id hasher (the test settings use a fast one): every
argon2 computation goes through argon2-cffi's `hash_secret` or `verify_secret`.
"""

from unittest import mock

import argon2.low_level
import pytest
from django.contrib.auth.hashers import make_password

from tests.factories import PASSWORD

LOGIN = "/account/inloggen/"
PORTAL_HASHERS = [
    "ouderportaal.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture
def argon2_calls(settings):
    """The portal's hasher, and a counter of argon2 computations while a login runs."""
    settings.PASSWORD_HASHERS = PORTAL_HASHERS
    calls = []
    hash_secret = argon2.low_level.hash_secret
    verify_secret = argon2.low_level.verify_secret

    def counted_hash(*args, **kwargs):
        calls.append("hash")
        return hash_secret(*args, **kwargs)

    def counted_verify(*args, **kwargs):
        calls.append("verify")
        return verify_secret(*args, **kwargs)

    with (
        mock.patch.object(argon2.low_level, "hash_secret", counted_hash),
        mock.patch.object(argon2.low_level, "verify_secret", counted_verify),
        mock.patch("argon2._password_hasher.hash_secret", counted_hash),
        mock.patch("argon2._password_hasher.verify_secret", counted_verify),
    ):
        yield calls


@pytest.fixture
def parent(world, argon2_calls):
    world.parent.password = make_password(PASSWORD)
    world.parent.save(update_fields=["password"])
    argon2_calls.clear()
    return world.parent


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_login_verifies_the_password_exactly_once(parent, client, argon2_calls):
    client.get(LOGIN)
    assert argon2_calls == []
    response = post_login(client, "JdeVries", PASSWORD)
    assert response.status_code == 302
    assert argon2_calls == ["verify"]
    # The hash was stored with the current parameters: nothing to upgrade, nothing rewritten.
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)


def test_the_pages_after_the_login_hash_nothing(parent, client, argon2_calls):
    response = post_login(client, "JdeVries", PASSWORD)
    argon2_calls.clear()
    client.get(response.headers["Location"], follow=True)
    client.get("/ouders/")
    assert argon2_calls == []


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("JdeVries", "wrong password, right account"),
        ("jdevries", PASSWORD),  # the capitals must match: no account by that name
        ("nobody-here", PASSWORD),  # no account at all
        ("JdeVr\u0456es", PASSWORD),  # a Cyrillic і: a look-alike, not the account
    ],
)
def test_a_failed_login_costs_one_hash(parent, client, argon2_calls, username, password):
    response = post_login(client, username, password)
    assert response.status_code == 200
    # One computation, whether or not the account exists: the time tells nothing.
    assert len(argon2_calls) == 1


def test_an_older_hash_is_upgraded_once_and_then_only_verified(parent, client, argon2_calls):
    parent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    parent.save(update_fields=["password"])
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
    assert argon2_calls == ["hash"]  # PBKDF2 verified, then stored as argon2id once
    argon2_calls.clear()
    client.post("/account/uitloggen/")
    assert post_login(client, "JdeVries", PASSWORD).status_code == 302
    assert argon2_calls == ["verify"]
