#!/usr/bin/env python
"""Benchmark the notifications of a release: a school of 1,000 pupils and ~1,800 parents.

Imports a synthetic school (EDEXML and guardians CSV) into a fresh SQLite database
(or the database of `--database-url`), gives every guardian an account and every pupil
a Cito result, and saves a release for the whole school. Then it measures, on a school
day at 08:00 (outside quiet hours):

1. queueing: the task queued for the release moment runs (`schoolcontrol.tasks.
   record_effects`): it records the release, the notification events and one
   notification per parent with gezag, and the queued delivery task renders one mail
   per parent into the outbox;
2. sending: `db_worker --batch` hands every mail to a local SMTP server (aiosmtpd on
   loopback, in this process: its CPU time counts too), and the rate in mails per second.

It prints a table (Markdown, for docs/notifications.md) of wall and CPU time per step,
with the machine's load average; the exit status is 1 when a goal was not met.

    .venv/bin/python scripts/bench_notifications.py [--pupils 1000] [--guardians 1800]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CountingHandler:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted for delivery"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--guardians", type=int, default=1800)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    port = free_port()
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()

    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DATA_DIR": str(work),
            "DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.sqlite3'}",
            "SECRET_KEY": "benchmark-only-" + "x" * 40,
            "DEBUG": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PORTAL_URL": "https://ouders.example.invalid",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from ouderportaal.core.models import Board, Guardian, OutgoingMail, School, Student
    from ouderportaal.imports import synthetic
    from ouderportaal.notifications.models import Notification
    from ouderportaal.notifications.tasks import deliver_notifications
    from ouderportaal.results.models import LvsResult
    from ouderportaal.schoolcontrol.models import Release
    from ouderportaal.schoolcontrol.tasks import record_effects

    report_day = datetime(2027, 2, 12, 8, 0, tzinfo=AMSTERDAM)
    try:
        with time_machine.travel(datetime(2027, 2, 1, 10, tzinfo=AMSTERDAM), tick=True):
            call_command("migrate", verbosity=0)
            board = Board.objects.create(name="Stichting Benchmark", number="49999")
            school = School.objects.create(
                board=board,
                name="Benchmarkschool",
                slug="benchmark",
                brin="99XX",
                portal_email="portaal@example.invalid",
                holiday_region="Midden",
            )
            edexml, guardians = work / "leerlingen.xml", work / "ouders.csv"
            edexml.write_bytes(synthetic.edexml(args.pupils))
            guardians.write_bytes(synthetic.guardians_csv(args.pupils, args.guardians))
            call_command("import-edexml", "--school", "99XX", str(edexml), verbosity=0)
            call_command("import-guardians", "--school", "99XX", str(guardians), verbosity=0)
            User = get_user_model()
            records = list(Guardian.objects.filter(school=school).order_by("pk"))
            User.objects.bulk_create(
                User(username=f"Ouder{g.pk}", email=f"ouder{g.pk}@example.invalid") for g in records
            )
            users = {u.username: u for u in User.objects.filter(username__startswith="Ouder")}
            for guardian in records:
                guardian.user = users[f"Ouder{guardian.pk}"]
            Guardian.objects.bulk_update(records, ["user"])
            pupils = list(Student.objects.filter(school=school).select_related("group"))
            entered = timezone.now()
            LvsResult.objects.bulk_create(
                LvsResult(
                    school=school,
                    student=pupil,
                    group=pupil.group,
                    school_year=pupil.group.school_year,
                    entered_at=entered,
                    release_moment="M",
                    taken_on=entered.date(),
                    subject="Rekenen-Wiskunde",
                    test_name="Rekenen-Wiskunde 3.0",
                    moment=f"M{pupil.group.jaargroep}",
                )
                for pupil in pupils
                if pupil.group is not None
            )
            year = pupils[0].group.school_year
            Release.objects.create(
                school=school, school_year=year, moment="M", release_at=report_day
            )
            DBTaskResult.objects.all().delete()

        load_before = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        with time_machine.travel(report_day, tick=True):
            started, cpu = time.perf_counter(), time.process_time()
            record_effects.call(school.pk)
            for row in DBTaskResult.objects.filter(task_path=deliver_notifications.module_path):
                deliver_notifications.call(*row.args_kwargs["args"])
                row.delete()
            queued_in, queued_cpu = time.perf_counter() - started, time.process_time() - cpu
            mails = OutgoingMail.objects.filter(template="notifications/mail/news").count()
            parents = Notification.objects.values("user").distinct().count()

            started, cpu = time.perf_counter(), time.process_time()
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
            deadline = time.monotonic() + 30
            while handler.received < mails and time.monotonic() < deadline:
                time.sleep(0.05)
            sent_in, sent_cpu = time.perf_counter() - started, time.process_time() - cpu

        load_after = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        rate = handler.received / sent_in
        database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
        print(f"pupils: {len(pupils)}, parents with an account and gezag: {parents}")
        print(f"database: {database}; load average before: {load_before}, after: {load_after}")
        print()
        print("| step | wall time | CPU time of the process | goal |")
        print("|---|---|---|---|")
        print(
            f"| release → {mails:,} mails in the outbox | {queued_in:.1f} s "
            f"| {queued_cpu:.1f} s | under 10 s |"
        )
        print(
            f"| worker hands {handler.received:,} mails to SMTP | {sent_in:.1f} s "
            f"({rate:.1f} mails/s) | {sent_cpu:.1f} s | at least 20 mails/s |"
        )
        ok = queued_in < 10 and handler.received == mails and rate >= 20
        return 0 if ok else 1
    finally:
        smtp.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
