"""Fixtures for the core tests."""

from tests.smtp import smtp_server_down  # noqa: F401
