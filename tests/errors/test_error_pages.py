"""Error pages in the portal's look and the visitor's language, with DEBUG off."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.errors.urls")]


def _page(response):
    soup = BeautifulSoup(response.content, "html.parser")
    links = {a.get("href") for a in soup.find_all("a")}
    return soup, links


def _client(language=None, **kwargs):
    client = Client(raise_request_exception=False, **kwargs)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _no_queries(execute, sql, params, many, context):
    raise AssertionError(f"the error page queried the database: {sql}")


def test_debug_is_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    ("path", "status", "dutch_title"),
    [
        ("/test-fout/400/", 400, "Dit verzoek kon niet worden verwerkt"),
        ("/test-fout/403/", 403, "U kunt deze pagina niet openen"),
        ("/bestaat-niet/", 404, "Pagina niet gevonden"),
        ("/test-fout/500/", 500, "Er ging iets mis"),
        ("/test-fout/503/", 503, "Het portaal is even niet bereikbaar"),
    ],
)
def test_each_error_page_is_the_portals_own_in_dutch(path, status, dutch_title):
    response = _client().get(path)

    assert response.status_code == status
    soup, links = _page(response)
    assert soup.html["lang"] == "nl"
    assert soup.h1.get_text(strip=True) == dutch_title
    assert "/static/core/portal.css" in response.text
    assert {"/", "/hulp/"} <= links


def test_error_pages_follow_the_chosen_language():
    client = _client(language="en")

    not_found = client.get("/bestaat-niet/")
    broken = client.get("/test-fout/500/")

    assert _page(not_found)[0].h1.get_text(strip=True) == "Page not found"
    assert _page(not_found)[0].html["lang"] == "en"
    assert _page(broken)[0].h1.get_text(strip=True) == "Something went wrong"


def test_a_logged_in_parent_is_shown_their_schools_mailbox(world):
    client = _client()
    client.force_login(world.parent)
    world.school.portal_email = "portaal@deark.example.nl"
    world.school.save()

    response = client.get("/ouders/kind/onbekend/")

    assert response.status_code == 404
    _soup, links = _page(response)
    assert "mailto:portaal@deark.example.nl" in links
    # Only the parent's own school: the other school's mailbox is not shown.
    assert f"mailto:{world.other_school.portal_email}" not in links


def test_the_account_language_is_used_on_error_pages(world):
    world.parent.language = "en"
    world.parent.save()
    client = _client()
    client.force_login(world.parent)

    response = client.get("/bestaat-niet/")

    assert _page(response)[0].h1.get_text(strip=True) == "Page not found"


def test_a_refused_form_explains_itself(world):
    client = _client(enforce_csrf_checks=True)

    response = client.post("/account/inloggen/", {"username": "JdeVries", "password": "x"})

    assert response.status_code == 403
    soup, links = _page(response)
    assert soup.h1.get_text(strip=True) == "Het formulier was verlopen"
    assert {"/", "/hulp/"} <= links


@pytest.mark.parametrize(("path", "status"), [("/test-fout/500/", 500), ("/test-fout/503/", 503)])
def test_500_and_503_pages_do_not_touch_the_database(world, path, status):
    client = _client(language="en")

    with connection.execute_wrapper(_no_queries):
        response = client.get(path)

    assert response.status_code == status
    assert "/hulp/" in _page(response)[1]


def test_503_asks_to_come_back_later():
    response = _client().get("/test-fout/503/")

    assert response["Retry-After"] == "60"
    assert "niets" in response.text  # "Nothing you sent has been saved half-way."
