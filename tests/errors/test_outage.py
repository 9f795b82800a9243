"""While the database cannot be reached, every page answers 503 with the portal's page.

Each case runs the portal in a separate process whose DATABASE_URL points at a
database that really cannot be reached (an SQLite file in a folder that does not
exist; a PostgreSQL address where no server listens), with DEBUG off.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("outage_probe.py")
ROOT = PROBE.parents[2]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_probe(database_url: str, *args: str):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "ouderportaal.settings_test",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DEBUG", None)
    done = subprocess.run(
        [sys.executable, str(PROBE), *args],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(
    scope="module",
    params=["sqlite", "postgresql"],
)
def outage(request, tmp_path_factory):
    if request.param == "sqlite":
        missing = tmp_path_factory.mktemp("outage") / "no-such-folder" / "portal.sqlite3"
        return _run_probe(f"sqlite:///{missing}")
    return _run_probe(f"postgres://portal@127.0.0.1:{_closed_port()}/portal")


def test_every_page_answers_503_with_the_portals_page(outage):
    pages = [r for r in outage if r["path"] != "/healthz"]
    assert pages
    for result in pages:
        assert result["status"] == 503, result
        assert result["retry_after"] == "60", result
        assert result["lang"] in ("nl", "en"), result


def test_the_page_is_in_the_visitors_language(outage):
    dutch = [r for r in outage if r["lang"] == "nl"]
    english = [r for r in outage if r["lang"] == "en"]
    assert {r["h1"] for r in dutch} == {"Het portaal is even niet bereikbaar"}
    assert {r["h1"] for r in english} == {"The portal is briefly unavailable"}


def test_no_session_is_started_or_changed_during_the_outage(outage):
    assert all("sessionid" not in r["set_cookie"] for r in outage)


def test_health_check_stays_503_for_load_balancers(outage):
    (health,) = [r for r in outage if r["path"] == "/healthz"]
    assert health["status"] == 503
    assert health["h1"].startswith("database unavailable")


def test_nothing_is_half_saved_and_the_portal_recovers_by_itself(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    result = _run_probe(f"sqlite:///{folder / 'portal.sqlite3'}", str(folder))

    assert [r["status"] for r in result["during"]] == [503, 503]
    assert {r["h1"] for r in result["during"]} == {"Het portaal is even niet bereikbaar"}
    # The change request sent during the outage left nothing behind.
    assert result["written_during_outage"] == {"requests": 0, "changes": 0, "audit": 0}
    # Back again without a restart; the parent is still logged in and can send it now.
    assert [r["status"] for r in result["after"]] == [200, 200]
    assert result["written_after"]["requests"] == 1
    assert result["written_after"]["changes"] >= 1
