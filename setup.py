"""Builds compile the Dutch catalogues, so that a wheel or `pip install .` has them.

Everything else about the package is in pyproject.toml; this only adds the build step
that turns each app's locale/*/LC_MESSAGES/django.po into its .mo (with polib, like
`ouderportaal compile_translations`: no gettext tools needed).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        import polib

        for po_path in Path(self.build_lib, "ouderportaal").glob("*/locale/*/LC_MESSAGES/*.po"):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


setup(cmdclass={"build_py": BuildWithCatalogues})
