"""Delete personal data whose term has passed (daily, from cron)."""

from django.core.management.base import BaseCommand

from ouderportaal.privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Deletes pupils, logs and other data whose retention term has passed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the counts; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = apply_retention(dry_run=dry_run)
        heading = "Would delete" if dry_run else "Deleted"
        if not any(counts.values()):
            self.stdout.write(f"{heading}: nothing.")
            return
        self.stdout.write(f"{heading}:")
        for key, value in counts.items():
            if value:
                self.stdout.write(f"  {key}: {value}")
