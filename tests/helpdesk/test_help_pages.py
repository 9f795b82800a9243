"""The vraagbaak: public help pages per school, filled in with the school's settings."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from ouderportaal.core.models import School
from tests.factories import SchoolFactory


def topic_url(school, slug):
    return reverse("helpdesk:topic", kwargs={"school": school.slug, "topic": slug})


def test_help_is_reachable_without_login(client, world):
    response = client.get(topic_url(world.school, "accountinfo-niet-ontvangen"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Accountinfo niet ontvangen?" in content
    assert "ouderportaal@de-ark.example.nl" in content
    assert "Spam" in content and "Reclame" in content  # the junk folders and Gmail's tabs
    assert "ouderportaal@elders.example.nl" not in content


def test_each_school_gets_its_own_mailbox(client, world):
    response = client.get(topic_url(world.other_school, "accountinfo-niet-ontvangen"))
    assert "ouderportaal@elders.example.nl" in response.content.decode()
    assert "ouderportaal@de-ark.example.nl" not in response.content.decode()


def test_school_picker_lists_and_searches_schools(client, world):
    response = client.get(reverse("helpdesk:index"))
    assert response.status_code == 200
    assert "KBS De Ark" in response.content.decode()
    assert "OBS Elders" in response.content.decode()
    response = client.get(reverse("helpdesk:index"), {"kies": "1", "q": "ark"})
    assert "KBS De Ark" in response.content.decode()
    assert "OBS Elders" not in response.content.decode()


def test_chosen_school_is_remembered_in_a_cookie(client, world):
    response = client.get(
        reverse("helpdesk:index"), {"school": "de-ark", "naar": "accountinfo-niet-ontvangen"}
    )
    assert response.status_code == 302
    assert response["Location"] == topic_url(world.school, "accountinfo-niet-ontvangen")
    assert response.cookies["hulp_school"].value == "de-ark"
    # Later, from the login page: the remembered school is used directly.
    response = client.get(reverse("helpdesk:index"), {"naar": "checklist-inloggen"})
    assert response["Location"] == topic_url(world.school, "checklist-inloggen")
    # Choosing another school stays possible.
    response = client.get(reverse("helpdesk:index"), {"kies": "1"})
    assert response.status_code == 200


def test_unknown_destination_and_school_are_harmless(client, world):
    response = client.get(reverse("helpdesk:index"), {"school": "de-ark", "naar": "//evil"})
    assert response["Location"] == reverse("helpdesk:school", kwargs={"school": "de-ark"})
    response = client.get(reverse("helpdesk:index"), {"school": "bestaat-niet"})
    assert response.status_code == 200
    assert client.get(topic_url(world.school, "bestaat-niet")).status_code == 404
    assert client.get("/hulp/bestaat-niet/").status_code == 404


def test_a_single_school_installation_skips_the_picker(client, db):
    SchoolFactory(slug="enige")
    response = client.get(reverse("helpdesk:index"))
    assert response.status_code == 302
    assert response["Location"] == "/hulp/enige/"


def test_help_texts_follow_the_school_settings(client, world, monkeypatch, settings):
    settings.CHANGE_REQUEST_WORKING_DAYS = 5
    content = client.get(topic_url(world.school, "wijzigingen-doorgeven")).content.decode()
    assert "5 werkdagen" in content

    content = client.get(topic_url(world.school, "vragen-inloggen")).content.decode()
    assert "Cito-toetsen" in content
    assert "afspraak aanvragen met de leerkracht" in content
    from ouderportaal.schoolcontrol import gates

    monkeypatch.setattr(gates, "visible_modules", lambda school: {"general"})
    content = client.get(topic_url(world.school, "vragen-inloggen")).content.decode()
    assert "Cito-toetsen van het leerlingvolgsysteem" not in content
    assert "algemene gegevens van uw kind" in content


def test_username_style_is_explained_as_the_school_uses_it(client, world):
    content = client.get(topic_url(world.school, "accountinfo-gebruiken")).content.decode()
    assert "voorletter(s) en achternaam" in content
    School.objects.filter(pk=world.school.pk).update(username_style="random")
    content = client.get(topic_url(world.school, "accountinfo-gebruiken")).content.decode()
    assert "17 hoofdletters en kleine letters" in content


def test_english_help(client, world):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(topic_url(world.school, "accountinfo-niet-ontvangen"))
    content = response.content.decode()
    assert "Did not receive your account info?" in content
    assert "ouderportaal@de-ark.example.nl" in content


@pytest.mark.parametrize("query", ["wachtwoord", "WACHTWOORD", "Caps lock"])
def test_search_finds_topics_in_any_case(client, world, query):
    url = reverse("helpdesk:search", kwargs={"school": world.school.slug})
    content = client.get(url, {"q": query}).content.decode()
    assert "Checklist: lukt inloggen niet?" in content


def test_search_without_match_says_so(client, world):
    url = reverse("helpdesk:search", kwargs={"school": world.school.slug})
    content = client.get(url, {"q": "zwembad"}).content.decode()
    assert "0 onderwerpen gevonden" in content
    assert "Checklist: lukt inloggen niet?" not in content


def test_login_help_links_lead_to_the_help(world):
    request = RequestFactory().get("/account/inloggen/")
    html = render_to_string("helpdesk/login_help_links.html", request=request)
    assert "Accountinfo niet ontvangen?" in html
    assert "/hulp/?naar=accountinfo-niet-ontvangen" in html
    assert "/hulp/?naar=checklist-inloggen" in html


def test_login_page_links_to_the_help(client, world):
    content = client.get(reverse("accounts:login")).content.decode()
    assert "Accountinfo niet ontvangen?" in content


def test_footer_links_to_help_on_every_page(client, world):
    content = client.get(reverse("accounts:login")).content.decode()
    assert 'href="/hulp/?naar=documenten"' in content
    assert 'href="/hulp/?naar=visie"' in content
