"""Back-office changes that matter leave an audit event with the old and the new values
(written by the apps' service functions; core.audit.record)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ouderportaal.core.models import AuditEvent
from ouderportaal.helpdesk.models import Document, HelpPage
from tests.results.helpers import method_test

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_corrected_result_records_the_old_and_new_value_for_the_pupil(client, world):
    test = method_test(world.group)
    url = reverse(
        "resultsadmin:grid",
        kwargs={"school": world.school.slug, "group": world.group.pk, "test": test.pk},
    )
    client.force_login(world.teacher)
    client.post(url, {f"v-{world.child.pk}": "85"})
    client.post(url, {f"v-{world.child.pk}": "85"})  # unchanged: nothing recorded
    client.post(url, {f"v-{world.child.pk}": "70,5"})
    [entered] = events("results.method.entered")
    [corrected] = events("results.method.corrected")
    assert entered.student == world.child and entered.data["old"] is None
    assert entered.data["new"] == {"value": "85", "parts": {}}
    assert corrected.student == world.child and corrected.actor == world.teacher
    assert corrected.school == world.school
    assert corrected.data["old"] == {"value": "85", "parts": {}}
    assert corrected.data["new"] == {"value": "70.5", "parts": {}}


def test_a_changed_help_page_records_what_changed(client, world):
    HelpPage.objects.create(
        school=world.school, slug="schoolreis", language="nl", title="Reis", body="Oud", order=5
    )
    client.force_login(world.staff)
    url = reverse(
        "helpdeskadmin:page_edit",
        kwargs={"school": world.school.slug, "language": "nl", "topic": "schoolreis"},
    )
    response = client.post(
        url, {"title": "Reis", "slug": "schoolreis", "language": "nl", "order": 5, "body": "Nieuw"}
    )
    assert response.status_code == 302
    [changed] = events("helpdesk.page.changed")
    assert changed.data["old"] == {"body": "Oud"}
    assert changed.data["new"] == {"body": "Nieuw"}


def test_documents_record_upload_change_and_removal(client, world):
    client.force_login(world.staff)
    documents = reverse("helpdeskadmin:documents", kwargs={"school": world.school.slug})
    client.post(
        documents,
        {
            "title": "Handleiding",
            "description": "",
            "audience": "public",
            "order": 1,
            "file": SimpleUploadedFile("handleiding.pdf", PDF, "application/pdf"),
        },
    )
    document = Document.objects.get(school=world.school)
    kwargs = {"school": world.school.slug, "document": document.public_id}
    client.post(
        reverse("helpdeskadmin:document_edit", kwargs=kwargs),
        {"title": "Handleiding", "description": "", "audience": "parents", "order": 1},
    )
    client.post(reverse("helpdeskadmin:document_delete", kwargs=kwargs))
    [uploaded] = events("helpdesk.document.uploaded")
    [changed] = events("helpdesk.document.changed")
    [deleted] = events("helpdesk.document.deleted")
    assert uploaded.data["old"] is None and uploaded.data["new"]["audience"] == "public"
    assert changed.data["old"] == {"audience": "public"}
    assert changed.data["new"] == {"audience": "parents"}
    assert deleted.data["old"]["title"] == "Handleiding" and deleted.data["new"] is None


def test_closure_days_record_the_days_before_and_after(client, world):
    client.force_login(world.staff)
    url = reverse("requestsadmin:closure_days", args=[world.school.slug])
    client.post(
        url, {"action": "add", "first_day": "2026-03-11", "last_day": "", "reason": "Studiedag"}
    )
    client.post(
        url, {"action": "add", "first_day": "2026-03-11", "last_day": "", "reason": "Staking"}
    )
    client.post(url, {"action": "remove", "first_day": "2026-03-11", "last_day": "2026-03-11"})
    first, second = events("closureday.added")
    [removed] = events("closureday.removed")
    day = date(2026, 3, 11).isoformat()
    assert first.data["old"] == {} and first.data["new"] == {day: "Studiedag"}
    assert second.data["old"] == {day: "Studiedag"} and second.data["new"] == {day: "Staking"}
    assert removed.data["old"] == {day: "Staking"} and removed.data["new"] == {}


def test_settings_changes_record_old_and_new_values(client, world):
    client.force_login(world.staff)
    client.post(reverse("accountadmin:settings", args=[world.school.slug]), {"link_valid_days": 30})
    client.post(
        reverse("requestsadmin:settings", args=[world.school.slug]),
        {"student_fields": ["phone"], "summary_enabled": "", "summary_email": ""},
    )
    [accounts] = events("accounts.settings.changed")
    assert accounts.data["new"] == {"link_valid_days": 30}
    [requests] = events("changerequest.settings")
    assert requests.data["old"] is None
    assert requests.data["new"]["student_fields"] == ["phone"]
    assert requests.data["new"]["summary_enabled"] is False
