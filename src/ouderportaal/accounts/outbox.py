"""A mailbox for the demo: mail is kept as files so a new user can read it in the portal.

`EMAIL_URL=outbox://` stores every message as an .eml file in DATA_DIR/outbox; with
DEBUG on, /account/demo-post/ shows them. Never used in production.
"""

from __future__ import annotations

import re
import secrets
from email import message_from_bytes, policy
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]{6}-[a-f0-9]{8}\.eml$")


def outbox_dir() -> Path:
    return Path(getattr(settings, "OUTBOX_DIR", settings.DATA_DIR / "outbox"))


class OutboxBackend(BaseEmailBackend):
    def __init__(self, *, directory=None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory) if directory else outbox_dir()

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(4)}.eml"
            (self.directory / name).write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def _summary(path: Path, with_body=False) -> dict:
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    summary = {
        "name": path.name,
        "subject": parsed["Subject"],
        "to": parsed["To"],
        "from": parsed["From"],
        "date": parsed["Date"],
    }
    if with_body:
        part = parsed.get_body(preferencelist=("plain",))
        summary["text"] = part.get_content() if part is not None else ""
        html = parsed.get_body(preferencelist=("html",))
        # Shown in a sandboxed frame (no scripts, its own origin); links open a new tab.
        summary["html"] = '<base target="_blank">' + html.get_content() if html is not None else ""
    return summary


def list_messages(limit: int = 200) -> list[dict]:
    directory = outbox_dir()
    if not directory.is_dir():
        return []
    paths = sorted((p for p in directory.iterdir() if NAME.match(p.name)), reverse=True)
    return [_summary(path) for path in paths[:limit]]


def read_message(name: str) -> dict | None:
    if not NAME.match(name):
        return None
    path = outbox_dir() / name
    if not path.is_file():
        return None
    return _summary(path, with_body=True)
