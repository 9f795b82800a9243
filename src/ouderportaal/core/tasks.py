"""Background work of the core: delivering the outbox, run by `ouderportaal db_worker`."""

from __future__ import annotations

from django.tasks import task

from ouderportaal.core import mail


@task()
def deliver_mail(mail_id: int) -> str:
    return mail.deliver(mail_id)
