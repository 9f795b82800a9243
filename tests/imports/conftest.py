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
    """Run an import command; returns (stdout, stderr).

    EDEXML imports run with --force: the sample files are for fixed, past school years
    and these tests are about what is read and written. The safeguards that --force
    passes are tested in test_safeguards.py.
    """
    from io import StringIO

    if command == "import-edexml":
        extra = ("--force", *extra)

    out, err = StringIO(), StringIO()
    call_command(command, "--school", brin, str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
