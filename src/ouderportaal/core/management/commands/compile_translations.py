from pathlib import Path

import polib
from django.core.management.base import BaseCommand

import ouderportaal


class Command(BaseCommand):
    help = (
        "Compile every app's .po catalogue into a .mo file (pure Python: no gettext tools "
        "are needed on the machine)."
    )

    def handle(self, *args, **options):
        root = Path(ouderportaal.__file__).parent
        count = 0
        for po_path in sorted(root.glob("*/locale/*/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"Compiled {count} catalogues.")
