"""Daily summary of new and overdue change requests to each school's administration.

Run once a day from cron, for example at 07:00:
    0 7 * * 1-5  ouderportaal send-request-summaries --base-url https://ouders.example.nl
A school gets at most one summary per day, and none when there is nothing to report.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ouderportaal.changerequests.models import ChangeRequest, RequestSettings
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.core.models import School


class Command(BaseCommand):
    help = "Mail each school's administration a summary of new and overdue change requests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.PORTAL_URL,
            help="Address of the portal for the link in the mail (default: $PORTAL_URL).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Send even when a school already had its summary today.",
        )

    def handle(self, *args, base_url: str, force: bool, **options):
        now = timezone.now()
        today = timezone.localdate(now)
        sent = skipped = 0
        for school in School.objects.order_by("name"):
            settings = RequestSettings.for_school(school)
            if not settings.summary_enabled:
                continue
            last = settings.last_summary_at
            if last is not None and timezone.localdate(last) == today and not force:
                continue
            since = last or now - timedelta(days=1)
            open_requests = ChangeRequest.objects.filter(school=school).open()
            new = list(
                open_requests.filter(created_at__gt=since)
                .select_related("student")
                .order_by("created_at", "pk")
            )
            overdue = list(
                open_requests.overdue(today).select_related("student").order_by("due_on", "pk")
            )
            if not new and not overdue:
                skipped += 1
                continue
            queue_path = reverse("requestsadmin:queue", kwargs={"school": school.slug})
            queue_url = f"{base_url.rstrip('/')}{queue_path}" if base_url else ""
            # The mail and the note that it went out are one transaction: a summary is
            # queued once a day, and the outbox retries it while the server is down.
            with transaction.atomic():
                send_templated_mail(
                    to=settings.summary_address,
                    template="changerequests/mail/summary",
                    context={
                        "new_requests": new,
                        "overdue_requests": overdue,
                        "queue_url": queue_url,
                    },
                    language="nl",
                    school=school,
                )
                settings.last_summary_at = now
                settings.save()
            sent += 1
        self.stdout.write(f"Summaries sent: {sent}; schools with nothing to report: {skipped}.")
