#!/usr/bin/env python
"""Scale out: two web nodes behind nginx, two workers, one PostgreSQL, on one machine.

Starts a throwaway PostgreSQL (initdb in a temporary folder, as the report-day benchmark
does), two gunicorn instances of the portal on different ports, nginx in front of them
(round-robin, run in the foreground with a generated configuration), two
`ouderportaal db_worker`s and a local SMTP server, and checks what a national
installation relies on:

1. the visitor's address: a parent logs in through nginx from another loopback address
   than nginx's own, with a made-up X-Forwarded-For; the portal records the address
   nginx saw (BEHIND_PROXY, core.net.client_ip), not nginx's and not the made-up one;
2. sessions across nodes: that parent's session opens their page on both instances
   (nginx's access log names the instance of every request);
3. every mail once: a bulk account mail for a group is queued, the two workers deliver
   it, and the SMTP server receives every mail exactly once (counted by Message-ID and
   by recipient);
4. throughput: a short wrk load on the parent home page through nginx (two instances)
   and straight to one instance; prints both and the ratio. On a 2-core machine it
   cannot double: the ratio shows what the second instance adds there.

    scripts/scale_out.py [--duration 8] [--workers-per-node 2]

Exits non-zero when a check fails. Everything listens on 127.0.0.1 only. Needs the
server binaries of PostgreSQL, nginx and wrk (installed with apt when missing and run
as root), and the development dependencies (gunicorn, aiosmtpd).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email import message_from_bytes, policy
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_report_day as bench  # noqa: E402 - the benchmark's PostgreSQL, data set and wrk

ROOT = bench.ROOT
VISITOR = "127.0.0.7"  # the parent's browser: another loopback address than nginx's
MADE_UP = "203.0.113.66"  # what a visitor may put in X-Forwarded-For themselves
SESSIONS = 8
CHECKS = 4  # the address, the session, the mail, the load: each reports once
NGINX_CONFIG = """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
{user}
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    log_format upstream '$upstream_addr $status $request_uri';
    upstream portal {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        access_log {work}/nginx-access.log upstream;
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def ensure_nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found:
        return found
    if not bench.is_root():
        sys.exit("nginx is missing: install Debian's `nginx-light` package")
    bench.apt_install("nginx-light")
    return shutil.which("nginx", path="/usr/sbin:/usr/bin")


class Inbox:
    """A local SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[tuple[list[str], object]] = []
        self.port = bench.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def page(port: int, path: str, cookie: str) -> tuple[int, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def check(results: list, name: str, ok: bool, detail: str) -> None:
    results.append((name, ok))
    bench.log(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")


def check_visitor_address(results, nginx_port, parent, password) -> str:
    """Log in through nginx from VISITOR with a made-up X-Forwarded-For: the login's audit
    row must carry VISITOR's pseudonym."""
    from ouderportaal.core.models import AuditEvent
    from ouderportaal.core.privacy import pseudonym

    refusal = None
    try:
        cookie = bench.login(
            nginx_port,
            parent["username"],
            password,
            source_address=(VISITOR, 0),
            headers={"X-Forwarded-For": MADE_UP},
        )
    except RuntimeError as refused:  # reported below, as the check's failure
        cookie, refusal = "sessionid=", str(refused)
    event = AuditEvent.objects.filter(action="account.login").order_by("-pk").first()
    seen = event.data.get("address") if event else None
    expected = pseudonym("login-log-address", VISITOR, length=12)
    wrong = {
        pseudonym("login-log-address", MADE_UP, length=12): "the made-up X-Forwarded-For",
        pseudonym("login-log-address", "127.0.0.1", length=12): "nginx's own address",
    }
    check(
        results,
        "visitor's address behind nginx",
        refusal is None and seen == expected,
        f"{refusal or 'logged in'}, recorded "
        + ("the visitor's address" if seen == expected else wrong.get(seen, repr(seen))),
    )
    return cookie


def check_session_on_both(results, nginx_port, cookie, parent, backends, access_log) -> None:
    statuses = []
    for n in range(6):
        status, body = page(nginx_port, f"/ouders/?node-check={n}", cookie)
        statuses.append(status == 200 and parent["marker"] in body)
    time.sleep(0.2)
    served = Counter()
    for line in access_log.read_text().splitlines():
        upstream, status, uri = line.split(" ", 2)
        if "node-check=" in uri and status == "200":
            served[upstream] += 1
    on_both = all(f"127.0.0.1:{port}" in served for port in backends)
    check(
        results,
        "one session on both instances",
        all(statuses) and on_both,
        f"{sum(statuses)}/6 pages with the child's name; served by {dict(served)}",
    )


def check_mail_once(results, inbox, base_url, timeout=90) -> None:
    from ouderportaal.accounts import services
    from ouderportaal.accounts.models import AccountMailBatch, AccountMailItem
    from ouderportaal.core.models import Group, Guardian, School

    school = School.objects.get(slug="bench-1")
    group = Group.objects.filter(school=school).order_by("-jaargroep", "name").first()
    batch = services.start_batch(
        school=school,
        guardians=Guardian.objects.filter(links__student__group=group).values("pk"),
        scope=AccountMailBatch.Scope.GROUP,
        label=group.name,
        actor=None,
        base_url=base_url,
    )
    bench.log(f"queued {batch.total} account mails for group {group.name}")
    deadline = time.monotonic() + timeout
    waiting = AccountMailItem.objects.filter(
        batch=batch, state__in=[AccountMailItem.State.QUEUED, AccountMailItem.State.SENDING]
    )
    started = time.monotonic()
    while time.monotonic() < deadline and (waiting.exists() or len(inbox.received) < batch.total):
        time.sleep(0.2)
    took = time.monotonic() - started
    time.sleep(2)  # a second delivery of any mail would arrive in this time
    ids = Counter(message["Message-ID"] for _rcpt, message in inbox.received)
    recipients = Counter(rcpt for rcpts, _m in inbox.received for rcpt in rcpts)
    states = Counter(batch.items.values_list("state", flat=True))
    check(
        results,
        "every queued mail delivered once by two workers",
        batch.total > 0
        and len(ids) == batch.total
        and set(ids.values()) == {1}
        and len(recipients) == batch.total
        and set(recipients.values()) == {1}
        and states == {AccountMailItem.State.SENT: batch.total},
        f"{batch.total} queued, {len(inbox.received)} received in {took:.1f} s, "
        f"{len(ids)} distinct Message-IDs, most to one recipient "
        f"{max(recipients.values(), default=0)}, items {dict(states)}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers-per-node", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    bench.ensure_tools()
    nginx_bin = ensure_nginx()
    work = Path(tempfile.mkdtemp(prefix="scale-out-"))
    if bench.is_root():
        shutil.chown(work, "postgres")
        os.chmod(work, 0o711)  # noqa: S103 - PostgreSQL and nginx reach their files inside
    postgres = bench.Postgres(work)
    processes: list[subprocess.Popen] = []
    inbox = Inbox()
    results: list[tuple[str, bool]] = []
    stack = contextlib.ExitStack()
    try:
        bench.log(f"starting PostgreSQL on port {postgres.port}")
        postgres.start()
        inbox.controller.start()
        env = {
            "DJANGO_SETTINGS_MODULE": "ouderportaal.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),  # the same on every node
            "DATABASE_URL": postgres.url,
            "DATA_DIR": str(work),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "BEHIND_PROXY": "true",
            "EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        sys.path.insert(0, str(ROOT / "src"))
        bench.log("building one school (about 260 pupils)")
        data = bench.build_data(1, SESSIONS)
        from django.db import connections

        connections.close_all()

        bin_dir = Path(sys.executable).parent
        backends = [bench.free_port(), bench.free_port()]
        for number, port in enumerate(backends, 1):
            processes.append(
                subprocess.Popen(
                    [
                        str(bin_dir / "gunicorn"),
                        "ouderportaal.wsgi",
                        "--no-control-socket",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(args.workers_per_node),
                        "--log-level",
                        "warning",
                        "--name",
                        f"portal-{number}",
                    ],
                    env={**os.environ, **env},
                    cwd=work,
                )
            )
        nginx_port = bench.free_port()
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / f"nginx-{name}").mkdir()
        config = work / "nginx.conf"
        config.write_text(
            NGINX_CONFIG.format(
                work=work,
                port=nginx_port,
                user="user root;" if bench.is_root() else "",
                servers="\n".join(f"        server 127.0.0.1:{p};" for p in backends),
            )
        )
        processes.append(
            subprocess.Popen(
                [nginx_bin, "-c", config, "-p", work, "-e", work / "nginx-error.log"], cwd=work
            )
        )
        workers_log = stack.enter_context((work / "workers.log").open("w"))
        worker = [str(bin_dir / "ouderportaal"), "db_worker", "--interval", "0.1",
                  "--no-startup-delay"]  # fmt: skip
        processes += [
            subprocess.Popen(
                worker,
                env={**os.environ, **env},
                cwd=work,
                stdout=workers_log,
                stderr=subprocess.STDOUT,
            )
            for _number in range(2)
        ]
        for port, process in zip(backends, processes, strict=False):
            bench.wait_until_ready(port, process.pid)
        bench.wait_until_ready(nginx_port, processes[2].pid)

        parent = data["parents"][0]
        cookie = check_visitor_address(results, nginx_port, parent, data["password"])
        check_session_on_both(
            results, nginx_port, cookie, parent, backends, work / "nginx-access.log"
        )
        check_mail_once(results, inbox, f"http://127.0.0.1:{nginx_port}/")

        bench.log(f"logging in {SESSIONS} parents through nginx")
        parents = data["parents"]
        sessions = [bench.login(nginx_port, p["username"], data["password"]) for p in parents]
        script = work / "check.lua"
        script.write_text(bench.WRK_SCRIPT)
        entries = work / "entries.tsv"
        bench.write_entries(entries, sessions, parents, "home")
        roots = [p.pid for p in processes[:3]] + [postgres.postmaster_pid()]
        targets = {"nginx, two instances": nginx_port, "one instance": backends[0]}
        runs = {label: [] for label in targets}
        for _run in range(2):
            for label, port in targets.items():
                bench.log(f"wrk c={args.concurrency} {args.duration} s: {label}")
                runs[label].append(
                    bench.run_wrk(
                        port, "/", args.concurrency, args.duration, script, entries, roots
                    )
                )
        print(
            f"\nScale out: parent home page, c={args.concurrency}, best of 2 runs of "
            f"{args.duration} s, {args.workers_per_node} sync workers per instance, "
            f"{os.cpu_count()} cores\n"
        )
        print("| target | req/s | p95 ms | CPU ms/req | checked | errors | wrong child |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        best = {}
        for label, measured in runs.items():
            top = max(measured, key=lambda r: r["rps"])
            best[label] = top["rps"]
            print(
                f"| {label} | {top['rps']:.0f} | {top['p95'] / 1000:.1f} | {top['cpu_ms']:.1f} "
                f"| {sum(r['checked'] for r in measured)} "
                f"| {sum(r['errors'] + r['socket_errors'] for r in measured)} "
                f"| {sum(r['wrong'] for r in measured)} |"
            )
        ratio = best["nginx, two instances"] / max(best["one instance"], 0.1)
        print(f"\nthroughput through nginx / one instance: {ratio:.2f}\n")
        clean = all(
            r["errors"] + r["socket_errors"] + r["wrong"] == 0 for m in runs.values() for r in m
        )
        check(results, "load without errors or wrong children", clean, f"ratio {ratio:.2f}")
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        stack.close()
        inbox.controller.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    failed = [name for name, ok in results if not ok]
    print("all checks passed" if not failed else f"FAILED: {', '.join(failed)}")
    return 1 if failed or len(results) < CHECKS else 0


if __name__ == "__main__":
    sys.exit(main())
