#!/usr/bin/env python
"""Benchmark the imports: a school of 1,000 pupils and 1,800 guardians.

Generates a synthetic EDEXML file and a guardians CSV, then imports them with the
`import-edexml` and `import-guardians` commands into a fresh SQLite database, N times,
and prints the median times and the number of queries of each step.

    .venv/bin/python scripts/bench_import.py [--pupils 1000] [--guardians 1800] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--guardians", type=int, default=1800)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    database = work / "bench.sqlite3"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DATA_DIR": str(work),
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "benchmark-only-" + "x" * 40,
            "DEBUG": "false",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from ouderportaal.core.models import Board, School
    from ouderportaal.imports import synthetic

    try:
        edexml = work / "leerlingen.xml"
        guardians = work / "ouders.csv"
        edexml.write_bytes(synthetic.edexml(args.pupils))
        guardians.write_bytes(synthetic.guardians_csv(args.pupils, args.guardians))
        call_command("migrate", verbosity=0)
        board = Board.objects.create(name="Stichting Benchmark", number="49999")
        School.objects.create(
            board=board,
            name="Benchmarkschool",
            slug="benchmark",
            brin="99XX",
            portal_email="portaal@example.invalid",
            holiday_region="Midden",
        )
        connections.close_all()
        template = work / "template.sqlite3"
        shutil.copy(database, template)

        steps = [
            ("EDEXML, empty school", "import-edexml", edexml),
            ("guardians CSV, new", "import-guardians", guardians),
            ("EDEXML again (no changes)", "import-edexml", edexml),
            ("guardians again (no changes)", "import-guardians", guardians),
        ]
        times: dict[str, list[float]] = {name: [] for name, _c, _f in steps}
        queries: dict[str, int] = {}
        for _round in range(args.repeat):
            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            shutil.copy(template, database)
            for name, command, path in steps:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    call_command(command, "--school", "99XX", str(path), verbosity=0)
                    times[name].append(time.perf_counter() - started)
                queries[name] = len(captured.captured_queries)
    finally:
        connections.close_all()
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"{args.pupils} pupils, {args.guardians} guardians, {args.repeat} rounds "
        f"(SQLite, fresh database each round)"
    )
    print(f"{'step':32} {'median s':>9} {'min s':>7} {'max s':>7} {'queries':>8}")
    for name, values in times.items():
        print(
            f"{name:32} {statistics.median(values):9.2f} {min(values):7.2f} "
            f"{max(values):7.2f} {queries[name]:8d}"
        )
    first_import = [a + b for a, b in zip(times[steps[0][0]], times[steps[1][0]], strict=True)]
    total = statistics.median(first_import)
    print(f"{'new school, both files':32} {total:9.2f}   (goal: under 10 s)")
    return 0 if total < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
