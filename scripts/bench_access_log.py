#!/usr/bin/env python
"""Benchmark the access log: what recording a staff read adds to a staff pupil page.

Builds the demo in a fresh SQLite database, logs in as the administration of KBS De Ark
and asks for a pupil's back-office page many times, alternating logging on and off
(`PRIVACY_ACCESS_LOG`) in one run, so both sides see the same machine and caches.
Prints the median time of the page with and without logging and the difference.

    .venv/bin/python scripts/bench_access_log.py [--requests 400]
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
    parser.add_argument("--requests", type=int, default=400, help="requests per side")
    parser.add_argument(
        "--control", action="store_true", help="logging off on both sides (shows the noise)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-accesslog-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DATA_DIR": str(work),
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"),
            "SECRET_KEY": "benchmark-only-" + "x" * 40,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "STAFF_REQUIRE_TOTP": "false",
        }
    )
    import django

    django.setup()
    from django.conf import settings

    # No collected static files here: plain static file names in the pages.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from ouderportaal.accounts import flow
    from ouderportaal.core import access
    from ouderportaal.core.demo import build_demo
    from ouderportaal.core.models import Student
    from ouderportaal.privacy.models import StaffRead

    try:
        call_command("migrate", verbosity=0)
        build_demo()
        staff = get_user_model().objects.get(username="administratie.ark")
        pupil = Student.objects.filter(school__slug="de-ark").enrolled().first()
        client = Client()
        client.force_login(staff)
        session = client.session
        session[flow.LOGIN_MARK] = flow.login_mark(staff, second_factor=False)
        session.save()
        url = reverse(
            "backoffice:student", kwargs={"school": pupil.school.slug, "student": pupil.public_id}
        )
        recording = []

        def timed(*arguments):
            start = time.perf_counter()
            recorder(*arguments)
            recording.append(time.perf_counter() - start)

        recorder = access.READ_RECORDERS[0]
        access.READ_RECORDERS[0] = timed
        times = {True: [], False: []}
        for _ in range(20):  # warm up both sides
            assert client.get(url).status_code == 200
        # Pairs in turn on-off and off-on, so that neither side always comes first.
        for number in range(args.requests):
            for logging_on in (True, False) if number % 2 == 0 else (False, True):
                settings.PRIVACY_ACCESS_LOG = logging_on and not args.control
                start = time.perf_counter()
                response = client.get(url)
                times[logging_on].append(time.perf_counter() - start)
                assert response.status_code == 200
        on = statistics.median(times[True]) * 1000
        off = statistics.median(times[False]) * 1000
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"staff pupil page, {args.requests} requests per side ({engine})")
        print(f"  median with access log:    {on:7.2f} ms")
        print(f"  median without access log: {off:7.2f} ms")
        print(f"  added by the access log:   {on - off:7.2f} ms")
        print(f"  the recorder itself:       {statistics.median(recording) * 1000:7.2f} ms")
        print(f"  rows written: {StaffRead.objects.count()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
