"""A wheel built from a fresh checkout carries the compiled Dutch catalogues."""

import gettext
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).with_name("uv")


@pytest.mark.skipif(not UV.exists(), reason="uv is installed in the venv by scripts/lib/setup.sh")
def test_a_wheel_from_a_checkout_without_mo_files_has_current_catalogues(tmp_path):
    source = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "build", "dist", "*.egg-info", "*.mo", "__pycache__"
        ),
    )
    assert not list(source.rglob("*.mo"))
    subprocess.run(
        [
            str(UV),
            "build",
            "--wheel",
            "--quiet",
            "--python",
            sys.executable,
            "--out-dir",
            str(tmp_path / "dist"),
            str(source),
        ],
        check=True,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    catalogues = sorted(ROOT.glob("src/ouderportaal/*/locale/nl/LC_MESSAGES/django.po"))
    assert catalogues
    with zipfile.ZipFile(wheel) as archive:
        for po_path in catalogues:
            app = po_path.parts[-5]
            name = f"ouderportaal/{app}/locale/nl/LC_MESSAGES/django.mo"
            compiled = gettext.GNUTranslations(io.BytesIO(archive.read(name)))
            # Current: every translated entry of the .po is in the wheel's .mo.
            for entry in polib.pofile(str(po_path)).translated_entries():
                if entry.msgid_plural or entry.msgctxt:
                    continue
                assert compiled.gettext(entry.msgid) == entry.msgstr, (app, entry.msgid)
