"""Send every mail in the outbox whose (next) attempt is due.

The worker does this by itself; this command is for a task backend without delayed
tasks, and to pick up mail after the queue was cleared by hand.
"""

from django.core.management.base import BaseCommand

from ouderportaal.core import mail


class Command(BaseCommand):
    help = "Sends the queued mail whose attempt is due."

    def handle(self, *args, **options):
        states = [mail.deliver(mail_id) for mail_id in mail.due_mail_ids()]
        sent = states.count("sent")
        self.stdout.write(
            f"Mail sent: {sent}; to be tried again: {states.count('queued')}; "
            f"failed: {states.count('failed')}."
        )
