"""Send every mail in the outbox whose (next) attempt is due.

The worker does this by itself; this command is for a task backend without delayed
tasks, and to pick up mail after the queue was cleared by hand.
"""

from django.core.management.base import BaseCommand

from ouderportaal.core import mail


class Command(BaseCommand):
    help = "Sends the queued mail whose attempt is due."

    def handle(self, *args, **options):
        due = mail.due_mail_ids()
        states = []
        for start in range(0, len(due), mail.DELIVERY_BATCH):
            states += mail.deliver_many(due[start : start + mail.DELIVERY_BATCH]).values()
        sent = states.count("sent")
        self.stdout.write(
            f"Mail sent: {sent}; to be tried again: {states.count('queued')}; "
            f"failed: {states.count('failed')}."
        )
