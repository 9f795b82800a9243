"""A real SMTP server on loopback (aiosmtpd) for tests that send through Django's SMTP backend.

Use it in a test module or conftest with `from tests.smtp import smtp_server`; the
fixture points `settings.MAILERS` at the server and gives the received messages.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server received: parsed messages and the envelope recipients."""

    def __init__(self):
        self._lock = threading.Lock()
        self.received = []  # (recipients, message)
        self.port = None
        self.refuse = set()  # recipients answered with 550
        self.peers = set()  # the client end of each connection that delivered mail

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), message))
            self.peers.add(session.peer)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        with self._lock:
            return [message for _rcpt, message in self.received]

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def connections(self) -> int:
        """How many connections delivered the received mail."""
        with self._lock:
            return len(self.peers)

    def to(self, address: str):
        return [
            m for rcpt, m in list(self.received) if address.lower() in (r.lower() for r in rcpt)
        ]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.02)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text_of(message))


@contextmanager
def running_smtp_server():
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings):
    """Mail from Django goes to a real SMTP server on 127.0.0.1; yields its Inbox."""
    with running_smtp_server() as inbox:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": inbox.port, "timeout": 10},
            }
        }
        yield inbox


class SwitchableSmtpServer:
    """A loopback SMTP server that a test stops and starts again on the same port."""

    def __init__(self):
        self.inbox = Inbox()
        self.inbox.port = free_port()
        self._controller = None

    @property
    def port(self) -> int:
        return self.inbox.port

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server_down(settings):
    """Django's SMTP backend pointed at a loopback port where the server is stopped;
    `.start()` brings it up there, `.inbox` holds what it received."""
    server = SwitchableSmtpServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    try:
        yield server
    finally:
        server.stop()
