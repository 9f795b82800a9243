import pytest

from tests.smtp import smtp_server  # noqa: F401 - a fixture for this package


@pytest.fixture
def portal_manager(world, client):
    """The client logged in as the school's portal manager."""
    client.force_login(world.staff)
    return client
