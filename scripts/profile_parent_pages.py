#!/usr/bin/env python
"""CPU per parent page in one process, without the noise of a load test.

Builds the report-day data set of `bench_report_day.py` (once: a database that already
holds it is reused), logs one parent in with Django's test client under the production
settings (DEBUG off) and requests each parent page many times, warm. Prints the CPU
milliseconds per request (`time.process_time`, so other processes on the machine do
not count) and, with `--profile`, the functions that cost the most.

    DATABASE_URL=postgres://... scripts/profile_parent_pages.py [--requests 200] [--profile]

Without DATABASE_URL the data set is built in SQLite in a temporary folder.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

PAGES = ("healthz", "home", "general", "method_tests", "lvs")


def setup_environment() -> None:
    data_dir = os.environ.get("DATA_DIR") or tempfile.mkdtemp(prefix="profile-pages-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "DATA_DIR": data_dir,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": "console://",
            "LOG_LEVEL": "WARNING",
        }
    )


def parents_or_build(sessions: int) -> list[dict]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.utils import DatabaseError

    call_command("migrate", verbosity=0)
    call_command("compile_translations", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)

    try:
        users = list(get_user_model().objects.filter(username__startswith="bench").order_by("pk"))
    except DatabaseError:
        users = []
    if not users:
        from bench_report_day import build_data

        return build_data(1, sessions)["parents"]
    from ouderportaal.core.models import Guardian

    parents = []
    for user in users:
        guardian = Guardian.objects.filter(user=user).first()
        student = guardian.links.order_by("pk").first().student
        parents.append(
            {"username": user.username, "child": student.public_id, "marker": student.achternaam}
        )
    return parents


def print_profile(profiler, top: int) -> None:
    """The `top` functions by own time, then by time including what they call."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def paths_for(parent: dict) -> dict[str, str]:
    from bench_report_day import page_paths

    return {"healthz": "/healthz", **page_paths(parent)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="warm requests per page")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--parent", type=int, default=-1, help="which benchmark parent")
    args = parser.parse_args()
    setup_environment()
    parents = parents_or_build(64)

    from django.test import Client

    from ouderportaal.core.demo import DEMO_PASSWORD

    parent = parents[args.parent]
    client = Client()
    response = client.post(
        "/account/inloggen/",
        {"username": parent["username"], "password": DEMO_PASSWORD},
        secure=True,
    )
    if response.status_code != 302:
        sys.exit(f"login failed ({response.status_code})")
    paths = paths_for(parent)
    print(f"{args.requests} warm requests per page, parent {parent['username']}, in-process CPU")
    print("| page | CPU ms/req | KB |")
    print("|---|---:|---:|")
    for page in [p for p in args.pages.split(",") if p]:
        path = paths[page]
        for _ in range(3):  # warm: per-process caches, compiled templates
            response = client.get(path, secure=True)
        if response.status_code != 200 or (
            page != "healthz" and parent["marker"] not in response.content.decode()
        ):
            sys.exit(f"{page}: {path} answered {response.status_code} or without the child")
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU only
        started = time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(args.requests):
            client.get(path, secure=True)
        if profiler:
            profiler.disable()
        spent = (time.process_time() - started) * 1000 / args.requests
        print(f"| {page} | {spent:.1f} | {len(response.content) / 1024:.1f} |")
        if profiler:
            print_profile(profiler, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
