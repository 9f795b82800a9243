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


def main():
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
