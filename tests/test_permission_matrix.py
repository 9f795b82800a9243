"""Every URL of the project, with every persona, by GET and by POST.

Each view declares its access rule (core.access decorators); a view without one fails
here. The expected answer follows from the rule:

- allowed: the rightful person gets the page (2xx, or a redirect that is not to the
  login page; a GET of a POST-only page may answer 405);
- refused: 404 (or 403), and no row of any table changed; an anonymous visitor of a
  non-public page is sent to the login page instead.

Whoever is allowed is then asked for a foreign object under their own school slug or
child: another school's batch, release or guardian in `/beheer/<own school>/...`,
another family's change request under one's own child. That must be refused too, so a
view that forgets to fetch through its school (core.scoping) fails here.

A GET changes nothing: no table changes, the audit trail included. The exceptions are
the read log of the staff preview (`schoolcontrol.preview.viewed`) and the access log of
staff reads (privacy app): who looked at a family's data is recorded on purpose.

The world is built once per module (tests/permissions/world.py); every request runs in
a savepoint that is rolled back, so requests do not see each other's writes.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from http.cookies import SimpleCookie

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.permissions
from ouderportaal.core.models import AuditEvent
from ouderportaal.schoolcontrol.models import Release
from tests.permissions.world import build_world

SKIPPED_NAMESPACES = {"admin"}  # Django's admin: see test_django_admin_is_for_superusers.
PERSONAS = [
    "anonymous",
    "parent",
    "other_parent",
    "info_only",
    "staff",
    "administration",
    "portal_manager",
    "teacher",
    "other_teacher",
    "other_staff",
    "superuser",
]
STAFF_ROLES = {
    "staff": {"administration", "teacher", "portal_manager"},
    "administration": {"administration"},
    "portal_manager": {"portal_manager"},
    "teacher": {"teacher"},
    "other_teacher": {"teacher"},
}
READ_LOG_ACTIONS = {"schoolcontrol.preview.viewed"}
# The visitor's own session is saved on every request; it is not school data.
UNWATCHED_TABLES = {"django_session"}
# Public pages whose right answer, without a login in progress, is the login page.
LEAD_TO_LOGIN = {
    "accounts:login_code",
    "accounts:login_totp_setup",
    "accounts:logout",
    "accounts:passkey_login",
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if ns in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, full)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry


def all_url_names():
    return sorted(dict(_walk(get_resolver().url_patterns)).items())


def _collect(attribute, empty):
    found = empty
    for module_info in pkgutil.iter_modules(tests.permissions.__path__):
        module = importlib.import_module(f"tests.permissions.{module_info.name}")
        found |= getattr(module, attribute, empty)
    return found


URLS = all_url_names()
BUILDERS = _collect("URL_KWARGS", {})
POST_DATA = _collect("POST_DATA", {})
NOT_OBJECTS = _collect("NOT_OBJECTS", set())
ALLOWED_PERSONAS = _collect("ALLOWED_PERSONAS", {})
# Pages about the pupils of a group (their results, appointments, their guardians'
# contact data): a teacher of another group of the same school (`other_teacher`, 7A)
# gets 404 for the family in 5A.
OWN_GROUPS_ONLY = _collect("OWN_GROUPS_ONLY", set())
# Read-only pages (the staff preview of a parent's pages): a POST is refused with 405
# even for whoever may open them, and changes nothing.
GET_ONLY = _collect("GET_ONLY", set())


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction that is rolled back,
    with a logged-in client per persona."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.clients = {persona: _client(world, persona) for persona in PERSONAS}
        yield world
        transaction.set_rollback(True)


# -- Snapshots ----------------------------------------------------------------------

_TABLES: list[str] = []


def _tables() -> list[str]:
    if not _TABLES:
        names = connection.introspection.django_table_names(only_existing=True)
        _TABLES.extend(sorted(set(names) - UNWATCHED_TABLES))
    return _TABLES


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot() -> dict[str, tuple[int, str]]:
    """Per table: the number of rows and a hash of all of them (the world is small)."""
    if connection.vendor == "postgresql":
        return _snapshot_in_one_query()
    state = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - Django's own names
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()
            state[table] = (len(rows), digest)
    return state


def _snapshot_in_one_query() -> dict[str, tuple[int, str]]:
    """The same on PostgreSQL, in one round trip: each row as text, hashed per table."""
    quote = connection.ops.quote_name
    select = "SELECT %s, COUNT(*), MD5(COALESCE(STRING_AGG(t::text, '|' ORDER BY t::text), ''))"
    parts = [f"{select} FROM {quote(table)} t" for table in _tables()]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), _tables())
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


# -- Expectations -------------------------------------------------------------------


def expected_allowed(rule, roles, persona, name=None) -> bool:
    """True when the persona may open the page, False when it must be refused."""
    if name in ALLOWED_PERSONAS:
        return persona in ALLOWED_PERSONAS[name]
    if rule == "public":
        return True
    if persona == "anonymous":
        return False
    if rule == "logged-in":
        return True
    if rule == "child":
        return persona == "parent"
    if rule == "staff":
        if persona == "other_teacher" and name in OWN_GROUPS_ONLY:
            return False
        held = STAFF_ROLES.get(persona, set())
        return bool(held) and (not roles or bool(held & set(roles)))
    raise AssertionError(f"unknown access rule {rule!r}")


def _kwargs(name, pattern, side, *, school, student=None) -> dict:
    params = set(pattern.pattern.converters)
    kwargs = BUILDERS[name](side) if name in BUILDERS else {}
    if "student" in params and "student" not in kwargs:
        kwargs["student"] = (student or side.child).public_id
    if "school" in params:
        kwargs["school"] = school.slug
    missing = params - kwargs.keys()
    assert not missing, f"{name}: add a builder for {sorted(missing)} in tests/permissions/"
    return kwargs


def targets(name, pattern, rule, world):
    """The rightful request's kwargs and the foreign ones (which must be refused)."""
    own = world.own
    own_kwargs = _kwargs(name, pattern, own, school=own.school)
    params = set(pattern.pattern.converters)
    foreign = []
    if rule == "child":
        # Another family's child; another family's (or school's) object under one's own child.
        foreign.append(_kwargs(name, pattern, world.neighbour, school=own.school))
        if name in BUILDERS:
            for side in (world.neighbour, world.other):
                kwargs = _kwargs(name, pattern, side, school=own.school, student=own.child)
                foreign.append(kwargs)
    elif params - {"school"} and name not in NOT_OBJECTS:
        # Another school's object under one's own school slug: all of them, and each one
        # among one's own (a foreign test in one's own group).
        others = _kwargs(name, pattern, world.other, school=own.school)
        foreign.append(others)
        mixed = [key for key in others if key != "school"]
        if len(mixed) > 1:
            foreign.extend({**own_kwargs, key: others[key]} for key in mixed)
    unique = []
    for kwargs in foreign:
        if kwargs != own_kwargs and kwargs not in unique:
            unique.append(kwargs)
    return own_kwargs, unique


def _post_data(name, side) -> dict:
    return POST_DATA[name](side) if name in POST_DATA else {}


def _to_login(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and response["Location"].startswith(
        reverse("accounts:login")
    )


def _answer_is_allowed(name, response, method) -> bool:
    status = response.status_code
    if 200 <= status < 300:
        return True
    if 300 <= status < 400:
        return name in LEAD_TO_LOGIN or not _to_login(response)
    return status == 405 and method == "get"


def _answer_is_refused(response, persona, method, name=None) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code == 405 and method == "get":
        return True  # a POST-only page answers every GET so, before looking at anything
    if response.status_code == 405 and name in GET_ONLY:
        return True  # a read-only page answers every POST so
    return persona == "anonymous" and _to_login(response)


class Matrix:
    """Runs the requests of one URL and collects every wrong answer."""

    def __init__(self, name, baseline):
        self.name = name
        self.baseline = baseline
        self.last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.failures: list[str] = []

    def ask(self, client, persona, method, url, data, *, allowed: bool) -> None:
        where = f"{self.name} {persona} {method.upper()} {url}"
        if method == "post" and self.name in GET_ONLY:
            allowed = False
        cookies = SimpleCookie(client.cookies)  # a logout must not end the next request's login
        with transaction.atomic():
            try:
                response = getattr(client, method)(url, data)
            except Exception as error:  # noqa: BLE001 - reported as a failure of this request
                self.failures.append(f"{where}: raised {error!r}")
                transaction.set_rollback(True)
                client.cookies = cookies
                return
            if allowed and not _answer_is_allowed(self.name, response, method):
                self.failures.append(f"{where}: refused with {response.status_code}")
            if not allowed:
                if not _answer_is_refused(response, persona, method, self.name):
                    self.failures.append(f"{where}: answered {response.status_code}")
                changed = changed_tables(self.baseline, snapshot())
                if changed:
                    self.failures.append(f"{where}: refused but changed {changed}")
            if method == "get":
                written = (
                    AuditEvent.objects.filter(pk__gt=self.last_audit or 0)
                    .exclude(action__in=READ_LOG_ACTIONS)
                    .values_list("action", flat=True)
                )
                if written:
                    self.failures.append(f"{where}: GET wrote audit events {list(written)}")
            transaction.set_rollback(True)
        client.cookies = cookies


def _client(world, persona) -> Client:
    client = Client()
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    return client


def test_every_view_declares_an_access_rule():
    undeclared = [name for name, pattern in URLS if not hasattr(pattern.callback, "access_rule")]
    assert undeclared == [], f"views without an access rule: {undeclared}"


@pytest.mark.parametrize("name,pattern", URLS, ids=[name for name, _ in URLS])
def test_url_answers_per_persona(name, pattern, matrix, db):
    rule = pattern.callback.access_rule
    roles = getattr(pattern.callback, "staff_roles", ())
    own_kwargs, foreign = targets(name, pattern, rule, matrix)
    own_url = reverse(name, kwargs=own_kwargs)
    foreign_urls = [reverse(name, kwargs=kwargs) for kwargs in foreign]
    run = Matrix(name, snapshot())
    for persona in PERSONAS:
        client = matrix.clients[persona]
        allowed = expected_allowed(rule, roles, persona, name)
        for method in ("get", "post"):
            own_data = _post_data(name, matrix.own) if method == "post" else {}
            run.ask(client, persona, method, own_url, own_data, allowed=allowed)
            if not allowed:
                continue
            for url in foreign_urls:
                data = _post_data(name, matrix.own) if method == "post" else {}
                run.ask(client, persona, method, url, data, allowed=False)
    assert run.failures == [], "\n".join(run.failures)


def test_the_matrix_covers_the_core_pages_and_asks_for_foreign_objects(matrix, db):
    names = {name for name, _ in URLS}
    assert {"portal:home", "portal:general", "backoffice:students", "healthz"} <= names
    with_foreign = {
        name
        for name, pattern in URLS
        if targets(name, pattern, pattern.callback.access_rule, matrix)[1]
    }
    assert {
        "accountadmin:batch",
        "accountadmin:guardian",
        "schoolcontrol:release",
        "schoolcontrol:period",
        "requestsadmin:detail",
        "changerequests:withdraw",
        "helpdeskadmin:document_edit",
        "imports:run",
        "resultsadmin:grid",
    } <= with_foreign


def test_the_snapshot_sees_a_changed_row(matrix, db):
    before = snapshot()
    Release.objects.filter(pk=matrix.other.release.pk).update(moment="E")
    assert changed_tables(before, snapshot()) == ["schoolcontrol_release"]


# -- Django's admin -----------------------------------------------------------------


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    return urls


# Who may use /django-admin/ (the superuser logged in with a second factor); the rest
# must not get a single page of it.
ADMIN_PERSONAS = {"superuser"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_for_superusers(persona, matrix, db):
    client = matrix.clients[persona]
    answers = {url: client.get(url).status_code for url in admin_urls()}
    if persona in ADMIN_PERSONAS:
        assert set(answers.values()) == {200}, answers
    else:
        assert not [url for url, status in answers.items() if 200 <= status < 300], answers


def _portal_login_with_code(client, user):
    """The whole portal login for a superuser: password, then a code from the app."""
    import pyotp

    from tests.factories import PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_totp_setup")
    client.get(reverse("accounts:login_totp_setup"))
    secret = client.session["accounts_login_totp_secret"]
    code = pyotp.TOTP(secret).now()
    assert client.post(reverse("accounts:login_totp_setup"), {"code": code}).status_code == 302


def test_django_admin_needs_the_portal_login_with_a_second_factor(db, client):
    """A superuser gets in only through the portal's login, with a code from an app."""
    from tests.conftest import login_without_portal_flow
    from tests.factories import UserFactory

    url = reverse("admin:index")
    login_url = reverse("accounts:login")
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    # Logged in by any other path than the portal's login: the session is ended.
    login_without_portal_flow(client, root)
    response = client.get(url)
    assert response.status_code == 302 and login_url in response["Location"]
    # Through the portal login but without a second factor (a mark from before): 404.
    client.logout()
    client.force_login(root)
    assert client.get(url).status_code == 404
    # Through the portal login with a second factor: in.
    client.logout()
    _portal_login_with_code(client, root)
    assert client.get(url).status_code == 200
