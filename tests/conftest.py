"""Shared fixtures: a small world of two schools and the people in it."""

from dataclasses import dataclass

import pytest
from django.core.management.base import BaseCommand
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from ouderportaal.accounts import flow
from ouderportaal.core.models import Custody
from tests.factories import (
    GroupFactory,
    SchoolFactory,
    StaffFactory,
    StudentFactory,
    UserFactory,
    make_parent,
)
from tests.oncommit import committing

# Hypothesis profiles (choose with --hypothesis-profile=NAME):
# - "ci" (the default): a fixed seed, so that a run decides the same way every time;
# - "random": new random examples each run; scripts/test runs the property tests this
#   way as a separate step that reports but does not decide;
# - "fuzz": a long run of the fuzz tests (tests/fuzz) with many more examples.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, max_examples=200)
hypothesis_settings.register_profile("random", derandomize=False, database=None, print_blob=True)
hypothesis_settings.register_profile(
    "fuzz", derandomize=False, database=None, max_examples=3000, deadline=None
)
hypothesis_settings.load_profile("ci")

_plain_login = Client._login


def _login_through_the_portal(self, user, backend=None):
    """`force_login` as if the portal's login had completed (accounts.flow).

    The portal ends every logged-in session without that mark (LoginSessionMiddleware);
    tests that check exactly that use `login_without_portal_flow`.
    """
    _plain_login(self, user, backend)
    session = self.session
    session[flow.LOGIN_MARK] = flow.login_mark(user, second_factor=flow.has_totp(user))
    session.save()


def login_without_portal_flow(client, user):
    """A session made by Django's own login(), not by the portal's login flow."""
    _plain_login(client, user, None)


Client._login = _login_through_the_portal


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back test may leave data kept for a
    school whose id and version the next test's school gets again."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """Each test starts in the default language, Dutch."""
    translation.activate("nl")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _commit_after_each_request(monkeypatch):
    """Run on-commit work at the end of each request and each command.

    In production a request or command commits when it ends, and then its queued mail
    goes out. A test runs inside one transaction that is rolled back, so nothing would
    ever commit; this runs what was waiting for the commit (what a rolled-back savepoint
    registered is dropped, as in production) when each request or command ends.
    """
    request, execute = Client.request, BaseCommand.execute

    def committing_request(self, **kwargs):
        with committing():
            return request(self, **kwargs)

    def committing_execute(self, *args, **options):
        with committing():
            return execute(self, *args, **options)

    monkeypatch.setattr(Client, "request", committing_request)
    monkeypatch.setattr(BaseCommand, "execute", committing_execute)


@dataclass
class World:
    school: object
    other_school: object
    group: object
    child: object
    sibling: object
    other_child: object
    parent: object
    other_parent: object
    info_only: object
    staff: object
    other_staff: object
    teacher: object


@pytest.fixture
def world(db):
    """Two schools. `parent` has gezag over `child` and `sibling` at `school`.

    `other_parent` has gezag over `other_child` (same school); `info_only` has only
    informatierecht for `child`; `staff` works at `school` with every role, `teacher`
    only teaches `group`; `other_staff` works at `other_school`.
    """
    school = SchoolFactory(name="KBS De Ark", slug="de-ark")
    other_school = SchoolFactory(name="OBS Elders", slug="elders")
    group = GroupFactory(school=school, name="5A", jaargroep="5")
    child = StudentFactory(
        school=school, group=group, roepnaam="Sanne", achternaam="Vries", voorvoegsel="de"
    )
    sibling = StudentFactory(
        school=school, group=group, roepnaam="Thijs", achternaam="Vries", voorvoegsel="de"
    )
    other_child = StudentFactory(school=school, group=group, roepnaam="Noor")
    parent = make_parent([child, sibling], username="JdeVries")
    other_parent = make_parent([other_child], username="PBakker")
    info_only = make_parent([child], username="EVisser", custody=Custody.INFORMATIERECHT)
    staff = StaffFactory(school=school, user=UserFactory(username="directie"))
    teacher = StaffFactory(
        school=school,
        user=UserFactory(username="juf.anna"),
        is_administration=False,
        is_portal_manager=False,
    )
    group.teachers.add(teacher)
    other_staff = StaffFactory(school=other_school, user=UserFactory(username="elders.admin"))
    return World(
        school=school,
        other_school=other_school,
        group=group,
        child=child,
        sibling=sibling,
        other_child=other_child,
        parent=parent,
        other_parent=other_parent,
        info_only=info_only,
        staff=staff.user,
        other_staff=other_staff.user,
        teacher=teacher.user,
    )
