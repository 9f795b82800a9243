"""The outbox: retries with back-off, a limit, failures visible, nothing sent twice."""

import logging
import os
import subprocess
import sys
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from ouderportaal.accounts.models import AccountMailItem, GuardianAccountMail
from ouderportaal.core.models import OutgoingMail
from tests.factories import GuardianFactory, LinkFactory, StudentFactory


def send_queued_mail() -> str:
    out = StringIO()
    call_command("send-queued-mail", stdout=out)
    return out.getvalue()


def ask_account_mail(client, world, address="fatima@example.nl"):
    pupil = StudentFactory(school=world.school, group=world.group)
    guardian = GuardianFactory(school=world.school, email=address)
    LinkFactory(guardian=guardian, student=pupil)
    client.force_login(world.staff)
    response = client.post(
        reverse(
            "accountadmin:guardian", kwargs={"school": world.school.slug, "guardian": guardian.pk}
        )
    )
    return guardian, response


def test_a_reset_mail_waits_for_the_server_and_goes_out_once(
    world, client, settings, smtp_server_down
):
    settings.MAIL_RETRY_SECONDS = 0
    client.post(reverse("accounts:forgot_password"), {"login": "JdeVries"})
    (mail,) = OutgoingMail.objects.all()
    assert (mail.state, mail.attempts, mail.last_error) == ("queued", 1, "ConnectionRefusedError")
    assert "Wachtwoord" not in mail.last_error

    smtp_server_down.start()
    assert "Mail sent: 1" in send_queued_mail()
    assert "Mail sent: 0" in send_queued_mail()
    (message,) = smtp_server_down.inbox.to(world.parent.email)
    assert message["Message-ID"] == mail.message_id
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == ("sent", 2)
    # Sent: the address, the text and the link are no longer kept.
    assert mail.message == {}


def test_the_wait_doubles_between_attempts(world, client, settings, smtp_server_down):
    settings.MAIL_RETRY_SECONDS = 60
    client.post(reverse("accounts:forgot_password"), {"login": "JdeVries"})
    mail = OutgoingMail.objects.get()
    first_wait = mail.next_attempt_at - mail.claimed_at
    assert 59 <= first_wait.total_seconds() <= 61
    # Not due yet: the command leaves it alone.
    assert "to be tried again: 0" in send_queued_mail()
    OutgoingMail.objects.update(next_attempt_at=mail.created_at)
    send_queued_mail()
    mail.refresh_from_db()
    second_wait = mail.next_attempt_at - mail.claimed_at
    assert mail.attempts == 2 and 119 <= second_wait.total_seconds() <= 121


def test_after_the_last_attempt_the_account_mail_shows_as_not_sent(
    world, client, settings, smtp_server_down, caplog
):
    settings.MAIL_RETRY_SECONDS = 0
    settings.MAIL_MAX_ATTEMPTS = 3
    guardian, response = ask_account_mail(client, world)
    with caplog.at_level(logging.INFO, logger="ouderportaal"):
        send_queued_mail()
        assert "failed: 1" in send_queued_mail()
    mail = OutgoingMail.objects.get()
    assert (mail.state, mail.attempts, mail.refused) == ("failed", 3, False)
    assert mail.message == {}  # the set-password link is not kept
    item = AccountMailItem.objects.get(guardian=guardian)
    assert item.state == AccountMailItem.State.FAILED
    # Still counts as not mailed: the next send for the whole school includes them.
    assert not GuardianAccountMail.objects.filter(guardian=guardian, last_sent_at__isnull=False)
    page = client.get(response["Location"]).content.decode()
    assert "Niet verstuurd: de mailserver was niet bereikbaar" in page
    # The log says what happened, without the address or the content.
    assert "failed after 3 attempt(s)" in caplog.text
    assert "fatima" not in caplog.text and "wachtwoord" not in caplog.text.lower()

    smtp_server_down.start()
    assert "Mail sent: 0" in send_queued_mail()
    assert smtp_server_down.inbox.count() == 0


def test_a_refused_address_is_not_tried_again(world, client, settings, smtp_server_down):
    smtp_server_down.start()
    smtp_server_down.inbox.refuse.add("weg@example.nl")
    guardian, _response = ask_account_mail(client, world, address="weg@example.nl")
    mail = OutgoingMail.objects.get()
    assert (mail.state, mail.attempts, mail.refused) == ("failed", 1, True)
    assert mail.last_error == "SMTPRecipientsRefused"
    assert AccountMailItem.objects.get(guardian=guardian).state == AccountMailItem.State.REFUSED
    assert GuardianAccountMail.objects.get(guardian=guardian).accepted is False


def test_a_mail_being_sent_is_not_sent_again(world, client, smtp_server_down):
    # A second delivery task for a mail that another worker already claimed does nothing.
    from ouderportaal.core.mail import deliver

    client.post(reverse("accounts:forgot_password"), {"login": "JdeVries"})
    mail = OutgoingMail.objects.get()
    OutgoingMail.objects.filter(pk=mail.pk).update(state="sending")
    smtp_server_down.start()
    assert deliver(mail.pk) == "not-due"
    assert smtp_server_down.inbox.count() == 0


def test_the_retry_settings_are_read_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAIL_"))}
    env.update(DEBUG="true", DATA_DIR=str(tmp_path), MAIL_RETRY_SECONDS="30", MAIL_MAX_ATTEMPTS="5")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ouderportaal import settings as s; "
            "print(s.MAIL_RETRY_SECONDS, s.MAIL_MAX_ATTEMPTS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["30", "5"]


def test_a_retry_setting_below_one_stops_start_up(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAIL_"))}
    env.update(DEBUG="true", DATA_DIR=str(tmp_path), MAIL_MAX_ATTEMPTS="0")
    result = subprocess.run(
        [sys.executable, "-c", "import ouderportaal.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "MAIL_MAX_ATTEMPTS must be at least 1" in result.stderr
