"""Notification tests send through a real SMTP server on loopback."""

from tests.smtp import smtp_server  # noqa: F401 - a fixture
