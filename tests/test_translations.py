"""Every string the portal shows has its Dutch translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import ouderportaal

APPS_DIR = Path(ouderportaal.__file__).parent
CATALOGUES = sorted(APPS_DIR.glob("*/locale/nl/LC_MESSAGES/django.po"))


def _key(entry):
    return (entry.msgctxt, entry.msgid)


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.parts[-5] for p in CATALOGUES])
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert missing == [] and fuzzy == [], f"untranslated: {missing}, fuzzy: {fuzzy}"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext)")
@pytest.mark.parametrize("path", CATALOGUES, ids=[p.parts[-5] for p in CATALOGUES])
def test_catalogue_holds_every_source_string(path, tmp_path):
    app_dir = path.parents[3]
    copy = tmp_path / app_dir.name
    shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "nl", "--no-obsolete", "-v0"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ouderportaal.settings_test"},
    )
    fresh = polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))
    committed = {_key(e) for e in polib.pofile(str(path))}
    new = sorted(e.msgid for e in fresh if _key(e) not in committed)
    assert new == [], f"run scripts/messages {app_dir.name} and translate: {new}"
