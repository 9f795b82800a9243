"""All mail leaves through `send_templated_mail`.

Each mail has three templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`,
rendered in the recipient's language. Mail is sent as the installation's sender with
the school's portal mailbox as Reply-To, with Date and Message-ID, plain text plus HTML
and no tracking or shortened links: what spam filters look for.
"""

from __future__ import annotations

import logging
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def build_message(
    *, to: str, template: str, context: dict, language: str = "nl", school=None
) -> EmailMultiAlternatives:
    context = {**context, "school": school}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    from_name, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((school.name if school is not None else from_name, from_address))
    domain = from_address.rpartition("@")[2] or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[to],
        reply_to=[school.portal_email] if school is not None else None,
        headers={
            "Message-ID": make_msgid(domain=domain),
            "Date": formatdate(localtime=True),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(
    *, to: str, template: str, context: dict, language: str = "nl", school=None
) -> bool:
    """Send one mail. Returns True when the mail server accepted it.

    Failures are logged without the address or content, so no personal data ends up
    in the log.
    """
    message = build_message(
        to=to, template=template, context=context, language=language, school=school
    )
    try:
        return message.send() == 1
    except OSError as error:
        logger.warning("mail %s not accepted: %s", template, type(error).__name__)
        return False
