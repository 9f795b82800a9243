"""The one door for school data in the back office (core.scoping).

The source scan reads every module that defines a staff view and fails on a bare
`Model.objects` (or `get_object_or_404(Model, ...)`) there: a staff page reaches its
school's rows through `scoped(membership, Model)`, `get_scoped_or_404(...)` or the
school's own related managers, so a missing `school=` filter cannot happen.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

import ouderportaal
from ouderportaal.accounts.models import AccountMailBatch, AccountMailItem
from ouderportaal.core.models import Board, Guardian, GuardianLink
from ouderportaal.core.scoping import (
    get_or_create_scoped,
    get_scoped_or_404,
    school_path,
    scoped,
)
from tests.factories import GuardianFactory, LinkFactory

SOURCE = Path(ouderportaal.__file__).parent
MANAGERS = {"objects", "_default_manager", "_base_manager"}
FETCHERS = {"get_object_or_404", "get_list_or_404"}
# Models that are not one school's data; staff views may query them directly.
NOT_SCHOOL_DATA: set[str] = set()


def _is_staff_view(node) -> bool:
    for decorator in getattr(node, "decorator_list", []):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == "staff_view":
            return True
    return False


def staff_view_modules() -> list[Path]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(_is_staff_view(node) for node in ast.walk(tree)):
            found.append(path)
    return found


def _prefetch_querysets(tree) -> set[int]:
    """Nodes inside a Prefetch(...): its rows are limited by the relation it follows."""
    inside = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Prefetch"
        ):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def unscoped_uses(source: str) -> list[str]:
    """`Model.objects...` and `get_object_or_404(Model, ...)` in a module's source."""
    model_names = {model.__name__ for model in apps.get_models()} - NOT_SCHOOL_DATA
    tree = ast.parse(source)
    exempt = _prefetch_querysets(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in model_names
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FETCHERS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in model_names
        ):
            found.append(f"line {node.lineno}: {node.func.id}({node.args[0].id}, ...)")
    return sorted(found, key=lambda text: int(text.split()[1].rstrip(":")))


def test_the_scan_finds_the_staff_modules():
    names = {str(path.relative_to(SOURCE)) for path in staff_view_modules()}
    assert {
        "accounts/staff_views.py",
        "backoffice/views.py",
        "changerequests/staff_views.py",
        "helpdesk/staff_views.py",
        "imports/views.py",
        "results/staff_views.py",
        "schoolcontrol/views.py",
        "privacy/staff_views.py",
    } <= names


def test_the_scan_catches_an_unscoped_fetch():
    source = (
        "def view(request, membership, batch):\n"
        "    a = AccountMailBatch.objects.filter(pk=batch).first()\n"
        "    b = get_object_or_404(Guardian, pk=1)\n"
        "    c = scoped(membership, Guardian).prefetch_related(\n"
        "        Prefetch('links', queryset=GuardianLink.objects.all())\n"
        "    )\n"
        "    d = membership.school.groups.all()\n"
    )
    assert unscoped_uses(source) == [
        "line 2: AccountMailBatch.objects",
        "line 3: get_object_or_404(Guardian, ...)",
    ]


@pytest.mark.parametrize(
    "path", staff_view_modules(), ids=lambda path: str(path.relative_to(SOURCE))
)
def test_staff_views_reach_school_data_only_through_their_school(path):
    found = unscoped_uses(path.read_text(encoding="utf-8"))
    assert found == [], (
        f"{path.relative_to(SOURCE)} queries school data without its school; use "
        f"core.scoping.scoped / get_scoped_or_404: {found}"
    )


def test_every_model_a_staff_view_may_reach_has_a_path_to_its_school():
    """A new model must say where its school is before a staff view can use `scoped`."""
    ours = [m for m in apps.get_models() if m.__module__.startswith("ouderportaal.")]
    missing = []
    for model in ours:
        try:
            school_path(model)
        except ImproperlyConfigured:
            missing.append(model._meta.label_lower)
    # Not one school's data: people, boards, schools, login bookkeeping, the audit trail
    # of logins, a person's passkeys, a person's once-only form tokens, rows only reached
    # through a pupil's result row, a person's own mail choices, a parent's data export
    # (one person, any school), the installation's retention runs and a board's terms.
    assert set(missing) <= {
        "privacy.boardprivacysettings",
        "privacy.dataexport",
        "privacy.retentionrun",
        "accounts.user",
        "accounts.accountstate",
        "accounts.loginfailure",
        "accounts.passkey",
        "core.formsubmission",
        "core.board",
        "core.school",
        "notifications.preference",
    }, sorted(missing)
    with pytest.raises(ImproperlyConfigured):
        scoped(None, Board)


def test_scoped_gives_only_the_members_school(world):
    membership = world.staff.staff_memberships.get()
    other = world.other_staff.staff_memberships.get()
    own_guardian = Guardian.objects.get(school=world.school, user=world.parent)
    foreign = GuardianFactory(school=world.other_school)
    LinkFactory(guardian=foreign, student__school=world.other_school)
    assert own_guardian in scoped(membership, Guardian)
    assert foreign not in scoped(membership, Guardian)
    assert set(scoped(other, GuardianLink)) == set(foreign.links.all())
    assert get_scoped_or_404(other, Guardian, pk=foreign.pk) == foreign
    with pytest.raises(Http404):
        get_scoped_or_404(membership, Guardian, pk=foreign.pk)
    batch = AccountMailBatch.objects.create(
        school=world.other_school, label="x", total=1, base_url="http://testserver/"
    )
    AccountMailItem.objects.create(batch=batch, guardian=foreign)
    assert not scoped(membership, AccountMailItem).exists()
    assert scoped(other, AccountMailItem).count() == 1
    with pytest.raises(ImproperlyConfigured):
        get_or_create_scoped(membership, GuardianLink)
