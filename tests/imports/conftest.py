from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import SchoolFactory, StaffFactory, UserFactory

FILES = Path(__file__).parent / "files"


@pytest.fixture
def school(db):
    return SchoolFactory(name="De Voorbeeldschool", slug="voorbeeld", brin="99XX")


@pytest.fixture
def admin(school):
    return StaffFactory(
        school=school,
        user=UserFactory(username="administratie"),
        is_teacher=False,
        is_portal_manager=False,
    ).user


def run_import(command, path, brin="99XX", *extra):
    """Run an import command; returns (stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(command, "--school", brin, str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
