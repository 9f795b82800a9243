"""Help texts that state what the product does are filled from the code's own numbers."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts import throttle
from ouderportaal.changerequests import workdays
from ouderportaal.helpdesk.defaults import TEXTS_DIR
from ouderportaal.schoolcontrol.models import DEFAULT_CLOSED_MESSAGE
from tests.factories import PASSWORD
from tests.schoolcontrol.helpers import closed_period


def _topic(client, school, slug, language="nl"):
    client.cookies["django_language"] = language
    url = reverse("helpdesk:topic", kwargs={"school": school.slug, "topic": slug})
    return client.get(url).content.decode()


def test_the_lock_help_states_the_throttles_own_waits(world, client):
    text = _topic(client, world.school, "meldingen-inloggen")
    assert f"Na {throttle.DEVICE.threshold} mislukte pogingen" in text
    assert "30 seconden" in text and "15 minuten" in text
    assert "kwartier" not in text
    english = _topic(client, world.school, "meldingen-inloggen", "en")
    assert "30 seconds" in english and "15 minutes" in english


def test_the_lock_help_follows_when_the_throttle_changes(world, client, monkeypatch):
    monkeypatch.setattr(throttle, "FIRST_WAIT", timedelta(minutes=1))
    monkeypatch.setattr(throttle, "MAX_WAIT", timedelta(minutes=20))
    monkeypatch.setattr(throttle, "DEVICE", throttle.Rule("device", 7, "test"))
    text = _topic(client, world.school, "meldingen-inloggen")
    assert "Na 7 mislukte pogingen" in text
    assert "eerst 1 minuut" in text and "tot hoogstens 20 minuten" in text


def test_the_processing_days_follow_the_due_date_rule(world, client, monkeypatch):
    assert f"binnen <strong>{workdays.REQUEST_TERM_DAYS} werkdagen" in _topic(
        client, world.school, "wijzigingen-doorgeven"
    )
    monkeypatch.setattr(workdays, "REQUEST_TERM_DAYS", 8)
    assert "binnen <strong>8 werkdagen" in _topic(client, world.school, "wijzigingen-doorgeven")


def test_the_faq_sends_parents_to_the_profile_where_the_username_can_be_changed(world, client):
    text = _topic(client, world.school, "vragen-inloggen")
    profile = reverse("accounts:profile")
    assert f'href="{profile}"' in text
    assert "gebruikersnaam blijft hetzelfde" not in text
    client.force_login(world.parent)
    assert 'name="username"' in client.get(profile).content.decode()


def test_no_help_text_writes_a_product_number_by_hand():
    """Waits and working days come from placeholders, never typed into a text."""
    by_hand = re.compile(
        r"\d+\s*(minu|second|uur|hour|werkdag|working day)|kwartier|quarter of an hour",
        re.IGNORECASE,
    )
    for path in TEXTS_DIR.glob("*/*.txt"):
        assert not by_hand.search(path.read_text(encoding="utf-8")), path


def test_the_default_closure_message_does_not_say_login_stops():
    assert "inloggen" not in DEFAULT_CLOSED_MESSAGE


def test_the_login_page_shows_a_running_closure_and_login_still_works(world, client):
    now = timezone.now()
    closed_period(world.school, now - timedelta(hours=1), now + timedelta(days=2))
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Gesloten voor de rapporten." in page
    assert world.school.name in page
    assert "U kunt tijdens een sluiting gewoon inloggen" in page
    response = client.post(
        reverse("accounts:login"),
        {"username": world.parent.username, "password": PASSWORD},
    )
    assert response.status_code == 302


def test_the_login_page_shows_only_the_chosen_schools_closure(world, client):
    now = timezone.now()
    closed_period(world.other_school, now - timedelta(hours=1), now + timedelta(days=2))
    client.cookies["hulp_school"] = world.school.slug
    assert (
        "Gesloten voor de rapporten." not in client.get(reverse("accounts:login")).content.decode()
    )
    client.cookies["hulp_school"] = world.other_school.slug
    assert "Gesloten voor de rapporten." in client.get(reverse("accounts:login")).content.decode()


def test_the_change_request_pages_state_the_same_term(world, client, monkeypatch):
    monkeypatch.setattr(workdays, "REQUEST_TERM_DAYS", 8)
    client.force_login(world.parent)
    for name in ("changerequests:child_requests", "changerequests:propose_child"):
        page = client.get(reverse(name, args=[world.child.public_id])).content.decode()
        assert "binnen 8 werkdagen" in page, name
