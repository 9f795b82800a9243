"""Notification tests send through a real SMTP server on loopback, and their mails link
to the portal's address."""

import pytest

from tests.smtp import smtp_server  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_URL = "https://ouders.example.nl"
