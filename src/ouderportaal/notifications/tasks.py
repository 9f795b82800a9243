"""Background work of notifications, run by `ouderportaal db_worker`."""

from __future__ import annotations

from django.tasks import task

from ouderportaal.notifications import services


@task()
def deliver_notifications(user_ids: list[int]) -> int:
    """Mail these parents what is due for them (one mail each). Queued for the moment
    their notifications are due (now, after quiet hours, at the digest time); running
    it again or early sends nothing twice."""
    return services.deliver(user_ids)
