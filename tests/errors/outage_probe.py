"""Run in a separate process against a database that cannot be reached.

Prints, per request (redirects followed), the path, the final status, the page's
heading and headers as JSON. test_outage.py starts it with DATABASE_URL pointing
nowhere and DEBUG off.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouderportaal.settings_test")

import django  # noqa: E402

django.setup()

from bs4 import BeautifulSoup  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402


def probe(client, method, path, data=None):
    response = getattr(client, method)(path, data or {}, follow=True)
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        "method": method,
        "path": path,
        "status": response.status_code,
        "h1": soup.h1.get_text(strip=True) if soup.h1 else response.content.decode()[:60],
        "lang": soup.html.get("lang") if soup.html else None,
        "retry_after": response.get("Retry-After"),
        "set_cookie": sorted(response.cookies.keys()),
    }


def recovery(folder: str):
    """The database goes away while a parent is logged in, and comes back.

    Prints what the parent saw and what the database holds afterwards.
    """
    from django.core.management import call_command

    from ouderportaal.accounts import flow
    from ouderportaal.changerequests.models import ChangeRequest, RequestedChange
    from ouderportaal.core.models import AuditEvent
    from tests.factories import StudentFactory, make_parent

    call_command("migrate", verbosity=0)
    child = StudentFactory()
    parent = make_parent([child], username="JdeVries")
    guardian = parent.guardian_records.get()
    client = Client(raise_request_exception=False)
    client.force_login(parent)
    # As after the portal's own login (accounts.flow), which every session needs.
    session = client.session
    session[flow.LOGIN_MARK] = flow.login_mark(parent, second_factor=False)
    session.save()
    url = f"/ouders/kind/{child.public_id}/wijzigingen/ouder/"
    form = {
        "street": "Nieuwe straat",
        "house_number": "12",
        "postcode": "3511 AB",
        "city": "Utrecht",
        "phone_mobile": guardian.phone_mobile,
        "phone_home": guardian.phone_home,
        "email": guardian.email,
        "note": "",
    }
    audit_before = AuditEvent.objects.count()

    def request(method, path, data=None):
        # Each request opens its own connection, as a worker does when the health check
        # of its kept connection fails; the test client would otherwise keep the one it has.
        connections.close_all()
        return probe(client, method, path, data)

    away = f"{folder}-away"
    os.rename(folder, away)  # the database cannot be reached any more
    during = [request("get", "/ouders/"), request("post", url, form)]
    os.rename(away, folder)  # and it is back

    connections.close_all()
    written_during_outage = {
        "requests": ChangeRequest.objects.count(),
        "changes": RequestedChange.objects.count(),
        "audit": AuditEvent.objects.count() - audit_before,
    }
    after = [request("get", "/ouders/"), request("post", url, form)]
    written_after = {
        "requests": ChangeRequest.objects.count(),
        "changes": RequestedChange.objects.count(),
    }
    json.dump(
        {
            "during": during,
            "after": after,
            "written_during_outage": written_during_outage,
            "written_after": written_after,
        },
        sys.stdout,
    )


def main():
    if len(sys.argv) > 1:
        recovery(sys.argv[1])
        return
    results = []
    anonymous = Client(raise_request_exception=False)
    # A visitor with a session cookie: the session and the account cannot be read.
    returning = Client(raise_request_exception=False)
    returning.cookies[settings.SESSION_COOKIE_NAME] = "s" * 32
    english = Client(raise_request_exception=False)
    english.cookies[settings.SESSION_COOKIE_NAME] = "s" * 32
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for client in (anonymous, returning):
        for path in ("/", "/ouders/", "/hulp/", "/account/inloggen/", "/beheer/de-ark/"):
            results.append(probe(client, "get", path))
        results.append(
            probe(client, "post", "/account/inloggen/", {"username": "JdeVries", "password": "x"})
        )
        results.append(
            probe(client, "post", "/hulp/de-ark/niet-inloggen/", {"email": "ouder@example.nl"})
        )
    results.append(probe(english, "get", "/ouders/"))
    results.append(probe(anonymous, "get", "/healthz"))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
