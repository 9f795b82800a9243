"""Every page a parent and a staff member can open, rendered in Dutch, checked for what
a reader notices: English stock strings, capitalised month abbreviations, and
aria-describedby pointing to ids that do not exist (a screen reader then reads nothing).

The pages are those of the permission matrix's world (tests/permissions/world.py), so a
new URL is checked here as soon as it is in the matrix.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import polib
import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.urls import reverse

import ouderportaal
from tests.test_permission_matrix import URLS, expected_allowed, targets
from tests.test_permission_matrix import matrix as matrix_world  # noqa: F401 (fixture)

PERSONAS = ("parent", "staff")
# Capitalised Dutch month abbreviations ("10 Okt 2026"); Dutch writes "10 oktober 2026".
CAPITALISED_MONTH = re.compile(r"\b\d{1,2} (Jan|Feb|Mrt|Apr|Mei|Jun|Jul|Aug|Sep|Okt|Nov|Dec)\b")


def _english_strings() -> dict[str, str]:
    """English source strings (Django's and ours) mapped to where they come from, for
    those whose Dutch differs: one of them shown whole on a Dutch page is untranslated."""
    english = {}
    django_nl = Path(django.__file__).parent / "conf/locale/nl/LC_MESSAGES/django.po"
    django_en = Path(django.__file__).parent / "conf/locale/en/LC_MESSAGES/django.po"
    dutch = {e.msgid: e.msgstr for e in polib.pofile(str(django_nl)) if e.msgstr}
    for entry in polib.pofile(str(django_en)):
        if len(entry.msgid) > 3 and dutch.get(entry.msgid) != entry.msgid:
            english[entry.msgid] = "django"
    root = Path(ouderportaal.__file__).parent
    for po_path in root.glob("*/locale/nl/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and entry.msgstr != entry.msgid and "%" not in entry.msgid:
                english[entry.msgid] = po_path.parts[-5]
    # Words that are the same in both languages.
    for same in ("Cito", "E-mail", "Status", "Portal", "Ouderportaal"):
        english.pop(same, None)
    return english


ENGLISH = _english_strings()


def _pages(world):
    """(persona, url name, html) of every page the persona may GET."""
    for name, pattern in URLS:
        rule = pattern.callback.access_rule
        roles = getattr(pattern.callback, "staff_roles", ())
        own_kwargs, _foreign = targets(name, pattern, rule, world)
        url = reverse(name, kwargs=own_kwargs)
        for persona in PERSONAS:
            if rule == "public" or not expected_allowed(rule, roles, persona, name):
                continue
            client = world.clients[persona]
            with transaction.atomic():
                response = client.get(url, follow=True)
                transaction.set_rollback(True)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                yield persona, name, response.content.decode()
    for name in ("accounts:login", "helpdesk:index", "accounts:forgot_password"):
        yield "anonymous", name, world.clients["anonymous"].get(reverse(name)).content.decode()


_RENDERED: list = []


@pytest.fixture
def pages(matrix_world, db):  # noqa: F811 - the imported fixture
    """Rendered once for the module (the world is the matrix's, built once too)."""
    if not _RENDERED:
        _RENDERED.extend(_pages(matrix_world))
    return _RENDERED


def test_the_walk_sees_the_parent_and_staff_pages(pages):
    names = {(persona, name) for persona, name, _html in pages}
    assert ("parent", "portal:general") in names
    assert ("parent", "results:lvs") in names
    assert ("staff", "backoffice:home") in names
    assert ("staff", "accountadmin:overview") in names
    assert len(pages) > 60


def test_no_english_string_reaches_a_dutch_page(pages):
    found = set()
    for persona, name, html in pages:
        soup = BeautifulSoup(html, "html.parser")
        for node in soup.find_all(string=True):
            if node.parent.name in ("script", "style", "code") or node.find_parent(lang="en"):
                continue  # code, and text marked as English (the language switch)
            text = " ".join(node.split())
            if text in ENGLISH:
                found.add(f"{persona} {name}: {text!r} ({ENGLISH[text]})")
    assert not found, "\n".join(sorted(found))


def test_dates_use_dutch_month_names(pages):
    found = {
        f"{persona} {name}: {match.group(0)}"
        for persona, name, html in pages
        for match in CAPITALISED_MONTH.finditer(BeautifulSoup(html, "html.parser").get_text())
    }
    assert not found, "\n".join(sorted(found))


def test_every_aria_describedby_points_to_an_existing_id(pages):
    broken = set()
    for persona, name, html in pages:
        soup = BeautifulSoup(html, "html.parser")
        ids = {tag["id"] for tag in soup.find_all(id=True)}
        for tag in soup.find_all(attrs={"aria-describedby": True}):
            for ref in tag["aria-describedby"].split():
                if ref not in ids:
                    broken.add(f"{persona} {name}: {tag.name}#{tag.get('id', '')} -> {ref}")
    assert not broken, "\n".join(sorted(broken))
