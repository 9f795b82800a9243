"""Mail is never lost: with the mail server down every mail waits in the outbox and
arrives exactly once when the server is back.

Uses the production queue (django-tasks-db) and runs `ouderportaal db_worker --batch`
in-process against a real SMTP server on loopback that the test stops and starts.
"""

import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils.connection import Local

from ouderportaal.accounts.models import AccountMailItem, GuardianAccountMail
from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core.models import OutgoingMail
from ouderportaal.helpdesk.forms import CannotLogInForm
from ouderportaal.helpdesk.models import AppointmentRequest
from tests.changerequests.conftest import child_form
from tests.factories import GuardianFactory, LinkFactory, StudentFactory


def _reset_task_backends():
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(False)


@pytest.fixture
def database_queue(settings):
    """The production task backend: tasks are rows, run by `db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_SECONDS = 1
    settings.HELPDESK_FORM_MIN_SECONDS = 0
    _reset_task_backends()
    yield
    _reset_task_backends()


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", stdout=StringIO())


def received_ids(inbox) -> Counter:
    return Counter(message["Message-ID"] for message in inbox.messages)


def queued_ids() -> set[str]:
    return set(OutgoingMail.objects.values_list("message_id", flat=True))


def do_everything_that_mails(client, world):
    # A change request, decided by the administration: mail to the parent.
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, city="Zeist"),
    )
    request = ChangeRequest.objects.get()
    detail = reverse("requestsadmin:detail", args=[world.school.slug, request.pk])
    client.force_login(world.staff)
    token = client.get(detail).context["token"]
    client.post(detail, {"action": "accept", "accept": ["city"], "reason": "", "token": token})
    request.refresh_from_db()
    assert request.status == "processed"
    # An open request for the daily summary.
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.sibling.public_id]),
        child_form(world.sibling, city="Bunnik"),
    )
    # An appointment: the request to the teacher, the answer to the parent.
    client.post(
        reverse("helpdesk:appointments", kwargs={"student": world.child.public_id}),
        {"subject": "Rekenen", "preferred_times": "dinsdag"},
    )
    appointment = AppointmentRequest.objects.get()
    client.force_login(world.teacher)
    client.post(
        reverse(
            "helpdeskadmin:appointment",
            kwargs={"school": world.school.slug, "appointment": appointment.public_id},
        ),
        {"answer": "Dinsdag om half vier kan.", "proposed_time": ""},
    )
    client.logout()
    # "Ik kan niet inloggen" to the school's mailbox.
    client.post(
        reverse("helpdesk:cannot_log_in", kwargs={"school": world.school.slug}),
        {
            "name": "Jeroen de Vries",
            "email": "jeroen@example.nl",
            "children": "Sanne, groep 5",
            "message": "Mijn wachtwoord klopt niet.",
            "website": "",
            "started": CannotLogInForm().initial["started"],
        },
    )
    # A forgotten password and a forgotten username.
    client.post(reverse("accounts:forgot_password"), {"login": "JdeVries"})
    client.post(reverse("accounts:forgot_username"), {"email": world.other_parent.email})
    # Account mail for a new guardian.
    pupil = StudentFactory(school=world.school, group=world.group)
    guardian = GuardianFactory(school=world.school, email="fatima@example.nl")
    LinkFactory(guardian=guardian, student=pupil)
    client.force_login(world.staff)
    client.post(
        reverse(
            "accountadmin:guardian", kwargs={"school": world.school.slug, "guardian": guardian.pk}
        )
    )
    # The daily summary, from cron.
    call_command(
        "send-request-summaries", "--base-url", "https://ouders.example.nl", stdout=StringIO()
    )
    return guardian


EXPECTED_TEMPLATES = Counter(
    {
        "changerequests/mail/decision": 1,
        "changerequests/mail/summary": 1,
        "helpdesk/mail/appointment_request": 1,
        "helpdesk/mail/appointment_answer": 1,
        "helpdesk/mail/cannot_log_in": 1,
        "accounts/mail/password_reset": 1,
        "accounts/mail/username_reminder": 1,
        "accounts/mail/account_mail": 1,
    }
)


def test_mail_queued_while_the_server_is_down_arrives_exactly_once(
    transactional_db, world, client, database_queue, smtp_server_down
):
    server = smtp_server_down
    guardian = do_everything_that_mails(client, world)
    assert server.inbox.count() == 0

    run_worker()  # the mail server is down: every attempt fails, nothing is lost
    mails = list(OutgoingMail.objects.all())
    assert Counter(mail.template for mail in mails) == EXPECTED_TEMPLATES
    assert {(mail.state, mail.attempts) for mail in mails} == {(OutgoingMail.State.QUEUED, 1)}
    assert all(mail.last_error for mail in mails)
    item = AccountMailItem.objects.get(guardian=guardian)
    assert item.state == AccountMailItem.State.SENDING
    page = client.get(
        reverse("accountadmin:batch", kwargs={"school": world.school.slug, "batch": item.batch_id})
    ).content.decode()
    assert "Mailserver niet bereikbaar" in page

    server.start()
    time.sleep(1.1)  # the first retry is due after MAIL_RETRY_SECONDS
    run_worker()
    run_worker()  # nothing is left to send a second time

    assert received_ids(server.inbox) == Counter(dict.fromkeys(queued_ids(), 1))
    assert server.inbox.count() == sum(EXPECTED_TEMPLATES.values())
    assert set(OutgoingMail.objects.values_list("state", flat=True)) == {"sent"}
    assert len(server.inbox.to("fatima@example.nl")) == 1
    item.refresh_from_db()
    assert item.state == AccountMailItem.State.SENT
    assert GuardianAccountMail.objects.get(guardian=guardian).accepted is True
