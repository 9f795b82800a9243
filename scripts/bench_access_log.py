#!/usr/bin/env python
"""Benchmark the access log: what recording a staff read adds to a staff pupil page.

Builds the demo in a fresh database (SQLite, or a scratch database on the PostgreSQL
server of DATABASE_URL, dropped at the end), logs in
as the administration of KBS De Ark and asks for a pupil's back-office page many times,
alternating logging on and off (`PRIVACY_ACCESS_LOG`) in one run, so both sides see the
same machine and caches. Prints, side by side, the median wall time and the median CPU
time of this process (time.process_time, steadier on a busy machine) per request with
and without logging, and what the recorder itself took. A request's time includes the
work done after the response was handed over (the test client closes the response);
"until handed over" leaves that out, as a client sees it. Garbage collection is shown
per side, as the recorder's allocations make it run more often.

    .venv/bin/python scripts/bench_access_log.py [--requests 400] [--control] [--profile]
    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_access_log.py

With --profile, cProfile runs over both sides and the functions with the largest
difference in own time (on minus off) are listed.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per side")
    parser.add_argument(
        "--control", action="store_true", help="logging off on both sides (shows the noise)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile both sides and list the differences"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-accesslog-"))
    server = os.environ.get("DATABASE_URL", "")
    database_url = f"sqlite:///{work / 'bench.sqlite3'}"
    if server.startswith("postgres"):
        scratch = f"bench_access_log_{os.getpid()}"
        _postgres(server, f"CREATE DATABASE {scratch}")
        database_url = urllib.parse.urlsplit(server)._replace(path=f"/{scratch}").geturl()
    try:
        return _run(args, work, database_url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server.startswith("postgres"):
            _postgres(server, f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")


def _postgres(server: str, statement: str) -> None:
    """One statement on the PostgreSQL server of DATABASE_URL (the scratch database)."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(statement)


def _run(args, work: Path, database_url: str) -> int:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DATA_DIR": str(work),
            "DATABASE_URL": database_url,
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
    recording = {"wall": [], "cpu": []}

    def timed(*arguments):
        start, start_cpu = time.perf_counter(), time.process_time()
        recorder(*arguments)
        recording["wall"].append(time.perf_counter() - start)
        recording["cpu"].append(time.process_time() - start_cpu)

    recorder = access.READ_RECORDERS[0]
    access.READ_RECORDERS[0] = timed
    wall = {True: [], False: []}
    handed_over = {True: [], False: []}  # wall time without the work after the response
    cpu = {True: [], False: []}
    collecting = {True: [], False: []}  # time spent in garbage collection
    collected = [0.0, 0.0]  # (seconds so far, start of the running collection)

    def on_collection(phase, info):
        if phase == "start":
            collected[1] = time.perf_counter()
        else:
            collected[0] += time.perf_counter() - collected[1]

    gc.callbacks.append(on_collection)
    profiles = {True: cProfile.Profile(), False: cProfile.Profile()}
    for _ in range(20):  # warm up both sides
        assert client.get(url).status_code == 200
    # Pairs in turn on-off and off-on, so that neither side always comes first.
    for number in range(args.requests):
        for logging_on in (True, False) if number % 2 == 0 else (False, True):
            settings.PRIVACY_ACCESS_LOG = logging_on and not args.control
            if args.profile:
                profiles[logging_on].enable()
            before_gc, recorded = collected[0], sum(recording["wall"])
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall[logging_on].append(time.perf_counter() - start)
            after_response = sum(recording["wall"]) - recorded
            handed_over[logging_on].append(wall[logging_on][-1] - after_response)
            cpu[logging_on].append(time.process_time() - start_cpu)
            collecting[logging_on].append(collected[0] - before_gc)
            if args.profile:
                profiles[logging_on].disable()
            assert response.status_code == 200
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(f"staff pupil page, {args.requests} requests per side ({engine}, load {load})")
    print(f"  {'median per request':28} {'on':>8} {'off':>8} {'added':>8}")
    for label, figures in (
        ("wall time (ms)", wall),
        ("wall until handed over (ms)", handed_over),
        ("CPU time (ms)", cpu),
    ):
        on = statistics.median(figures[True]) * 1000
        off = statistics.median(figures[False]) * 1000
        print(f"  {label:28} {on:8.2f} {off:8.2f} {on - off:8.2f}")
    for logging_on, label in ((True, "on"), (False, "off")):
        total = sum(collecting[logging_on]) * 1000
        print(f"  garbage collection, {label:3}: {total / args.requests:.2f} ms per request")
    if recording["wall"]:
        own_wall = statistics.median(recording["wall"]) * 1000
        own_cpu = statistics.median(recording["cpu"]) * 1000
        print(f"  the recorder itself (ms):    wall {own_wall:.2f}, CPU {own_cpu:.2f}")
    print(f"  rows written: {StaffRead.objects.count()}")
    if args.profile:
        _print_profile_difference(profiles[True], profiles[False])
    from django.db import connections

    connections.close_all()
    return 0


def _print_profile_difference(on: cProfile.Profile, off: cProfile.Profile, top: int = 25):
    """The functions whose own time grew most with logging on (seconds over all requests)."""
    own = {}
    for sign, profile in ((1, on), (-1, off)):
        for function, (_, calls, tottime, _, _) in pstats.Stats(profile).stats.items():
            total, count = own.get(function, (0.0, 0))
            own[function] = (total + sign * tottime, count + sign * calls)
    print("  own time on minus off (s), calls on minus off, function:")
    for function, (seconds, calls) in sorted(own.items(), key=lambda item: -item[1][0])[:top]:
        name = f"{Path(function[0]).name}:{function[1]}({function[2]})"
        print(f"  {seconds:8.4f} {calls:7d}  {name}")


if __name__ == "__main__":
    sys.exit(main())
