"""Record in the audit trail the releases and closed periods that have taken effect.

The portal queues this work for the moment each release or period end is due; this
command catches up with anything the queue missed (a queue cleared by hand, a task
backend without delayed tasks). Safe to run at any time, for example daily from cron:
    5 0 * * *  ouderportaal record-effects
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ouderportaal.core.models import School
from ouderportaal.schoolcontrol import services


class Command(BaseCommand):
    help = "Record releases and closed periods that have taken effect (each once)."

    def handle(self, *args, **options):
        recorded = sum(services.audit_effects(school) for school in School.objects.order_by("pk"))
        self.stdout.write(f"{recorded} effects recorded.\n")
