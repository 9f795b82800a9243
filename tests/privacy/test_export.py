"""The parent's data to take away (AVG art. 15 and 20)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from ouderportaal.changerequests.services import submit
from ouderportaal.core import audit
from ouderportaal.core.demo import build_demo
from ouderportaal.core.mail import send_templated_mail
from ouderportaal.core.models import AuditEvent, Custody, Guardian, GuardianLink, Student
from ouderportaal.helpdesk.models import AppointmentRequest
from ouderportaal.privacy.models import DataExport

User = get_user_model()


def _prepare(client) -> str:
    """Ask for the export (the task runs after the commit) and return the link."""
    response = client.post(reverse("privacy:my_data"), {}, follow=True)
    assert response.status_code == 200
    page = client.get(reverse("privacy:my_data")).content.decode()
    found = re.search(r'href="(/ouders/mijn-gegevens/download/[^"]+)"', page)
    assert found, "no download link"
    return found.group(1)


def _open(response) -> tuple[dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("mijn-gegevens.json"))
    return data, archive.read("mijn-gegevens.html").decode()


@pytest.fixture
def demo_family(db):
    with time_machine.travel("2026-11-10 10:00 +01:00", tick=False):
        build_demo()
    parent = User.objects.get(username="JdeVries")
    children = list(
        Student.objects.filter(
            guardian_links__guardian__user=parent, guardian_links__custody=Custody.GEZAG
        ).enrolled()
    )
    child = children[0]
    school = child.school
    staff = User.objects.get(username="administratie.ark")
    # Make sure the family has one of every kind, whatever the demo has.
    submit(user=parent, student=child, guardian=None, changes={"city": "Zeist"})
    AppointmentRequest.objects.create(
        school=school, student=child, requested_by=parent, subject="Rekenen", preferred_times="di"
    )
    send_templated_mail(
        to=parent.email,
        template="accounts/mail/password_changed",
        context={"user": parent, "username": parent.username},
        school=school,
    )
    audit.record("account.password.changed", actor=parent, obj=parent)
    return parent, children, staff


def test_the_export_holds_every_kind_and_nothing_of_another_family(demo_family, client):
    parent, children, staff = demo_family
    client.force_login(staff)
    school = children[0].school.slug
    url = reverse("backoffice:student", kwargs={"school": school, "student": children[0].public_id})
    assert client.get(url).status_code == 200
    client.force_login(parent)
    response = client.get(_prepare(client))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data, html = _open(response)
    assert data["account"]["username"] == "JdeVries"
    assert data["guardian_records"]
    names = {child["roepnaam"] for child in data["children"]}
    assert {child.roepnaam for child in children} <= names
    assert any(
        child["results"]["method_tests"] or child["results"]["lvs"] for child in data["children"]
    )
    for kind in (
        "change_requests",
        "appointments",
        "notifications",
        "access_log",
        "account_events",
    ):
        assert data[kind], kind
    # Nobody of another family: no other pupil's or guardian's full name, in either file.
    family_pupils = set(
        GuardianLink.objects.filter(guardian__user=parent).values_list("student_id", flat=True)
    )
    family_guardians = set(
        GuardianLink.objects.filter(student_id__in=family_pupils).values_list(
            "guardian_id", flat=True
        )
    )
    own_names = {s.full_name for s in Student.objects.filter(pk__in=family_pupils)} | {
        g.full_name for g in Guardian.objects.filter(pk__in=family_guardians)
    }
    others = {s.full_name for s in Student.objects.exclude(pk__in=family_pupils)} | {
        g.full_name for g in Guardian.objects.exclude(pk__in=family_guardians)
    }
    others -= own_names
    text = json.dumps(data, ensure_ascii=False) + html
    leaked = sorted(name for name in others if name in text)
    assert leaked == []
    assert len(others) > 100  # the scan really looked at the other families


def test_the_link_works_once_and_the_download_is_logged(world, client):
    client.force_login(world.parent)
    link = _prepare(client)
    assert client.get(link).status_code == 200
    again = client.get(link)
    assert again.status_code == 302
    assert again["Location"] == reverse("privacy:my_data")
    export = DataExport.objects.get()
    assert export.state == DataExport.State.DOWNLOADED and bytes(export.content) == b""
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "privacy.export.requested",
        "privacy.export.prepared",
        "privacy.export.downloaded",
    } <= actions


def test_the_link_expires_and_belongs_to_its_parent(world, client, settings):
    client.force_login(world.parent)
    link = _prepare(client)
    client.force_login(world.other_parent)
    assert client.get(link).status_code == 302
    client.force_login(world.parent)
    export = DataExport.objects.get()
    with time_machine.travel(
        export.ready_at + timedelta(minutes=settings.PRIVACY_EXPORT_MINUTES + 1)
    ):
        assert client.get(link).status_code == 302
    assert DataExport.objects.get().state == DataExport.State.READY


# Look-alikes of kristiaan.bos@example.nl: Kelvin sign, long s, dotless i, fullwidth k.
LOOK_ALIKES = [
    "\u212aristiaan.bos@example.nl",
    "kri\u017ftiaan.bos@example.nl",
    "kr\u0131stiaan.bos@example.nl",
    "\uff4bristiaan.bos@example.nl",
]


def test_mail_to_a_look_alike_address_of_another_family_stays_out(world, client):
    """The parent's own mail is found by their address exactly as stored, never by a
    case-folded or otherwise normalised form that another family's address can share."""
    own = "kristiaan.bos@example.nl"
    world.parent.email = own
    world.parent.save()
    Guardian.objects.filter(user=world.parent).update(email=own)
    send_templated_mail(
        to=own,
        template="accounts/mail/password_changed",
        context={"user": world.parent, "username": world.parent.username},
        school=world.school,
    )
    for number, address in enumerate(LOOK_ALIKES):
        other = User.objects.create_user(username=f"ander{number}", email=address)
        Guardian.objects.create(
            school=world.school, user=other, email=address, achternaam=f"Ander{number}"
        )
        send_templated_mail(
            to=address,
            template="accounts/mail/password_changed",
            context={"user": other, "username": other.username},
            school=world.school,
        )
    client.force_login(world.parent)
    data, html = _open(client.get(_prepare(client)))
    waiting = [mail for mail in data["notifications"] if mail["state"] == "queued"]
    assert len(waiting) == 1
    assert [record["email"] for record in data["guardian_records"]] == [own]
    text = json.dumps(data, ensure_ascii=False) + html
    assert not [address for address in LOOK_ALIKES if address in text]
    assert not re.search(r"Ander\d", text)
