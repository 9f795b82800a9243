#!/usr/bin/env python
"""Benchmark report day: parents reading results on one small box.

Starts a throwaway PostgreSQL (initdb in a temporary folder), builds a school of about
300 pupils with eight school years of results (`--scale 10`: ten such schools), starts
gunicorn with the production settings (DEBUG off), logs in real parent sessions through
the portal's login, and drives the home, general, method-test and Cito pages with wrk.
Every response is checked in wrk's Lua script: status 200, the child's name present and
no other benchmarked child's name (each benchmarked child has a unique surname, so a page
of the wrong child is always noticed). `/healthz` is measured in the same run as the
floor, and every page's throughput is printed as a ratio of it.

    scripts/bench_report_day.py [--scale 1] [--runs 3] [--duration 8] [--concurrency 10,50]

Prints a table per concurrency with req/s, p50/p95/p99 latency, server CPU per request
(gunicorn workers + PostgreSQL processes, from /proc utime+stime deltas), queries per
page and errors; then the raw argon2id hashing rate against logins/s at c=4, and the
server CPU per login (`--logins-only`: only that).
Traffic goes to 127.0.0.1 only; every load step is bounded by --duration.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
MARKER_PREFIX = "Proef"
PAGES = ("home", "general", "method_tests", "lvs")
# Pages whose results part is kept once built (results/kept.py): their first view per
# child is measured on its own before the load.
KEPT_PAGES = ("method_tests", "lvs")
LOGIN_CONCURRENCY = 4

WRK_SCRIPT = r"""
-- One connection per thread: each response answers this thread's last request.
local entries = {}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local cookie, path, marker = line:match("^(.-)\t(.-)\t(.-)$")
    table.insert(entries, {cookie = cookie, path = path, marker = marker})
  end
  index = id % #entries
  current = nil
  checked, errors, wrong = 0, 0, 0
end

function request()
  index = index % #entries + 1
  current = entries[index]
  return wrk.format("GET", current.path, {Cookie = current.cookie})
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 then
    errors = errors + 1
    return
  end
  if current.marker == "" then return end
  local own = false
  for name in body:gmatch("PREFIX%a%a%a") do
    if name == current.marker then own = true else wrong = wrong + 1; return end
  end
  if not own then wrong = wrong + 1 end
end

function done(summary, latency, requests)
  local c, e, w = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("checked"); e = e + t:get("errors"); w = w + t:get("wrong")
  end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"checked": %d, "errors": %d, "wrong": %d, "socket_errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), c, e, w,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status))
end
""".replace("PREFIX", MARKER_PREFIX)


# -- Setting up ------------------------------------------------------------------------


def log(message: str) -> None:
    # UTC: Django's set-up changes the process's local time zone half-way.
    moment = time.strftime("%H:%M:%S", time.gmtime())
    print(f"[{moment} UTC] {message}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


def apt_install(package: str) -> None:
    """Install one of Debian's packages (as root; the caller checks)."""
    log(f"installing {package}")
    subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        if not is_root():
            sys.exit("wrk is missing: install Debian's `wrk` package (apt-get install wrk)")
        apt_install("wrk")
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        log("installing gunicorn")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "gunicorn"], check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    def __init__(self, work: Path):
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parts)
        if not candidates:
            sys.exit("no PostgreSQL server: apt-get install postgresql")
        preferred = [p for p in candidates if p.parts[-2] == "15"]
        self.bin = (preferred or candidates)[-1]
        self.dir = work / "pg"
        self.dir.mkdir()
        self.port = free_port()

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if is_root():
            shutil.chown(self.dir, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self._run(
            "initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "--no-sync",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=256MB"
        )
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-w", "-l", f"{self.dir}/log",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def postmaster_pid(self) -> int:
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])


# -- /proc -------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_ticks(roots: list[int]) -> int:
    """utime+stime of the roots' children, plus the roots' own and reaped children's time
    (a PostgreSQL backend that ended is counted in the postmaster's cutime/cstime)."""
    total = 0
    for root in roots:
        fields = _stat(root)
        if fields:
            # after "(comm) ": state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))
        for child in children(root):
            fields = _stat(child)
            if fields:
                total += int(fields[11]) + int(fields[12])
    return total


# -- The data set ------------------------------------------------------------------------


def build_data(scale: int, sessions: int) -> dict:
    """Build the schools in this process (Django set up on the benchmark database)."""
    import django

    django.setup()
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from ouderportaal.core import demo
    from ouderportaal.core.models import Board, Guardian, SchoolYear, Student
    from ouderportaal.results import demo as results_demo
    from ouderportaal.results.models import LvsResult, MethodResult, MethodTest
    from ouderportaal.schoolcontrol import demo as control_demo

    call_command("migrate", verbosity=0)
    call_command("compile_translations", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    demo.PUPILS_PER_GROUP = 37  # eight groups: about 300 pupils per school
    password_hash = make_password(demo.DEMO_PASSWORD)
    rng = random.Random(16)  # noqa: S311 - a repeatable data set
    today = timezone.localdate()
    with transaction.atomic():
        builder = demo._Builder(password_hash)
        board = Board.objects.create(name="Stichting Benchmark", number="49998")
        schools = []
        for n in range(scale):
            builder.logins = []
            school = builder.school(
                board, f"Benchmarkschool {n + 1}", f"bench-{n + 1}", f"9{n:01d}ZZ"[:4],
                "Utrecht", "Midden",
            )  # fmt: skip
            results_demo._build_school(school, rng, today)
            _past_method_results(school, rng, today, MethodTest, MethodResult, SchoolYear)
            control_demo.demo_step([school], rng)
            schools.append(school)

        # Parents with an account: one per benchmarked child, spread over the groups of
        # the first school; each child gets a unique surname for the checks.
        students = list(Student.objects.filter(school=schools[0]).order_by("jaargroep", "pk"))
        step = max(1, len(students) // sessions)
        chosen = students[::step][:sessions]
        user_model = get_user_model()
        parents = []
        for index, student in enumerate(chosen):
            marker = MARKER_PREFIX + _letters(index)
            student.achternaam = marker
            student.voorvoegsel = ""
            student.save(update_fields=["achternaam", "voorvoegsel"])
            guardian = Guardian.objects.filter(links__student=student).order_by("pk").first()
            user = user_model.objects.create(
                username=f"bench{index:03d}",
                first_name=guardian.roepnaam,
                last_name="Ouder",
                email=f"bench{index:03d}@example.nl",
                password=password_hash,
            )
            guardian.user = user
            guardian.save(update_fields=["user"])
            parents.append(
                {"username": user.username, "child": student.public_id, "marker": marker}
            )
    counts = {
        "schools": scale,
        "pupils": Student.objects.filter(school__board=board).count(),
        "lvs_results": LvsResult.objects.filter(school__board=board).count(),
        "method_results": MethodResult.objects.filter(school__board=board).count(),
    }
    first_school = MethodResult.objects.filter(school=schools[0]).count()
    first_school += LvsResult.objects.filter(school=schools[0]).count()
    counts["results_first_school"] = first_school
    return {"parents": parents, "counts": counts, "password": demo.DEMO_PASSWORD}


def _letters(index: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    return (
        alphabet[index // 676 % 26] + alphabet[index // 26 % 26] + alphabet[index % 26]
    ).capitalize()


def _past_method_results(school, rng, today, MethodTest, MethodResult, SchoolYear):  # noqa: N803
    """Method results for each earlier school year a pupil was in groep 3 or higher."""
    from decimal import Decimal

    from django.utils import timezone

    from ouderportaal.core.models import Student
    from ouderportaal.results.demo import METHOD_PLAN, fast_insert

    current = school.current_school_year(today)
    first_year = int(current.label[:4])
    years = {y.label: y for y in SchoolYear.objects.filter(school=school)}
    tests = {}
    for offset in range(1, 7):
        label = f"{first_year - offset}-{first_year - offset + 1}"
        year = years.get(label)
        if year is None:
            continue
        for groep in range(3, 9):
            for subject, method, name, result_type, _parts in METHOD_PLAN:
                for block in range(1, 6):
                    tests[(label, groep, subject, block)] = MethodTest(
                        school=school,
                        school_year=year,
                        jaargroep=str(groep),
                        subject=subject,
                        method=method,
                        name=name.format(b=block),
                        taken_on=year.start_date.replace(month=9 + block if block < 4 else 1)
                        if block < 4
                        else year.start_date.replace(year=year.start_date.year + 1, month=block),
                        result_type=result_type,
                        mastery_norm=80 if result_type == "percentage" else 60,
                    )
    MethodTest.objects.bulk_create(tests.values())
    now = timezone.now()
    rows = []
    for student in Student.objects.filter(school=school).exclude(jaargroep__in=["1", "2", "C"]):
        groep_now = int(student.jaargroep)
        for offset in range(1, 7):
            groep = groep_now - offset
            label = f"{first_year - offset}-{first_year - offset + 1}"
            if groep < 3 or label not in years:
                continue
            for subject, _m, _n, result_type, _p in METHOD_PLAN:
                for block in range(1, 6):
                    test = tests[(label, groep, subject, block)]
                    skill = rng.gauss(0.2, 0.9)
                    row = {
                        "school_id": school.pk,
                        "student_id": student.pk,
                        "school_year_id": years[label].pk,
                        "entered_at": now,
                        "release_moment": "",
                        "taken_on": test.taken_on,
                        "test_id": test.pk,
                    }
                    if result_type == "percentage":
                        value = max(20, min(100, round(82 + 11 * skill)))
                        row["percentage"] = Decimal(value)
                    elif result_type == "grade":
                        value = max(10, min(100, round(72 + 10 * skill)))
                        row["grade"] = Decimal(value) / 10
                    else:
                        value = 80 if skill > -0.4 else 50
                        row["rating"] = "voldoende" if value >= 60 else "matig"
                    row["mastered"] = value >= test.mastery_norm
                    rows.append(row)
    fast_insert(MethodResult, rows)


def count_queries(parents: list[dict], password: str) -> dict[str, int]:
    """Queries per page for one logged-in parent (Django's test client, same settings)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    parent = parents[0]
    client.post(
        "/account/inloggen/",
        {"username": parent["username"], "password": password},
        secure=True,
    )
    counts = {}
    for page, path in page_paths(parent).items():
        client.get(path, secure=True)  # warm: the first request fills per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        if response.status_code != 200:
            sys.exit(f"{page}: {path} answered {response.status_code} in the query count")
        counts[page] = len(queries)
    return counts


def page_paths(parent: dict) -> dict[str, str]:
    child = parent["child"]
    return {
        "home": "/ouders/",
        "general": f"/ouders/kind/{child}/",
        "method_tests": f"/ouders/kind/{child}/methodetoetsen/",
        "lvs": f"/ouders/kind/{child}/cito/",
    }


# -- Logging in over HTTP ----------------------------------------------------------------


def _cookies(response, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def login(port: int, username: str, password: str, *, source_address=None, headers=None) -> str:
    """Log in as a browser does: GET the login page (the form and its CSRF cookie), POST
    it; the redirect after the login is not followed (it is not part of the login).
    `source_address` and `headers` (for the POST) let a caller pose as another visitor."""
    connection = HTTPConnection("127.0.0.1", port, timeout=60, source_address=source_address)
    jar: dict[str, str] = {}
    connection.request("GET", "/account/inloggen/")
    response = connection.getresponse()
    body = response.read().decode()
    _cookies(response, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    connection.request(
        "POST",
        "/account/inloggen/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            **(headers or {}),
        },
    )
    response = connection.getresponse()
    response.read()
    _cookies(response, jar)
    connection.close()
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login of {username} failed: {response.status}")
    return f"sessionid={jar['sessionid']}"


def _portal_hasher():
    """argon2-cffi's hasher with exactly the parameters the portal stores passwords with."""
    from argon2 import PasswordHasher, Type

    from ouderportaal.accounts.hashers import Argon2idHasher

    portal = Argon2idHasher()
    return PasswordHasher(
        time_cost=portal.time_cost,
        memory_cost=portal.memory_cost,
        parallelism=portal.parallelism,
        type=Type.ID,
    )


def _hash_for(seconds: float) -> tuple[int, float]:
    hasher = _portal_hasher()
    end = time.monotonic() + seconds
    started = time.process_time()
    count = 0
    while time.monotonic() < end:
        hasher.hash("kijk mee op school")
        count += 1
    return count, time.process_time() - started


def raw_hash_rate(processes: int, seconds: float = 4.0) -> tuple[float, float]:
    """argon2id hashes per second with the portal's parameters in `processes` processes
    (as many as logins run at once: on a shared machine more processes get more CPU),
    and the CPU ms per hash."""
    with Pool(processes) as pool:
        results = pool.map(_hash_for, [seconds] * processes)
    count = sum(n for n, _cpu in results)
    return count / seconds, 1000 * sum(cpu for _n, cpu in results) / max(1, count)


def wait_until_ready(port: int, server_pid: int, timeout: float = 60) -> None:
    """Until /healthz answers 200 and the workers have finished booting (their CPU time
    stops growing), so that neither the hash rate nor the logins pay for the boot."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        sys.exit("the portal did not answer /healthz")
    before = cpu_ticks([server_pid])
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_ticks([server_pid])
        if now - before <= 1:
            return
        before = now


def login_rate(port: int, parents: list[dict], password: str, concurrency: int):
    """Log every parent in, `concurrency` at a time: (logins per second, session cookies)."""
    start = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        sessions = list(pool.map(lambda p: login(port, p["username"], password), parents))
    return len(parents) / (time.monotonic() - start), sessions


# -- Load --------------------------------------------------------------------------------


def run_wrk(port, path, concurrency, duration, script, entries_file, cpu_roots) -> dict:
    before = cpu_ticks(cpu_roots)
    command = [
        "wrk", f"-t{concurrency}", f"-c{concurrency}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(script), f"http://127.0.0.1:{port}{path}", "--", str(entries_file),
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    after = cpu_ticks(cpu_roots)
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / result["seconds"]
    result["cpu_ms"] = (after - before) * 1000 / CLK_TCK / max(1, result["requests"])
    return result


def first_views(port, sessions, parents, page, cpu_roots) -> dict:
    """Every parent opens the page once, one after the other, before the load: the
    first view of each child's results builds the page that all workers then keep
    (results/kept.py). Returns the server CPU ms of such a first view, checked like the
    load's responses."""
    before = cpu_ticks(cpu_roots)
    for cookie, parent in zip(sessions, parents, strict=True):
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", page_paths(parent)[page], headers={"Cookie": cookie})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        if response.status != 200 or parent["marker"] not in body:
            raise RuntimeError(f"first view of {page} for {parent['username']} failed")
    spent = (cpu_ticks(cpu_roots) - before) * 1000 / CLK_TCK
    return {"cpu_ms": spent / len(parents), "views": len(parents)}


def write_entries(path: Path, sessions: list[str], parents: list[dict], page: str | None):
    with path.open("w") as f:
        for cookie, parent in zip(sessions, parents, strict=True):
            url = page_paths(parent)[page] if page else "/healthz"
            f.write(f"{cookie}\t{url}\t{parent['marker'] if page else ''}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="schools of ~300 pupils")
    parser.add_argument("--sessions", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per load step")
    parser.add_argument("--concurrency", default="10,50")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--conn-max-age", default=None, help="DB_CONN_MAX_AGE for gunicorn")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument(
        "--logins-only", action="store_true", help="measure the hash and the logins only"
    )
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    pages = [p for p in args.pages.split(",") if p]

    ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="bench-report-day-"))
    if is_root():
        shutil.chown(work, "postgres")
        os.chmod(work, 0o711)  # noqa: S103 - PostgreSQL reaches its folder inside
    postgres = Postgres(work)
    gunicorn = None
    try:
        log(f"starting PostgreSQL from {postgres.bin} on port {postgres.port}")
        postgres.start()
        env = {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": postgres.url,
            "DATA_DIR": str(work),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": "console://",
            "LOG_LEVEL": "WARNING",
        }
        if args.conn_max_age is not None:
            env["DB_CONN_MAX_AGE"] = args.conn_max_age
        os.environ.update(env)
        sys.path.insert(0, str(ROOT / "src"))
        started = time.monotonic()
        log(f"building the data set (scale {args.scale})")
        data = build_data(args.scale, args.sessions)
        log(f"built in {time.monotonic() - started:.0f} s: {data['counts']}")
        queries = count_queries(data["parents"], data["password"])
        from django.db import connection, connections

        # Statistics and visibility maps for the new rows now, so that autovacuum does
        # not do it during the measurements (its CPU would count as the pages').
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

        connections.close_all()

        port = free_port()
        gunicorn_bin = str(Path(sys.executable).parent / "gunicorn")
        gunicorn = subprocess.Popen(
            [gunicorn_bin, "ouderportaal.wsgi", "--no-control-socket", "--bind",
             f"127.0.0.1:{port}", "--workers", str(args.workers), "--worker-class", "sync",
             "--log-level", "warning"],
            env={**os.environ, **env}, cwd=work,
        )  # fmt: skip
        wait_until_ready(port, gunicorn.pid)
        cpu_roots = [gunicorn.pid, postgres.postmaster_pid()]

        log(f"measuring argon2id and logging in {len(data['parents'])} parents at c=4")
        hash_rate, hash_cpu_ms = raw_hash_rate(LOGIN_CONCURRENCY)
        log(f"argon2id: {hash_rate:.1f}/s, {hash_cpu_ms:.1f} ms CPU each")
        # One round unmeasured: each worker's first login loads templates and code.
        login_rate(port, data["parents"][: 4 * args.workers], data["password"], LOGIN_CONCURRENCY)
        login_rates, login_cpu = [], []
        for _run in range(args.runs):
            before = cpu_ticks(cpu_roots)
            rate, sessions = login_rate(port, data["parents"], data["password"], LOGIN_CONCURRENCY)
            login_cpu.append((cpu_ticks(cpu_roots) - before) * 1000 / CLK_TCK / len(sessions))
            login_rates.append(rate)
            log(f"logins: {rate:.1f}/s, {login_cpu[-1]:.1f} ms server CPU each")
        logins = {"rates": login_rates, "cpu_ms": login_cpu, "hash_cpu_ms": hash_cpu_ms}

        script = work / "check.lua"
        script.write_text(WRK_SCRIPT)
        table: dict[int, dict[str, dict]] = {}
        first: dict[str, dict] = {}
        for concurrency in [] if args.logins_only else concurrencies:
            table[concurrency] = {}
            for page in ["healthz", *pages]:
                if page in KEPT_PAGES and page not in first:
                    log(f"first view of {page} for each parent")
                    first[page] = first_views(port, sessions, data["parents"], page, cpu_roots)
                entries = work / f"entries-{page}.tsv"
                write_entries(
                    entries, sessions, data["parents"], None if page == "healthz" else page
                )
                runs = []
                for run in range(args.runs):
                    log(f"c={concurrency} {page} run {run + 1}")
                    runs.append(
                        run_wrk(port, "/", concurrency, args.duration, script, entries, cpu_roots)
                    )
                table[concurrency][page] = runs
        report(args, data, queries, table, hash_rate, logins, first)
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(args, data, queries, table, hash_rate, logins, first) -> None:
    def median(runs, key):
        return statistics.median(r[key] for r in runs)

    counts = data["counts"]
    print(
        f"\nReport day benchmark: scale {args.scale} ({counts['pupils']} pupils, "
        f"{counts['lvs_results'] + counts['method_results']} results; "
        f"{counts['results_first_school']} in the benchmarked school), "
        f"{len(data['parents'])} parent sessions, gunicorn {args.workers} sync workers, "
        f"DB_CONN_MAX_AGE={os.environ.get('DB_CONN_MAX_AGE', 'default')}, "
        f"median of {args.runs} runs of {args.duration} s, {os.cpu_count()} cores\n"
    )
    for concurrency, pages in table.items():
        floor = median(pages["healthz"], "rps")
        print(f"c = {concurrency}")
        print(
            "| page | req/s | % of /healthz | p50 ms | p95 ms | p99 ms | CPU ms/req "
            "| queries | checked | errors | wrong child |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for page, runs in pages.items():
            errors = sum(r["errors"] + r["socket_errors"] for r in runs)
            print(
                f"| {page} | {median(runs, 'rps'):.0f} | {100 * median(runs, 'rps') / floor:.0f} % "
                f"| {median(runs, 'p50') / 1000:.1f} | {median(runs, 'p95') / 1000:.1f} "
                f"| {median(runs, 'p99') / 1000:.1f} | {median(runs, 'cpu_ms'):.1f} "
                f"| {queries.get(page, 0)} | {sum(r['checked'] for r in runs)} | {errors} "
                f"| {sum(r['wrong'] for r in runs)} |"
            )
        print()
    for page, views in first.items():
        print(
            f"first view of {page} (the page built and kept, once per child and change): "
            f"{views['cpu_ms']:.1f} ms server CPU, {views['views']} views checked"
        )
    if first:
        print()
    rate = statistics.median(logins["rates"])
    cpu = statistics.median(logins["cpu_ms"])
    hasher = _portal_hasher()
    print(
        f"argon2id (t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, "
        f"p={hasher.parallelism}) in {LOGIN_CONCURRENCY} processes: {hash_rate:.1f} hashes/s "
        f"({logins['hash_cpu_ms']:.1f} ms CPU per hash); logins at c={LOGIN_CONCURRENCY}: "
        f"{rate:.1f}/s ({100 * rate / hash_rate:.0f} % of the hash rate), "
        f"{cpu:.1f} ms server CPU per login (login page + POST)"
    )


if __name__ == "__main__":
    sys.exit(main())
