from django.core.management.base import BaseCommand

from ouderportaal.notifications.services import deliver_due


class Command(BaseCommand):
    help = (
        "Mail parents the notifications that are due (after quiet hours, at the daily "
        "mail's time). The worker does this at each moment by itself; this is for a task "
        "backend without delayed tasks."
    )

    def handle(self, *args, **options):
        sent = deliver_due()
        self.stdout.write(f"{sent} mail(s) queued")
