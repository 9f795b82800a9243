#!/usr/bin/env python
"""CPU per login in one process, part by part, without the noise of a load test.

Uses the data set of `profile_parent_pages.py` (the report-day school, built once and
reused), and logs benchmark parents in with Django's test client under the production
settings (DEBUG off), as a browser does: GET of the login page, POST of the form. Prints
per part the CPU milliseconds of this process (`time.process_time`), of the PostgreSQL
backend serving it (from /proc, when the server runs on this machine) and the number of
queries; the argon2id computation inside the POST is timed on its own and shown apart.
With `--profile`, the functions that cost the most in the POST.

    DATABASE_URL=postgres://... scripts/profile_logins.py [--logins 100] [--profile]

Without DATABASE_URL the data set is built in SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from profile_parent_pages import (  # noqa: E402
    parents_or_build,
    print_profile,
    setup_environment,
)

LOGIN = "/account/inloggen/"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Backend:
    """CPU ticks of the PostgreSQL backend of this process's connection (0 elsewhere)."""

    def __init__(self):
        from django.db import connection

        self.pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
        if self.pid and not Path(f"/proc/{self.pid}/stat").exists():
            self.pid = None

    def ticks(self) -> int:
        if not self.pid:
            return 0
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime


@contextmanager
def timed_argon2(spent: list[float]):
    """Add the CPU seconds of every argon2 computation to `spent`."""
    import argon2._password_hasher as password_hasher

    verify = password_hasher.verify_secret

    def timed_verify(*args, **kwargs):
        started = time.process_time()
        try:
            return verify(*args, **kwargs)
        finally:
            spent.append(time.process_time() - started)

    with mock.patch.object(password_hasher, "verify_secret", timed_verify):
        yield


def login_once(client, parent: dict, password: str):
    client.cookies.clear()  # a new browser (one client: its handler loads the middleware once)
    page = client.get(LOGIN, secure=True)
    answer = client.post(LOGIN, {"username": parent["username"], "password": password}, secure=True)
    if page.status_code != 200 or answer.status_code != 302:
        sys.exit(f"login of {parent['username']} failed: {page.status_code}, {answer.status_code}")


def count_queries(client, parent: dict, password: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.cookies.clear()
    counts = {}
    with CaptureQueriesContext(connection) as queries:
        client.get(LOGIN, secure=True)
    counts["get"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        client.post(LOGIN, {"username": parent["username"], "password": password}, secure=True)
    counts["post"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        client.cookies.clear()
        client.post(LOGIN, {"username": parent["username"], "password": "wrong"}, secure=True)
    counts["failed"] = len(queries)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument(
        "--profile", choices=["get", "post"], help="print the top functions of that part"
    )
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--show-queries", action="store_true", help="print the POST's SQL")
    args = parser.parse_args()
    setup_environment()
    parents = parents_or_build(64)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ouderportaal.accounts.models import LoginFailure
    from ouderportaal.core.demo import DEMO_PASSWORD

    client = Client()
    for parent in parents[:4]:  # warm: templates, translations, per-process caches
        login_once(client, parent, DEMO_PASSWORD)
    queries = count_queries(client, parents[0], DEMO_PASSWORD)
    LoginFailure.objects.all().delete()  # the counted failure must not lock anyone
    if args.show_queries:
        with CaptureQueriesContext(connection) as captured:
            login_once(client, parents[1], DEMO_PASSWORD)
        for query in captured.captured_queries:
            print(query["sql"][:300])

    backend = Backend()
    web = {"get": 0.0, "post": 0.0}
    database = {"get": 0, "post": 0}
    hashing: list[float] = []
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    with timed_argon2(hashing):
        for index in range(args.logins):
            parent = parents[index % len(parents)]
            client.cookies.clear()  # a new browser
            ticks, started = backend.ticks(), time.process_time()
            if profiler and args.profile == "get":
                profiler.enable()
            page = client.get(LOGIN, secure=True)
            if profiler:
                profiler.disable()
            web["get"] += time.process_time() - started
            database["get"] += backend.ticks() - ticks
            ticks, started = backend.ticks(), time.process_time()
            if profiler and args.profile == "post":
                profiler.enable()
            answer = client.post(
                LOGIN, {"username": parent["username"], "password": DEMO_PASSWORD}, secure=True
            )
            if profiler:
                profiler.disable()
            web["post"] += time.process_time() - started
            database["post"] += backend.ticks() - ticks
            if page.status_code != 200 or answer.status_code != 302:
                sys.exit(f"login failed: {page.status_code}, {answer.status_code}")

    n = args.logins
    hash_ms = 1000 * sum(hashing) / n
    get_ms = 1000 * web["get"] / n
    post_ms = 1000 * web["post"] / n - hash_ms
    to_ms = 1000 / CLK_TCK / n
    db = "PostgreSQL" if backend.pid else "database (not measured)"
    print(f"{n} logins ({connection.vendor}), in-process CPU per login; {db} backend CPU")
    print("| part | web CPU ms | database CPU ms | queries |")
    print("|---|---:|---:|---:|")
    print(f"| argon2id (one verification) | {hash_ms:.1f} | | |")
    print(f"| login page (GET) | {get_ms:.1f} | {database['get'] * to_ms:.1f} | {queries['get']} |")
    print(
        f"| POST besides the hash | {post_ms:.1f} | {database['post'] * to_ms:.1f} "
        f"| {queries['post']} |"
    )
    total = get_ms + post_ms + hash_ms + (database["get"] + database["post"]) * to_ms
    print(f"| whole login | {total:.1f} | | |")
    print(f"| a failed POST (queries) | | | {queries['failed']} |")
    print(f"hash share of a login's CPU: {100 * hash_ms / total:.0f} %")
    if profiler:
        print_profile(profiler, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
