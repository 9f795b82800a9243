"""Every URL of the project, with every persona.

Each view must declare its access rule (core.access decorators); a view without one
fails here. The expected answer follows from the rule: anonymous visitors are sent to
the login page, and whoever may not see an object gets 404, the same as for an object
that does not exist. URL arguments other than `student` and `school` are built by the
app modules in tests/permissions/.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.permissions

SKIPPED_NAMESPACES = {"admin"}  # Django's admin: its own matrix below.
PERSONAS = ["anonymous", "parent", "other_parent", "info_only", "staff", "teacher", "other_staff"]
ALLOWED = {200, 302, 405}


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


def _kwarg_builders():
    builders = {}
    for module_info in pkgutil.iter_modules(tests.permissions.__path__):
        module = importlib.import_module(f"tests.permissions.{module_info.name}")
        builders.update(getattr(module, "URL_KWARGS", {}))
    return builders


URLS = all_url_names()
BUILDERS = _kwarg_builders()


def _kwargs(name, pattern, world):
    params = set(pattern.pattern.converters)
    kwargs = {}
    if name in BUILDERS:
        kwargs.update(BUILDERS[name](world))
    if "student" in params and "student" not in kwargs:
        kwargs["student"] = world.child.public_id
    if "school" in params and "school" not in kwargs:
        kwargs["school"] = world.school.slug
    missing = params - kwargs.keys()
    assert not missing, f"{name}: add a builder for {sorted(missing)} in tests/permissions/"
    return kwargs


def expected_allowed(rule, roles, persona):
    """True when the persona may open the page, False when it must get 404/login."""
    if rule == "public":
        return True
    if persona == "anonymous":
        return False
    if rule == "logged-in":
        return True
    if rule == "child":
        return persona == "parent"
    if rule == "staff":
        if persona == "staff":
            return True
        if persona == "teacher":
            return not roles or "teacher" in roles
        return False
    raise AssertionError(f"unknown access rule {rule!r}")


def test_every_view_declares_an_access_rule():
    undeclared = [name for name, pattern in URLS if not hasattr(pattern.callback, "access_rule")]
    assert undeclared == [], f"views without an access rule: {undeclared}"


@pytest.mark.parametrize("name,pattern", URLS, ids=[name for name, _ in URLS])
def test_url_answers_per_persona(name, pattern, world, client):
    rule = pattern.callback.access_rule
    roles = getattr(pattern.callback, "staff_roles", ())
    url = reverse(name, kwargs=_kwargs(name, pattern, world))
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = client.get(url)
        allowed = expected_allowed(rule, roles, persona)
        if allowed:
            assert response.status_code in ALLOWED, (name, persona, response.status_code)
        elif persona == "anonymous":
            assert response.status_code == 302, (name, persona, response.status_code)
            assert reverse("accounts:login") in response["Location"], (name, persona)
        else:
            assert response.status_code == 404, (name, persona, response.status_code)


def test_the_matrix_covers_the_core_pages():
    names = {name for name, _ in URLS}
    assert {"portal:home", "portal:general", "backoffice:students", "healthz"} <= names


# -- Django's admin -----------------------------------------------------------------------

ADMIN_URLS = ["admin:index", "admin:core_school_changelist", "admin:core_staffmember_add"]


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


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_django_admin_answers_per_persona(name, world, client):
    """Only a superuser who came through the portal login with a second factor gets in."""
    from tests.conftest import login_without_portal_flow
    from tests.factories import UserFactory

    url = reverse(name)
    login_url = reverse("accounts:login")
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and login_url in response["Location"], persona
        else:
            assert response.status_code == 404, (name, persona, response.status_code)

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    # Logged in by any other path than the portal's login: the session is ended.
    client.logout()
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
