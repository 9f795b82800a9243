"""Health check, configuration, security headers, languages and the demo command."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse

from ouderportaal.core.models import Student
from ouderportaal.env import mailer_from_url

User = get_user_model()


def test_healthz_answers_200_when_the_database_answers(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_does_not(db, client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise DatabaseError("database is down")

    monkeypatch.setattr("ouderportaal.core.views.connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503


def _settings_subprocess(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import ouderportaal.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _settings_subprocess({"DEBUG": "false", "DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_keeps_one_generated_key_in_the_data_directory(tmp_path):
    for _ in range(2):
        assert _settings_subprocess({"DEBUG": "true", "DATA_DIR": str(tmp_path)}).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def _database_settings(tmp_path, **env):
    script = (
        "import json; from ouderportaal import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db.get('DISABLE_SERVER_SIDE_CURSORS', False), "
        "db.get('OPTIONS', {}).get('prepare_threshold', 'unset'), db['CONN_MAX_AGE']]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **clean,
            "DEBUG": "false",
            "SECRET_KEY": "k" * 50,
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://portal@pgbouncer:6432/ouderportaal",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_behind_a_transaction_pooler_nothing_outlives_a_transaction(tmp_path):
    # Neither server-side cursors nor prepared statements: both belong to one server
    # connection, and the pooler hands out another one for the next transaction.
    assert _database_settings(tmp_path, DB_TRANSACTION_POOLER="true") == [True, None, 300]
    # A connection of its own prepares what it runs five times (psycopg's threshold).
    assert _database_settings(tmp_path) == [False, 5, 300]


def test_a_bad_boolean_is_refused_with_its_name(tmp_path):
    result = _settings_subprocess({"DEBUG": "maybe", "DATA_DIR": str(tmp_path)})
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(
    "url,backend,options",
    [
        ("smtp://127.0.0.1:1025", "smtp.EmailBackend", {"host": "127.0.0.1", "port": 1025}),
        (
            "smtp+tls://user%40school.nl:p%40ss@mail.example.nl:587",
            "smtp.EmailBackend",
            {"use_tls": True, "username": "user@school.nl", "password": "p@ss", "port": 587},
        ),
        ("smtp+ssl://mail.example.nl", "smtp.EmailBackend", {"use_ssl": True, "port": 465}),
        ("console://", "console.EmailBackend", {}),
    ],
)
def test_email_url_becomes_a_mailer(url, backend, options):
    mailer = mailer_from_url(url)
    assert mailer["BACKEND"].endswith(backend)
    for key, value in options.items():
        assert mailer["OPTIONS"][key] == value


def test_pages_carry_a_strict_content_security_policy(db, client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_dutch_is_the_default_and_english_can_be_chosen(world, client):
    client.force_login(world.parent)
    assert "Mijn kinderen" in client.get(reverse("portal:home")).content.decode()
    world.parent.language = "en"
    world.parent.save()
    assert "My children" in client.get(reverse("portal:home")).content.decode()


def test_an_anonymous_visitor_can_switch_to_english(db, client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("accounts:login")).content.decode()


def test_demo_is_built_once_and_prints_its_logins(db):
    out = StringIO()
    call_command("demo", "--json", stdout=out)
    logins = json.loads(out.getvalue())
    pupils = Student.objects.count()
    assert pupils > 300
    roles = {row["role"] for row in logins}
    assert any(role.startswith("staff") for role in roles)
    by_name = {row["username"]: row for row in logins}
    assert by_name["JdeVries"]["children"] == ["Sanne", "Thijs"]
    assert by_name["AJansen"]["children"] == ["Daan", "Mila"]
    # The parent whose account mail waits in the demo mailbox is listed, without password.
    waiting = by_name["AVermeulen"]
    assert waiting["password"] is None and waiting["has_password"] is False
    assert waiting["children"]

    again = StringIO()
    call_command("demo", stdout=again)
    assert Student.objects.count() == pupils
    assert "JdeVries" in again.getvalue() and "AVermeulen" in again.getvalue()
    # Running the demo again resets the demo passwords, but gives her none.
    assert not User.objects.get(username="AVermeulen").has_usable_password()


def test_demo_parents_can_log_in_with_the_printed_password(db, client):
    out = StringIO()
    call_command("demo", "--json", stdout=out)
    row = next(r for r in json.loads(out.getvalue()) if r["username"] == "JdeVries")
    assert client.login(username=row["username"], password=row["password"])
    response = client.get(reverse("portal:home"))
    assert "Sanne" in response.content.decode()


def test_a_parent_who_switches_language_keeps_it_on_the_account(world, client):
    client.force_login(world.parent)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    world.parent.refresh_from_db()
    assert world.parent.language == "en"
    assert "My children" in client.get(reverse("portal:home")).content.decode()


def test_a_browser_set_to_english_still_gets_dutch_until_english_is_chosen(db, client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="nl"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="nl")
    assert 'lang="en"' in page.content.decode()


def test_an_s3_bucket_moves_documents_to_private_object_storage(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env = {
        **clean,
        "DEBUG": "true",
        "DATA_DIR": str(tmp_path),
        "S3_BUCKET": "school-documents",
        "S3_ENDPOINT_URL": "https://s3.example.nl",
    }
    code = "from ouderportaal import settings; print(settings.STORAGES['default'])"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert "storages.backends.s3.S3Storage" in result.stdout
    assert "'bucket_name': 'school-documents'" in result.stdout
    assert "'default_acl': 'private'" in result.stdout


def test_a_language_chosen_before_logging_in_is_kept_after(world, client):
    from tests.factories import PASSWORD

    assert world.parent.language != "en"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        reverse("accounts:login"),
        {"username": world.parent.username, "password": PASSWORD},
        follow=True,
    )
    assert 'lang="en"' in response.content.decode()
    assert "My children" in client.get(reverse("portal:home")).content.decode()
    world.parent.refresh_from_db()
    assert world.parent.language == "en"
