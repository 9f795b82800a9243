from ouderportaal.imports.commands import ImportCommand
from ouderportaal.imports.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import pupils, groups and teachers from an EDEXML file (1.03, 2.0 or 2.1) into "
        "the school with the given BRIN code."
    )
    kind = ImportRun.Kind.EDEXML
