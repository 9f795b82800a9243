"""What the notification tests share: a moment on the school calendar and the
schools' scheduled effects run as the queue and the daily catch-up run them."""

import time_machine
from django.core.management import call_command

from ouderportaal.schoolcontrol.tasks import record_effects
from tests.oncommit import committing
from tests.schoolcontrol.helpers import moment


def at(*args):
    return time_machine.travel(moment(*args), tick=False)


def run_effects(*schools):
    with committing():
        for school in schools:
            record_effects.call(school.pk)


def run_again_and_catch_up(*schools):
    """The queued run again and the daily catch-up, twice: repeating them sends nothing
    twice."""
    for _ in range(2):
        run_effects(*schools)
        call_command("record-effects", verbosity=0)
        call_command("send-notifications", verbosity=0)
