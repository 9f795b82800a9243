"""All mail leaves through `send_templated_mail`, by way of the outbox.

Each mail has three templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`,
rendered in the recipient's language. Mail is sent as the installation's sender with
the school's portal mailbox as Reply-To, with Date and Message-ID, plain text plus HTML
and no tracking or shortened links: what spam filters look for.

A mail is rendered when it is queued and kept as an `OutgoingMail` row, written in the
caller's transaction: when the caller's work is rolled back, so is its mail. A
background task (`core.tasks.deliver_mail`, or `deliver_mails` for mail queued in bulk)
sends it after the commit, over one connection to the mail server per run. The task
claims each row with a conditional UPDATE before it contacts the mail server, so a mail
is sent once; when the server cannot be reached the mail is tried again later, each wait twice
as long as the one before (`MAIL_RETRY_SECONDS`), up to `MAIL_MAX_ATTEMPTS` attempts.
A mail the server refuses, or that still could not be delivered after the last attempt,
is marked failed; `mail_finished` tells the app that queued it. Once a mail is sent or
has failed its content is erased; the row keeps its Message-ID, template and times.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from ouderportaal.core import queue
from ouderportaal.core.models import OutgoingMail

logger = logging.getLogger(__name__)

# Sent inside the transaction that marks a mail sent or failed, with `mail` (the
# OutgoingMail) and `sent` (True when the mail server accepted it).
mail_finished = Signal()

# The longest wait between two attempts.
MAX_RETRY_DELAY = timedelta(hours=1)


def with_school_header(html: str, school) -> str:
    """The mail's HTML with the school's name, logo and colour as a bar at the top."""
    if school is None:
        return html
    from ouderportaal.core import branding

    look = branding.branding_of(school)
    logo_url = ""
    if look is not None and look.has_logo and settings.PORTAL_URL:
        path = reverse("school_logo", kwargs={"school": school.slug})
        logo_url = f"{settings.PORTAL_URL.rstrip('/')}{path}?v={look.version}"
    header = render_to_string(
        "core/mail_header.html",
        {"school": school, "accent": branding.accent_of(school), "logo_url": logo_url},
    )
    opening = re.search(r"<body[^>]*>", html, flags=re.IGNORECASE)
    if opening is None:
        return html
    return html[: opening.end()] + header + html[opening.end() :]


@dataclass(frozen=True)
class RenderedMail:
    """A mail's subject, plain text and HTML (with the school's header), in one language."""

    subject: str
    text: str
    html: str

    def fill(self, slot: str, value: str) -> RenderedMail:
        """Put `value` where the template rendered `slot`: as is in the subject and the
        plain text, escaped in the HTML (for a mail rendered once for many people)."""
        return RenderedMail(
            self.subject.replace(slot, value),
            self.text.replace(slot, value),
            self.html.replace(slot, str(escape(value))),
        )


def render_mail(*, template: str, context: dict, language: str = "nl", school=None) -> RenderedMail:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language`."""
    context = {**context, "school": school}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = with_school_header(render_to_string(f"{template}.html", context), school)
    return RenderedMail(subject, text, html)


def compose_message(
    *, to: str, rendered: RenderedMail, school=None, headers: dict | None = None
) -> EmailMultiAlternatives:
    """A rendered mail as a message from the school; `headers` adds headers such as
    List-Unsubscribe (RFC 8058)."""
    from_name, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((school.name if school is not None else from_name, from_address))
    domain = from_address.rpartition("@")[2] or "localhost"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender,
        to=[to],
        reply_to=[school.portal_email] if school is not None else None,
        headers={
            "Message-ID": make_msgid(domain=domain),
            "Date": formatdate(localtime=True),
            "Auto-Submitted": "auto-generated",
            **(headers or {}),
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def build_message(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "nl",
    school=None,
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    """Render one mail; `headers` adds headers such as List-Unsubscribe (RFC 8058)."""
    rendered = render_mail(template=template, context=context, language=language, school=school)
    return compose_message(to=to, rendered=rendered, school=school, headers=headers)


def _serialise(message: EmailMultiAlternatives) -> dict:
    return {
        "subject": message.subject,
        "body": message.body,
        "html": [alt.content for alt in message.alternatives if alt.mimetype == "text/html"],
        "from_email": message.from_email,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
    }


def _deserialise(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        reply_to=data["reply_to"] or None,
        headers=data["headers"],
    )
    for html in data["html"]:
        message.attach_alternative(html, "text/html")
    return message


def queue_mail(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "nl",
    school=None,
    headers: dict | None = None,
) -> OutgoingMail:
    """Render one mail into the outbox and queue its delivery; returns the outbox row."""
    message = build_message(
        to=to,
        template=template,
        context=context,
        language=language,
        school=school,
        headers=headers,
    )
    with transaction.atomic():
        mail = _outbox_row(message, school, template, timezone.now())
        mail.save()
        _enqueue_delivery(mail.pk)
    return mail


def _outbox_row(message: EmailMultiAlternatives, school, template: str, now) -> OutgoingMail:
    """The outbox row of a composed mail, due at once (not saved)."""
    return OutgoingMail(
        template=template[:120],
        school=school,
        message=_serialise(message),
        message_id=message.extra_headers["Message-ID"],
        created_at=now,
        next_attempt_at=now,
    )


# Mails one run of the delivery task sends over one connection to the mail server.
DELIVERY_BATCH = 100


def queue_messages(messages: list[tuple[EmailMultiAlternatives, object]], *, template: str):
    """Put many composed mails (with their school) in the outbox at once and queue their
    delivery in batches; returns the outbox rows, in the order given."""
    now = timezone.now()
    with transaction.atomic():
        mails = OutgoingMail.objects.bulk_create(
            _outbox_row(message, school, template, now) for message, school in messages
        )
        ids = [mail.pk for mail in mails]
        for start in range(0, len(ids), DELIVERY_BATCH):
            _enqueue_batch(ids[start : start + DELIVERY_BATCH])
    return mails


def send_templated_mail(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "nl",
    school=None,
    headers: dict | None = None,
) -> bool:
    """Queue one mail for sending; returns True once it is in the outbox.

    Called inside a transaction, the mail is part of it: it is sent only after the
    commit, and not at all when the transaction is rolled back.
    """
    queue_mail(
        to=to,
        template=template,
        context=context,
        language=language,
        school=school,
        headers=headers,
    )
    return True


def _enqueue_delivery(mail_id: int, run_after=None) -> None:
    from ouderportaal.core.tasks import deliver_mail

    # Without delayed tasks a retry stays queued with its next attempt time:
    # `send-queued-mail` picks it up.
    queue.enqueue(deliver_mail, mail_id, run_after=run_after)


def _enqueue_batch(mail_ids: list[int], run_after=None) -> None:
    from ouderportaal.core.tasks import deliver_mails

    queue.enqueue(deliver_mails, mail_ids, run_after=run_after)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: doubling, at most an hour."""
    first = timedelta(seconds=settings.MAIL_RETRY_SECONDS)
    return min(first * 2 ** max(attempts - 1, 0), max(MAX_RETRY_DELAY, first))


def _is_permanent(error: Exception) -> bool:
    """A refusal by the mail server (5xx): trying again will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(
        error, smtplib.SMTPAuthenticationError
    ):
        return error.smtp_code >= 500
    return False


def _error_name(error: Exception) -> str:
    code = getattr(error, "smtp_code", None)
    name = type(error).__name__
    return f"{name} {code}"[:80] if code else name[:80]


def _connection_lost(error: Exception) -> bool:
    """The connection to the mail server failed, not this one mail: the rest of the
    batch would fail the same way."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def deliver(mail_id: int) -> str:
    """Send one queued mail that is due, at most once; returns the mail's state after."""
    return deliver_many([mail_id]).get(mail_id, "not-due")


def _claim(mail_ids, now) -> list[int]:
    """Claim each due mail with a conditional UPDATE (queued → sending), in one
    transaction; a mail another run claimed, sent or is not due yet is left alone."""
    State = OutgoingMail.State
    with transaction.atomic():
        return [
            mail_id
            for mail_id in mail_ids
            if OutgoingMail.objects.filter(
                pk=mail_id, state=State.QUEUED, next_attempt_at__lte=now
            ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        ]


def deliver_many(mail_ids) -> dict[int, str]:
    """Send the due mails among `mail_ids` over one connection to the mail server, each
    at most once; returns the state after of each mail this run claimed.

    Each mail keeps its own attempts and retry time: a mail the server refuses fails
    alone; when the connection is lost, the mails not yet sent wait for their next
    attempt (queued again together, one task per retry time).
    """
    claimed = _claim(list(mail_ids), timezone.now())
    if not claimed:
        return {}
    mails = OutgoingMail.objects.in_bulk(claimed)
    states: dict[int, str] = {}
    retries: list = []
    lost = ""
    connection = mailers.default
    try:
        try:
            # Opened here, the connection stays open for every mail of the batch.
            connection.open()
        except Exception as error:  # noqa: BLE001 - the mails wait for their next attempt
            lost = _error_name(error)
        for mail_id in claimed:
            mail = mails[mail_id]
            if lost:
                states[mail_id] = _retry_later(mail, lost, retries)
                continue
            try:
                accepted = connection.send_messages([_deserialise(mail.message)]) == 1
            except Exception as error:  # noqa: BLE001 - every failure is recorded, none is lost
                permanent = _is_permanent(error)
                if permanent or mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                    states[mail_id] = _finish(
                        mail, sent=False, error=_error_name(error), refused=permanent
                    )
                else:
                    states[mail_id] = _retry_later(mail, _error_name(error), retries)
                if _connection_lost(error):
                    lost = _error_name(error)
                    _close_quietly(connection)
                continue
            if accepted:
                states[mail_id] = _finish(mail, sent=True)
            else:
                states[mail_id] = _finish(
                    mail, sent=False, error="no recipient accepted", refused=True
                )
    finally:
        _close_quietly(connection)
        if retries:
            _queue_retries(retries, timezone.now())
    return states


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that is gone needs no closing
        logger.debug("closing the mail connection failed", exc_info=True)


def _retry_later(mail: OutgoingMail, error: str, retries: list) -> str:
    """Keep the mail for its next attempt (`_queue_retries` queues it), or mark it
    failed after its last attempt."""
    if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
        return _finish(mail, sent=False, error=error)
    retries.append((mail, error))
    return OutgoingMail.State.QUEUED


def _queue_retries(retries: list, now) -> None:
    """Put mails that could not be delivered back in the queue, each waiting by its own
    number of attempts, and queue one task per retry time (in the same transaction)."""
    State = OutgoingMail.State
    by_time: dict = {}
    with transaction.atomic():
        for mail, error in retries:
            next_attempt = now + retry_delay(mail.attempts)
            OutgoingMail.objects.filter(pk=mail.pk, state=State.SENDING).update(
                state=State.QUEUED, next_attempt_at=next_attempt, last_error=error
            )
            by_time.setdefault(next_attempt, []).append(mail.pk)
            logger.warning(
                "mail %s (%s) not delivered, attempt %d of %d: %s; next attempt at %s",
                mail.pk,
                mail.template,
                mail.attempts,
                settings.MAIL_MAX_ATTEMPTS,
                error,
                next_attempt.isoformat(timespec="seconds"),
            )
        for next_attempt, ids in by_time.items():
            _enqueue_batch(ids, run_after=next_attempt)


def _finish(mail: OutgoingMail, *, sent: bool, error: str = "", refused: bool = False) -> str:
    State = OutgoingMail.State
    final = State.SENT if sent else State.FAILED
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=mail.pk, state=State.SENDING).update(
            state=final, finished_at=timezone.now(), last_error=error, refused=refused, message={}
        )
        mail.state, mail.last_error, mail.refused = final, error, refused
        mail_finished.send(sender=OutgoingMail, mail=mail, sent=sent)
    if sent:
        logger.info("mail %s (%s) sent", mail.pk, mail.template)
    else:
        logger.error(
            "mail %s (%s) failed after %d attempt(s): %s",
            mail.pk,
            mail.template,
            mail.attempts,
            error,
        )
    return final


def due_mail_ids() -> list[int]:
    return list(
        OutgoingMail.objects.filter(
            state=OutgoingMail.State.QUEUED, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
