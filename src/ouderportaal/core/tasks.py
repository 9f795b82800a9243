"""Background work of the core: delivering the outbox, run by `ouderportaal db_worker`."""

from __future__ import annotations

from django.tasks import task

from ouderportaal.core import mail


@task()
def deliver_mail(mail_id: int) -> str:
    return mail.deliver(mail_id)


@task()
def deliver_mails(mail_ids: list[int]) -> dict:
    """Send these outbox mails over one connection (those still queued and due)."""
    states = mail.deliver_many(mail_ids)
    return {state: list(states.values()).count(state) for state in set(states.values())}
