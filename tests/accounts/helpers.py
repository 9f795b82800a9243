import re

from django.core import mail

LINK = re.compile(r"https?://[^\s<>\"]+/account/wachtwoord-instellen/[^\s<>\"]+/")


def set_password_links(message=None) -> list[str]:
    messages = [message] if message is not None else mail.outbox
    return [link for m in messages for link in LINK.findall(m.body)]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def mails_to(address: str):
    return [m for m in mail.outbox if address in m.to]
