from ouderportaal.imports.commands import ImportCommand
from ouderportaal.imports.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import parents and guardians from the administration's CSV export (layout in "
        "docs/imports.md) into the school with the given BRIN code."
    )
    kind = ImportRun.Kind.GUARDIANS
