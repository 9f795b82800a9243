"""Fuzzing the forms people send: any input gives a page, never a 500, and a form that
is not accepted writes nothing (no half-saved request, document or import).

The test client raises any exception a view does not handle, so a 500 fails the test.
Each example runs in a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from ouderportaal.changerequests.models import ChangeRequest, RequestedChange
from ouderportaal.core.models import AuditEvent, Group, Guardian, GuardianLink, Student
from ouderportaal.helpdesk.forms import FORM_SALT
from ouderportaal.helpdesk.models import AppointmentRequest, Document, LoginHelpRequest
from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.synthetic import edexml, guardians_csv
from ouderportaal.results.models import LvsResult

from .helpers import FORM_EXAMPLES, FUZZ, rolled_back, row_counts

pytestmark = pytest.mark.django_db

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
field = st.one_of(
    text,
    st.sampled_from(["", " ", "0612345678", "3511 AB", "x@example.nl", "12a", "\x00", "é" * 300]),
)
SUCCESS = (301, 302)


def _status_ok(response):
    assert response.status_code < 500
    return response.status_code in SUCCESS


@pytest.fixture
def parent_client(client, world):
    client.force_login(world.parent)
    return client


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


@settings(max_examples=FORM_EXAMPLES, **FUZZ)
@given(
    data=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            (
                "street",
                "house_number",
                "postcode",
                "city",
                "phone_mobile",
                "phone_home",
                "email",
                "note",
            ),
            field,
        ),
    )
)
def test_change_request_form(parent_client, world, data):
    Guardian.objects.filter(user=world.parent).update(email="ouder@example.nl")
    url = reverse("changerequests:propose_own", kwargs={"student": world.child.public_id})
    with rolled_back():
        before = row_counts(ChangeRequest, RequestedChange, AuditEvent)
        accepted = _status_ok(parent_client.post(url, data))
        after = row_counts(ChangeRequest, RequestedChange, AuditEvent)
        if accepted and after != before:
            assert after["ChangeRequest"] == before["ChangeRequest"] + 1
            assert after["RequestedChange"] > before["RequestedChange"]
        elif not accepted:
            assert after == before


@settings(max_examples=FORM_EXAMPLES, **FUZZ)
@given(data=st.fixed_dictionaries({}, optional={"subject": field, "preferred_times": field}))
def test_appointment_form(parent_client, world, data):
    url = reverse("helpdesk:appointments", kwargs={"student": world.child.public_id})
    with rolled_back():
        before = row_counts(AppointmentRequest, AuditEvent)
        accepted = _status_ok(parent_client.post(url, data))
        after = row_counts(AppointmentRequest, AuditEvent)
        if not accepted:
            assert after == before
        else:
            assert after["AppointmentRequest"] <= before["AppointmentRequest"] + 1


def _started(seconds_ago: int) -> str:
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(time.time() - seconds_ago))


@settings(max_examples=FORM_EXAMPLES, **FUZZ)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "name": field,
            "email": field,
            "children": field,
            "message": field,
            "website": field,
        },
    ),
    started=st.one_of(st.sampled_from([60, 1, 99999]).map(_started), field),
)
def test_cannot_log_in_form(client, world, data, started):
    url = reverse("helpdesk:cannot_log_in", kwargs={"school": world.school.slug})
    with rolled_back():
        before = row_counts(LoginHelpRequest, AuditEvent)
        accepted = _status_ok(client.post(url, {**data, "started": started}))
        after = row_counts(LoginHelpRequest, AuditEvent)
        if not accepted:
            assert after == before


files = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"%PDF-1.4\n%%EOF", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b""]),
)
names = st.one_of(text, st.sampled_from(["a.pdf", "b.docx", "c.png", ".pdf", "x" * 300 + ".pdf"]))


@settings(max_examples=FORM_EXAMPLES, **FUZZ)
@given(
    data=st.fixed_dictionaries(
        {}, optional={"title": field, "description": field, "audience": field, "order": field}
    ),
    content=files,
    name=names,
)
def test_document_upload(staff_client, world, data, content, name):
    url = reverse("helpdeskadmin:documents", kwargs={"school": world.school.slug})
    with rolled_back():
        before = row_counts(Document, AuditEvent)
        upload = SimpleUploadedFile(name or "x", content)
        accepted = _status_ok(staff_client.post(url, {**data, "file": upload}))
        after = row_counts(Document, AuditEvent)
        if not accepted:
            assert after == before


import_files = st.one_of(
    st.binary(max_size=300),
    st.integers(1, 6).map(lambda n: edexml(n, brin="99XX")),
    st.integers(1, 6).map(lambda n: guardians_csv(n, n)),
    st.tuples(st.integers(1, 6).map(lambda n: edexml(n, brin="99XX")), st.integers(0, 2000)).map(
        lambda pair: pair[0][: pair[1]]
    ),  # a file cut off anywhere
)
DOMAIN = (Student, Group, Guardian, GuardianLink)


@settings(max_examples=FORM_EXAMPLES, **FUZZ)
@given(
    kind=st.one_of(st.sampled_from(["edexml", "guardians"]), field),
    content=import_files,
    typed=st.sampled_from(["", "KBS De Ark", "kbs de ark"]),
)
def test_import_upload_and_confirm(staff_client, world, kind, content, typed):
    world.school.brin = "99XX"
    world.school.save()
    index = reverse("imports:index", kwargs={"school": world.school.slug})
    with rolled_back():
        before = row_counts(*DOMAIN)
        response = staff_client.post(
            index, {"kind": kind, "file": SimpleUploadedFile("f", content)}
        )
        _status_ok(response)
        # A preview never changes pupils, groups or guardians.
        assert row_counts(*DOMAIN) == before
        run = ImportRun.objects.order_by("-pk").first()
        if run is None or run.status != ImportRun.Status.PREVIEW:
            return
        _status_ok(
            staff_client.post(
                reverse("imports:confirm", kwargs={"school": world.school.slug, "run": run.pk}),
                {"confirmation": typed},
            )
        )
        run.refresh_from_db()
        if run.status != ImportRun.Status.APPLIED:
            assert row_counts(*DOMAIN) == before  # all or nothing


@settings(max_examples=FORM_EXAMPLES, **FUZZ)
@given(content=import_files, confirm=st.booleans())
def test_cito_upload(staff_client, world, content, confirm):
    url = reverse("resultsadmin:cito_import", kwargs={"school": world.school.slug})
    with rolled_back():
        before = row_counts(LvsResult)
        _status_ok(staff_client.post(url, {"file": SimpleUploadedFile("cito.csv", content)}))
        assert row_counts(LvsResult) == before  # the preview writes nothing
        if confirm:
            _status_ok(staff_client.post(url, {"confirm": "0" * 64}))
