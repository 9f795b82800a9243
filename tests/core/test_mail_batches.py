"""Mail queued in bulk (a release's notifications) goes out in batches: over one
connection to the mail server per run of the delivery task, each mail exactly once,
each with its own retries.

Uses the production queue (django-tasks-db), `db_worker --batch` in-process and a
real SMTP server on loopback.
"""

import time
from collections import Counter

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from ouderportaal.core.models import OutgoingMail
from ouderportaal.core.tasks import deliver_mails
from ouderportaal.schoolcontrol.tasks import record_effects
from tests.core.test_mail_outage import database_queue, queued_ids, received_ids, run_worker
from tests.factories import StudentFactory, make_parent
from tests.schoolcontrol.helpers import lvs_result, moment, release
from tests.smtp import smtp_server, smtp_server_down, text_of

__all__ = ["database_queue", "smtp_server", "smtp_server_down"]  # fixtures

NAMES = ["Daan", "Mila", "D'Angelo", "Zoë", "Liam"]


@pytest.fixture
def release_day(world):
    """Results of 5A released at 08:00 for five more children, each with a parent of
    their own; at 08:00 (outside quiet hours) their parents are mailed."""
    parents = {}
    for name in NAMES:
        pupil = StudentFactory(school=world.school, group=world.group, roepnaam=name)
        parents[name] = make_parent([pupil], email=f"ouder.{len(parents)}@example.nl")
        lvs_result(pupil, entered_at=moment(2027, 2, 1, 10))
    release(world.school, world.group.school_year, "M", moment(2027, 2, 12, 8))
    with time_machine.travel(moment(2027, 2, 12, 8), tick=True):
        yield parents


def release_takes_effect(world):
    record_effects.call(world.school.pk)
    run_worker()


def test_a_release_goes_out_over_one_connection_each_mail_once(
    transactional_db, world, database_queue, smtp_server, release_day
):
    release_takes_effect(world)
    run_worker()  # nothing is left to send a second time

    assert smtp_server.count() == len(NAMES)
    assert smtp_server.connections() == 1
    assert received_ids(smtp_server) == Counter(dict.fromkeys(queued_ids(), 1))
    assert set(OutgoingMail.objects.values_list("state", flat=True)) == {"sent"}
    # Rendered once, filled in per parent: each mail names that parent's own child.
    for name, parent in release_day.items():
        (message,) = smtp_server.to(parent.email)
        text = text_of(message)
        assert name in text
        assert not any(other in text for other in NAMES if other != name)
    html = smtp_server.to(release_day["D'Angelo"].email)[0].get_body(("html",)).get_content()
    assert "D&#x27;Angelo" in html and "D'Angelo" not in html


def test_a_refused_address_fails_alone_in_its_batch(
    transactional_db, world, database_queue, smtp_server, release_day
):
    refused = release_day["Mila"].email
    smtp_server.refuse.add(refused)
    release_takes_effect(world)

    assert smtp_server.count() == len(NAMES) - 1 and not smtp_server.to(refused)
    assert smtp_server.connections() == 1
    failed = OutgoingMail.objects.get(state=OutgoingMail.State.FAILED)
    assert failed.refused and failed.attempts == 1
    assert OutgoingMail.objects.filter(state=OutgoingMail.State.SENT).count() == len(NAMES) - 1


def test_a_batch_that_cannot_reach_the_server_is_retried_whole_and_sent_once(
    transactional_db, world, database_queue, smtp_server_down, release_day
):
    server = smtp_server_down
    release_takes_effect(world)  # the mail server is down: nothing is lost

    mails = list(OutgoingMail.objects.all())
    assert len(mails) == len(NAMES)
    assert {(mail.state, mail.attempts) for mail in mails} == {(OutgoingMail.State.QUEUED, 1)}
    # One retry for the whole batch, at the time its mails are due again.
    (retry,) = DBTaskResult.objects.filter(task_path=deliver_mails.module_path, status="READY")
    assert sorted(retry.args_kwargs["args"][0]) == sorted(mail.pk for mail in mails)

    server.start()
    time.sleep(1.1)  # the first retry is due after MAIL_RETRY_SECONDS
    run_worker()
    run_worker()

    assert received_ids(server.inbox) == Counter(dict.fromkeys(queued_ids(), 1))
    assert server.inbox.connections() == 1
    assert {(mail.state, mail.attempts) for mail in OutgoingMail.objects.all()} == {("sent", 2)}
