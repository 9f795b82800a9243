"""`ouderportaal send-request-summaries`: the administration's daily mail."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command

from ouderportaal.changerequests import services
from ouderportaal.changerequests.models import RequestSettings

AMS = ZoneInfo("Europe/Amsterdam")


def _run(*args):
    out = StringIO()
    call_command("send-request-summaries", *args, stdout=out)
    return out.getvalue()


def test_new_and_overdue_requests_are_summarised_once_a_day(world, freeze):
    freeze(datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    overdue = services.submit(
        user=world.parent, student=world.child, guardian=None, changes={"city": "Zeist"}
    )
    freeze(datetime(2026, 3, 16, 8, 0, tzinfo=AMS))
    services.submit(
        user=world.parent, student=world.sibling, guardian=None, changes={"city": "Bunnik"}
    )
    freeze(datetime(2026, 3, 17, 7, 0, tzinfo=AMS))
    output = _run("--base-url", "https://ouders.example.nl/")
    assert "Summaries sent: 1" in output
    (message,) = mail.outbox
    assert message.to == [world.school.portal_email]
    assert "1 nieuw, 1 te laat" in message.subject
    assert "Thijs" in message.body and "Sanne" in message.body
    assert "https://ouders.example.nl/beheer/de-ark/wijzigingsverzoeken/" in message.body
    # Values the parent proposed are not in the mail.
    assert "Zeist" not in message.body and "Bunnik" not in message.body
    assert overdue.due_on.isoformat() == "2026-03-09"
    # A second run on the same day sends nothing.
    _run()
    assert len(mail.outbox) == 1
    # Next day: nothing new, the overdue one is still listed.
    freeze(datetime(2026, 3, 18, 7, 0, tzinfo=AMS))
    _run()
    assert len(mail.outbox) == 2
    assert "0 nieuw, 1 te laat" in mail.outbox[1].subject


def test_switched_off_or_nothing_to_report_sends_nothing(world, freeze):
    freeze(datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    _run()
    assert mail.outbox == []
    RequestSettings.objects.create(school=world.school, summary_enabled=False)
    services.submit(
        user=world.parent, student=world.child, guardian=None, changes={"city": "Zeist"}
    )
    _run()
    assert mail.outbox == []


def test_the_school_chooses_the_address(world, freeze):
    RequestSettings.objects.create(school=world.school, summary_email="admin@de-ark.example.nl")
    freeze(datetime(2026, 3, 2, 9, 0, tzinfo=AMS))
    services.submit(
        user=world.parent, student=world.child, guardian=None, changes={"city": "Zeist"}
    )
    freeze(datetime(2026, 3, 3, 7, 0, tzinfo=AMS))
    _run()
    assert mail.outbox[0].to == ["admin@de-ark.example.nl"]
