from ouderportaal.imports.commands import ImportCommand
from ouderportaal.imports.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import pupils, groups and teachers from an EDEXML file (1.03, 2.0 or 2.1) into "
        "the school with the given BRIN code."
    )
    kind = ImportRun.Kind.EDEXML

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Import even when the file would mark many pupils as left, is for another "
                "school year, or is older than the last imported file."
            ),
        )
