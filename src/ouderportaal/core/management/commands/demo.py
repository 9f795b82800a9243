import json

from django.core.management.base import BaseCommand

from ouderportaal.core.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Create the demo board with two schools (idempotent) and print its logins."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the logins as JSON.")

    def handle(self, *args, **options):
        result = build_demo()
        rows = [login.as_dict() for login in result.logins]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        verb = "Created" if result.created else "Demo already present; passwords reset for"
        self.stdout.write(f"{verb} the demo: {', '.join(s.name for s in result.schools)}.")
        self.stdout.write(f"Every demo login has the password: {DEMO_PASSWORD}\n")
        headers = ("username", "role", "school", "children")
        table = [headers] + [
            (r["username"], r["role"], r["school"], ", ".join(r["children"])) for r in rows
        ]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(headers))]
        for index, row in enumerate(table):
            self.stdout.write("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)))
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
