"""Account mail through Django's SMTP backend to a real SMTP server on loopback."""

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from ouderportaal.accounts.models import GuardianAccountMail
from tests.factories import GuardianFactory, LinkFactory, StudentFactory
from tests.smtp import links_in, text_of


def test_account_mail_arrives_and_its_link_sets_the_password(world, client, smtp_server):
    pupil = StudentFactory(school=world.school, group=world.group)
    guardian = GuardianFactory(
        school=world.school,
        roepnaam="Fatima",
        initials="F",
        achternaam="El Amrani",
        email="fatima@example.nl",
    )
    LinkFactory(guardian=guardian, student=pupil)
    client.force_login(world.staff)
    client.post(
        reverse(
            "accountadmin:guardian", kwargs={"school": world.school.slug, "guardian": guardian.pk}
        )
    )
    smtp_server.wait_for(1)
    (message,) = smtp_server.to("fatima@example.nl")
    # Built for the inbox, not the spam folder.
    assert message["Message-ID"] and message["Date"]
    assert message["Reply-To"] == world.school.portal_email
    assert world.school.name in message["From"]
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(preferencelist=("html",)) is not None
    text = text_of(message)
    assert (
        "FElAmrani" in text
        and "Wachtwoord instellen" in message.get_body(preferencelist=("html",)).get_content()
    )
    assert "wachtwoord" in text.lower() and "correct-horse" not in text
    (link,) = [url for url in links_in(message) if "wachtwoord-instellen" in url]
    record = GuardianAccountMail.objects.get(guardian=guardian)
    assert record.accepted is True

    client.logout()
    response = client.get(link.replace("http://testserver", ""), follow=True)
    assert 'value="FElAmrani"' in response.content.decode()
    url = response.redirect_chain[-1][0]
    response = client.post(
        url, {"new_password1": "mijn eigen lange zin", "new_password2": "mijn eigen lange zin"}
    )
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert client.session[SESSION_KEY] == str(guardian.user.pk)


def test_a_refused_mail_is_recorded_per_guardian(world, client, smtp_server):
    pupil = StudentFactory(school=world.school, group=world.group)
    guardian = GuardianFactory(school=world.school, email="weg@example.nl")
    LinkFactory(guardian=guardian, student=pupil)
    smtp_server.refuse.add("weg@example.nl")
    client.force_login(world.staff)
    response = client.post(
        reverse(
            "accountadmin:guardian", kwargs={"school": world.school.slug, "guardian": guardian.pk}
        )
    )
    record = GuardianAccountMail.objects.get(guardian=guardian)
    assert record.accepted is False and record.last_sent_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Niet aangenomen door de mailserver" in page
    assert smtp_server.count() == 0
