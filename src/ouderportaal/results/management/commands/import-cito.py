"""`ouderportaal import-cito --school SLUG FILE [--dry-run]`: import LVS results."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ouderportaal.core.models import School
from ouderportaal.results import cito


class Command(BaseCommand):
    help = (
        "Import Cito (LVS) results from a CSV export into a school: all rows or none. "
        "With --dry-run, only show what would happen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's short name (slug).")
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def handle(self, *args, **options):
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with short name {options['school']!r}.")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            plan = cito.plan_import(school, data)
        except cito.FileError as error:
            raise CommandError(str(error)) from error
        counts = plan.counts
        self.stdout.write(
            f"{path.name}: {counts['new']} new, {counts['correction']} corrections, "
            f"{counts['unchanged']} unchanged."
        )
        if plan.new_years:
            self.stdout.write(f"School years to add: {', '.join(plan.new_years)}.")
        if plan.errors:
            for line, message in plan.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(f"{len(plan.errors)} row(s) are not right; nothing was imported.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was imported.")
            return
        batch = cito.apply_import(school, plan, filename=path.name)
        if batch is None:
            self.stdout.write("Nothing changed: every result was already there.")
        else:
            self.stdout.write(f"Imported into {school.name}.")
