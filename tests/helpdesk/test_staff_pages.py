"""The portal manager edits help pages and the school's vision and rules."""

from django.urls import reverse

from ouderportaal.core.models import AuditEvent
from ouderportaal.helpdesk.models import HelpPage, RulesAcknowledgement
from tests.factories import PASSWORD


def edit_url(slug, language="nl", school="de-ark"):
    return reverse(
        "helpdeskadmin:page_edit", kwargs={"school": school, "language": language, "topic": slug}
    )


def topic_url(slug, school="de-ark"):
    return reverse("helpdesk:topic", kwargs={"school": school, "topic": slug})


def test_pages_overview_lists_standard_topics(client, world):
    client.login(username="directie", password=PASSWORD)
    response = client.get(reverse("helpdeskadmin:pages", kwargs={"school": "de-ark"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Accountinfo niet ontvangen?" in content
    assert "Did not receive your account info?" in content


def test_editing_a_standard_topic_makes_it_the_schools_own(client, world):
    client.login(username="directie", password=PASSWORD)
    form = client.get(edit_url("accountinfo-niet-ontvangen")).content.decode()
    assert "ouderportaal@de-ark.example.nl" in form  # prefilled with the filled-in text
    response = client.post(
        edit_url("accountinfo-niet-ontvangen"),
        {"title": "Geen mail gekregen?", "order": 1, "body": "Bel de administratie."},
    )
    assert response.status_code == 302
    page = HelpPage.objects.get(school=world.school, slug="accountinfo-niet-ontvangen")
    assert page.language == "nl"
    content = client.get(topic_url("accountinfo-niet-ontvangen")).content.decode()
    assert "Bel de administratie." in content
    # Other schools keep the standard text.
    other = client.get(topic_url("accountinfo-niet-ontvangen", "elders")).content.decode()
    assert "Bel de administratie." not in other
    assert AuditEvent.objects.filter(action="helpdesk.page.created").exists()

    delete = reverse(
        "helpdeskadmin:page_delete",
        kwargs={"school": "de-ark", "language": "nl", "topic": "accountinfo-niet-ontvangen"},
    )
    client.post(delete)
    content = client.get(topic_url("accountinfo-niet-ontvangen")).content.decode()
    assert "Bel de administratie." not in content
    assert "Spam" in content


def test_new_page_is_listed_and_searchable(client, world):
    client.login(username="directie", password=PASSWORD)
    response = client.post(
        reverse("helpdeskadmin:page_new", kwargs={"school": "de-ark"}),
        {
            "title": "Schoolreis",
            "slug": "schoolreis",
            "language": "nl",
            "order": 70,
            "body": "De schoolreis gaat naar de **Efteling**.",
        },
    )
    assert response.status_code == 302
    client.logout()
    home = client.get(reverse("helpdesk:school", kwargs={"school": "de-ark"})).content.decode()
    assert "Schoolreis" in home
    found = client.get(reverse("helpdesk:search", kwargs={"school": "de-ark"}), {"q": "efteling"})
    assert "Schoolreis" in found.content.decode()
    other = client.get(reverse("helpdesk:search", kwargs={"school": "elders"}), {"q": "efteling"})
    assert "Schoolreis" not in other.content.decode()


def test_new_page_cannot_take_a_standard_address(client, world):
    client.login(username="directie", password=PASSWORD)
    response = client.post(
        reverse("helpdeskadmin:page_new", kwargs={"school": "de-ark"}),
        {
            "title": "Dubbel",
            "slug": "checklist-inloggen",
            "language": "nl",
            "order": 1,
            "body": "x",
        },
    )
    assert response.status_code == 200
    assert "standaardonderwerp" in response.content.decode()
    assert "Dubbel" in response.content.decode()  # what was typed stays
    assert not HelpPage.objects.exists()


def test_duplicate_own_page_is_refused(client, world):
    HelpPage.objects.create(school=world.school, slug="gym", title="Gym", body="x")
    client.login(username="directie", password=PASSWORD)
    response = client.post(
        reverse("helpdeskadmin:page_new", kwargs={"school": "de-ark"}),
        {"title": "Gym 2", "slug": "gym", "language": "nl", "order": 1, "body": "y"},
    )
    assert response.status_code == 200
    assert HelpPage.objects.count() == 1


def test_only_portal_managers_of_the_school_edit(client, world):
    client.login(username="juf.anna", password=PASSWORD)
    assert client.get(edit_url("checklist-inloggen")).status_code == 404
    client.login(username="elders.admin", password=PASSWORD)
    assert client.get(edit_url("checklist-inloggen")).status_code == 404
    response = client.post(edit_url("checklist-inloggen"), {"title": "x", "order": 1, "body": "y"})
    assert response.status_code == 404
    assert not HelpPage.objects.exists()


def test_rules_page_default_and_own_text(client, world):
    url = reverse("helpdesk:rules", kwargs={"school": "de-ark"})
    content = client.get(url).content.decode()
    assert "Ochtends is de leerkracht er voor de kinderen" in content

    client.login(username="directie", password=PASSWORD)
    edit = reverse("helpdeskadmin:rules", kwargs={"school": "de-ark"})
    assert "Ochtends is de leerkracht" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "title": "Onze afspraken",
            "body": "Maak een afspraak.<script>x</script>",
            "ask_to_read": "on",
        },
    )
    assert response.status_code == 302
    content = client.get(url).content.decode()
    assert "Onze afspraken" in content and "<script>x" not in content
    other = client.get(reverse("helpdesk:rules", kwargs={"school": "elders"})).content.decode()
    assert "Onze afspraken" not in other


def test_parent_is_asked_to_read_until_acknowledged(client, world):
    client.login(username="directie", password=PASSWORD)
    client.post(
        reverse("helpdeskadmin:rules", kwargs={"school": "de-ark"}),
        {"title": "Onze afspraken", "body": "Tekst", "ask_to_read": "on"},
    )
    client.force_login(world.parent)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Lees even:" in home
    assert reverse("helpdesk:rules", kwargs={"school": "de-ark"}) in home

    rules = client.get(reverse("helpdesk:rules", kwargs={"school": "de-ark"})).content.decode()
    assert "Ik heb het gelezen" in rules
    response = client.post(reverse("helpdesk:acknowledge_rules", kwargs={"school": "de-ark"}))
    assert response.status_code == 302
    assert RulesAcknowledgement.objects.filter(user=world.parent, school=world.school).exists()
    home = client.get(reverse("portal:home")).content.decode()
    assert "Lees even:" not in home
    assert "Visie en afspraken van KBS De Ark" in home  # the link stays


def test_acknowledging_needs_a_child_at_the_school(client, world):
    client.force_login(world.parent)
    response = client.post(reverse("helpdesk:acknowledge_rules", kwargs={"school": "elders"}))
    assert response.status_code == 404
    client.force_login(world.info_only)
    response = client.post(reverse("helpdesk:acknowledge_rules", kwargs={"school": "de-ark"}))
    assert response.status_code == 404
    assert not RulesAcknowledgement.objects.exists()
