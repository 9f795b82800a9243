"""The shared part of the `import-edexml` and `import-guardians` commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ouderportaal.core.models import School
from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.report import ACTIONS
from ouderportaal.imports.safeguards import risk_message
from ouderportaal.imports.services import ImportConflict, build, import_now, max_upload_bytes


def find_school(value: str) -> School:
    """`99XX` (dependance 00) or `99XX01` / `99XX-01`."""
    code = value.replace("-", "").replace(" ", "").upper()
    brin, dependance = code[:4], code[4:] or "00"
    school = School.objects.filter(brin=brin, vestiging=dependance).first()
    if school is None:
        raise CommandError(f"No school with BRIN {brin} and dependance code {dependance}.")
    return school


class ImportCommand(BaseCommand):
    kind = ""
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--school",
            required=True,
            metavar="BRIN",
            help="BRIN code of the school, with the dependance code when not 00 (99XX01).",
        )
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only show what the import would do; change nothing.",
        )

    def handle(self, *args, **options):
        school = find_school(options["school"])
        path = Path(options["file"])
        limit = max_upload_bytes()
        try:
            if path.stat().st_size > limit:
                raise CommandError(f"{path} is larger than {limit // 1024 // 1024} MB.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        if options["dry_run"]:
            report, _planner = build(self.kind, school, content)
            self.show(report.summary(), report.problem_dicts(), report.items, options)
            self.show_risks(report.risks)
            if report.has_errors:
                raise CommandError("The file has errors; nothing would be imported.")
            if options["verbosity"] >= 1:
                self.stdout.write("Dry run: nothing was changed.")
            return
        try:
            run = import_now(
                self.kind,
                school,
                content,
                path.name,
                source=ImportRun.Source.COMMAND,
                force=options.get("force", False),
            )
        except ImportConflict as exc:
            raise CommandError(str(exc)) from exc
        self.show(run.counts, run.problems, run.changes, options)
        self.show_risks(run.risks)
        if run.risks and run.status == ImportRun.Status.REFUSED and not run.errors:
            raise CommandError(
                "Nothing was imported: this file needs explicit confirmation. Check the "
                "warnings above; run again with --force if the file is right."
            )
        if run.status != ImportRun.Status.APPLIED:
            raise CommandError("The file has errors; nothing was imported.")
        changes = run.counts["changes"]
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {path.name} into {school.name}: {changes} changes "
                    f"(import #{run.pk})."
                )
            )

    def show_risks(self, risks: list) -> None:
        for risk in risks:
            self.stderr.write(self.style.ERROR(f"warning: {risk_message(risk)}"))

    def show(self, counts: dict, problems: list, items: list, options) -> None:
        if options["verbosity"] < 1:
            items, counts = [], {}
        for kind, values in counts.get("objects", {}).items():
            figures = ", ".join(f"{values.get(action, 0)} {action}" for action in ACTIONS)
            self.stdout.write(f"{kind}: {figures}, {values.get('unchanged', 0)} unchanged")
        if counts:
            self.stdout.write(f"changes: {counts.get('changes', 0)}")
        for problem in problems:
            place = ", ".join(
                part
                for part in (
                    f"line {problem['line']}" if problem.get("line") else "",
                    problem["where"],
                )
                if part
            )
            self.stderr.write(f"{problem['severity']}: {place}: {problem['message']}")
        if options["verbosity"] >= 2:
            for item in items:
                details = "; ".join(f"{f}: {old!r} → {new!r}" for f, old, new in item["changes"])
                self.stdout.write(
                    f"{item['action']} {item['kind']} {item['key']} {item['name']} {details}"
                )
