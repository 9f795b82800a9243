"""Every page a parent and each kind of staff member can open, in Chromium at a phone's
width (360 px) and a desktop's (1280 px): axe finds no violation of any impact, nothing
scrolls sideways on the phone, and every page starts with a skip link to <main>.

The pages are those of the URL resolver, with the access rules of the permission matrix
(tests/test_permission_matrix.py) and its URL arguments (tests/permissions/), so a new
page is walked as soon as it is in the matrix. The arguments name objects of the demo
school (core.demo: full groups, two school years of results), so tables and charts
have the size a school really has.

Per persona: one browser context, logged in by session cookie, one tab for all pages.
A page for everyone logged in (profile, password, ...) is walked by the parent and the
school administrator only; the narrower staff roles see the same page there.
A GET that answers 405 (the page is a POST) or with a file is not a page to look at; any
other answer that is not a page fails, unless it is listed in NOT_WALKED with a reason.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderportaal.accounts.models import AccountMailBatch, AccountMailItem, Passkey
from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core import branding
from ouderportaal.core.access import visible_students
from ouderportaal.core.demo import build_demo
from ouderportaal.core.models import Guardian, School, SchoolBranding
from ouderportaal.helpdesk.models import AppointmentRequest, Document, HelpPage
from ouderportaal.imports.models import ImportRun
from ouderportaal.results.models import CitoImport, MethodTest
from ouderportaal.schoolcontrol.models import ClosedPeriod, Release
from tests.browser.conftest import PHONE, axe_violations
from tests.permissions.world import Side
from tests.test_permission_matrix import URLS, expected_allowed, targets

DESKTOP = {"width": 1280, "height": 800}

# Persona of the permission matrix -> the demo login that plays it.
PERSONAS = {
    "anonymous": None,
    "parent": "JdeVries",  # gezag over Sanne and Thijs
    # The school administrator: portal manager, administration and teacher at once, so
    # every staff page; then the two narrower roles, whose menus and pages differ.
    "staff": "directie.ark",
    "administration": "administratie.ark",
    "teacher": None,  # the teacher of the parent's child's group (see _demo_world)
}

NARROW_ROLES = {"administration", "teacher"}

# Pages that are not walked although the persona may GET them, and why.
NOT_WALKED = {
    # A one-time link from a mail; without a real token the page only says it expired.
    "accounts:set_password": "needs a token from a mail",
    "accounts:recovery_confirm": "needs a token from a mail",
    "privacy:download": "needs a token from a prepared download",
    "notifications:unsubscribe": "answers a link from a mail; walking it changes preferences",
    # These end or start a login rather than show a page.
    "accounts:logout": "logs the persona out",
    "accounts:login_code": "only during a login (after the password)",
    "accounts:login_totp_setup": "only during a login (after the password)",
    "accounts:passkey_login": "only during a passkey login",
}

# Sees the page: no horizontal scroll, and the skip link is the first thing to tab to.
PAGE_CHECKS = """() => {
  const first = document.querySelector("body a[href], body button, body input, body select");
  const main = document.getElementById("main");
  return {
    width: document.documentElement.scrollWidth,
    skipLink: !!first && first.classList.contains("skip-link")
      && first.getAttribute("href") === "#main" && !!main && main.tagName === "MAIN",
  };
}"""


# On the first page of each persona: the first Tab shows the skip link, with a focus ring.
FOCUS_CHECK = """() => {
  const link = document.activeElement;
  const r = link.getBoundingClientRect(), style = getComputedStyle(link);
  const ring = style.outlineStyle !== "none" || style.boxShadow !== "none";
  return link.classList.contains("skip-link") && r.left >= 0 && r.top >= 0 && r.width > 0 && ring;
}"""


@dataclass
class Walked:
    persona: str
    name: str
    path: str


def _demo_world():
    """The demo school De Ark in its own colour, with one of each object a URL names that
    the demo lacks."""
    build_demo()
    users = get_user_model().objects
    school = School.objects.get(slug="de-ark")
    parent = users.get(username="JdeVries")
    guardian = Guardian.objects.get(school=school, user=parent)
    child = visible_students(parent).select_related("group").order_by("roepnaam").first()
    group = child.group
    teacher = group.teachers.select_related("user").first().user
    now = timezone.now()
    batch = AccountMailBatch.objects.create(
        school=school,
        scope=AccountMailBatch.Scope.GROUP,
        label=group.name,
        total=1,
        base_url="http://testserver/",
    )
    AccountMailItem.objects.create(batch=batch, guardian=guardian)
    # The school's own colour: the lightest orange the portal accepts, so that contrast
    # is checked at the limit on every page of the school.
    accent = branding.usable_shade("#ff8800")
    assert branding.check_accent(accent) == (accent, "")
    SchoolBranding.objects.create(school=school, accent_colour=accent, version=1)
    # Shown in lists rather than named by a URL: an earlier Cito import.
    CitoImport.objects.create(school=school, filename="cito-m5.csv", sha256="0" * 64, created=12)
    objects = {
        "batch": batch,
        "help_page": HelpPage.objects.create(
            school=school, slug="schoolreis", language="nl", title="Schoolreis", body="Mee."
        ),
        "document": Document.objects.filter(school=school, audience="public").first(),
        "parents_document": Document.objects.filter(school=school, audience="parents").first(),
        "import_run": ImportRun.objects.create(
            school=school,
            kind=ImportRun.Kind.EDEXML,
            source=ImportRun.Source.WEB,
            file_name="leerlingen.xml",
            counts={"objects": {}, "changes": 0, "errors": 0, "skipped": 0, "warnings": 0},
        ),
        "method_test": MethodTest.objects.filter(group=group).order_by("-taken_on").first(),
        "period": ClosedPeriod.objects.filter(school=school, ends_at__gt=now).first(),
        "release": Release.objects.filter(school=school, release_at__gt=now).first(),
        "change_request": ChangeRequest.objects.filter(student=child).first()
        or ChangeRequest.objects.filter(student__school=school).first(),
        "appointment": AppointmentRequest.objects.create(
            school=school,
            student=child,
            requested_by=parent,
            subject="Rekenen",
            preferred_times="dinsdag na school",
        ),
        "passkey": Passkey.objects.create(
            user=parent,
            name="Telefoon",
            credential_id="walk-credential",
            public_key=b"\xa5",
            user_handle="walk-handle",
        ),
    }
    missing = [key for key, value in objects.items() if value is None]
    assert not missing, f"the demo has no {missing}: create one in _demo_world"
    side = Side(school=school, group=group, child=child, parent=parent, guardian=guardian)
    side.objects.update(objects)
    logins = {persona: users.get(username=name) for persona, name in PERSONAS.items() if name}
    logins["teacher"] = teacher
    return side, logins


class _World:
    """What `targets` asks of the matrix's world: the own side (the demo's)."""

    def __init__(self, side):
        self.own = side
        self.neighbour = side
        self.other = side


def _pages(persona, side):
    """(url name, path) of every page the persona may GET."""
    world = _World(side)
    for name, pattern in URLS:
        rule = pattern.callback.access_rule
        roles = getattr(pattern.callback, "staff_roles", ())
        if persona == "anonymous" and rule != "public":
            continue
        if persona != "anonymous" and rule == "public":
            continue  # walked once, by the anonymous visitor
        if persona in NARROW_ROLES and rule == "logged-in":
            continue  # walked by the parent and the school administrator
        if not expected_allowed(rule, roles, persona, name) or name in NOT_WALKED:
            continue
        own_kwargs, _foreign = targets(name, pattern, rule, world)
        yield name, reverse(name, kwargs=own_kwargs)


def _log_in(context, user, live_server):
    client = Client()
    client.force_login(user)  # as if the portal's login completed (tests/conftest.py)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


def _walk(page, persona, side, live_server, walked, failures):
    seen = set()
    for name, path in _pages(persona, side):
        where = f"{persona} {name} {path}"
        # Asked first without the browser (same cookies): a POST-only address answers
        # 405 and a download is a file; neither is a page to look at.
        answer = page.request.get(path)
        content_type = answer.headers.get("content-type", "")
        if answer.status == 405 or (answer.ok and "text/html" not in content_type):
            continue
        if answer.status != 200:
            failures.append(f"{where}: answered {answer.status}")
            continue
        final = answer.url.removeprefix(live_server.url)
        if final in seen:
            continue  # a redirect to a page walked already
        seen.add(final)
        walked.append(Walked(persona, name, final))
        page.set_viewport_size(PHONE)
        page.goto(final)
        checks = page.evaluate(PAGE_CHECKS)
        if checks["width"] > PHONE["width"]:
            failures.append(f"{where}: {checks['width']} px wide at {PHONE['width']} px")
        if not checks["skipLink"]:
            failures.append(f"{where}: no skip link to <main> first")
        if len(seen) == 1:
            page.keyboard.press("Tab")
            if not page.evaluate(FOCUS_CHECK):
                failures.append(f"{where}: the first Tab does not show the skip link")
        failures.extend(f"{where} @360: {v}" for v in axe_violations(page))
        page.set_viewport_size(DESKTOP)
        failures.extend(f"{where} @1280: {v}" for v in axe_violations(page))


def _browser_cpu_seconds() -> float:
    """CPU time used so far by this process's descendants (Chromium and Playwright's
    driver), read from /proc: they are not reaped by this process, so its rusage leaves
    them out. A process that ended (a closed tab's renderer) counts in its parent's
    children time. 0 where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children, used = defaultdict(list), {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        children[int(fields[1])].append(int(entry.name))
        used[int(entry.name)] = sum(int(value) for value in fields[11:15]) / ticks
    total, parents = 0.0, [os.getpid()]
    while parents:
        for child in children[parents.pop()]:
            total += used[child]
            parents.append(child)
    return total


def test_every_page_passes_axe_at_phone_and_desktop_width(browser, live_server):
    started = time.perf_counter()
    cpu_here, cpu_browser = time.process_time(), _browser_cpu_seconds()
    side, logins = _demo_world()
    walked: list[Walked] = []
    failures: list[str] = []
    for persona in PERSONAS:
        context = browser.new_context(viewport=PHONE, locale="nl-NL", base_url=live_server.url)
        if persona != "anonymous":
            _log_in(context, logins[persona], live_server)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _walk(page, persona, side, live_server, walked, failures)
        context.close()
    elapsed = time.perf_counter() - started
    cpu_here = time.process_time() - cpu_here
    cpu_browser = _browser_cpu_seconds() - cpu_browser
    print(
        f"\nwalked {len(walked)} pages in {elapsed:.0f} s; CPU: {cpu_here:.0f} s for the test "
        f"and the live server, {cpu_browser:.0f} s for Chromium"
    )
    for persona in PERSONAS:
        names = sorted({w.name for w in walked if w.persona == persona})
        print(f"{persona} ({len(names)}): {', '.join(names)}")
    assert not failures, "\n".join(failures)
    by_persona = {(w.persona, w.name) for w in walked}
    assert {
        ("parent", "portal:general"),
        ("parent", "results:lvs"),
        ("parent", "results:method_tests"),
        ("staff", "backoffice:home"),
        ("staff", "accountadmin:overview"),
        ("teacher", "resultsadmin:grid"),
        ("administration", "requestsadmin:queue"),
        ("anonymous", "accounts:login"),
    } <= by_persona
