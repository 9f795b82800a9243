"""The access log of staff reads and what parents with gezag see of it."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished
from django.db import DatabaseError, close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouderportaal.core.models import Guardian
from ouderportaal.privacy.models import DataKind, PrivacySettings, StaffRead
from tests.factories import GroupFactory, StaffFactory, StudentFactory, UserFactory, make_parent
from tests.test_permission_matrix import all_url_names

# Every back-office URL and the kind of personal data it shows (None: no pupil or
# guardian data). A new staff URL must be added here, and declare the same kind in its
# `staff_view(..., reads=...)`.
DATA_KINDS = {
    "backoffice:home": None,
    "backoffice:students": "pupil_list",
    "backoffice:student": "pupil",
    "backoffice:guardian": "guardian",
    "resultsadmin:home": None,
    "resultsadmin:group": "results",
    "resultsadmin:grid": "results",
    "resultsadmin:pupil": "results",
    "resultsadmin:cito_import": "results",
    "resultsadmin:settings": None,
    "resultsadmin:goals": None,
    "resultsadmin:cut_scores": None,
    "accountadmin:overview": "guardian",
    "accountadmin:send": None,
    "accountadmin:settings": None,
    "accountadmin:group": "guardian",
    "accountadmin:guardian": "guardian",
    "accountadmin:lift_lock": None,
    "accountadmin:batch": "guardian",
    "requestsadmin:queue": "change_request",
    "requestsadmin:detail": "change_request",
    "requestsadmin:settings": None,
    "requestsadmin:closure_days": None,
    "helpdeskadmin:pages": None,
    "helpdeskadmin:page_new": None,
    "helpdeskadmin:page_edit": None,
    "helpdeskadmin:page_delete": None,
    "helpdeskadmin:documents": None,
    "helpdeskadmin:document_edit": None,
    "helpdeskadmin:document_delete": None,
    "helpdeskadmin:rules": None,
    "helpdeskadmin:appointments": "appointment",
    "helpdeskadmin:appointment": "appointment",
    "schoolcontrol:modules": None,
    "schoolcontrol:periods": None,
    "schoolcontrol:period": None,
    "schoolcontrol:period_open": None,
    "schoolcontrol:period_delete": None,
    "schoolcontrol:releases": None,
    "schoolcontrol:release": None,
    "schoolcontrol:release_delete": None,
    "schoolcontrol:audit": "pupil_list",
    "schoolcontrol:adoption": None,
    "schoolcontrol:preview": "pupil_list",
    "schoolcontrol:preview_parent": "preview",
    "schoolcontrol:preview_pupil": "preview",
    "schoolcontrol:preview_root": "preview",
    "schoolcontrol:preview_page": "preview",
    "imports:index": None,
    "imports:run": "pupil_list",
    "imports:confirm": None,
    "imports:cancel": None,
    "privacyadmin:settings": None,
    "privacyadmin:register": None,
    # The log of notifications sent names the parents.
    "notifications:staff": "guardian",
    "notifications:preview": None,
    "schoolcontrol:branding": None,
}


def test_every_staff_url_declares_the_personal_data_it_shows():
    staff_urls = {
        name: pattern.callback
        for name, pattern in all_url_names()
        if getattr(pattern.callback, "access_rule", None) == "staff"
    }
    undeclared = sorted(staff_urls.keys() - DATA_KINDS.keys())
    assert undeclared == [], f"add these staff URLs to DATA_KINDS: {undeclared}"
    wrong = {
        name: view.staff_reads
        for name, view in staff_urls.items()
        if view.staff_reads != DATA_KINDS[name]
    }
    assert wrong == {}
    assert {kind for kind in DATA_KINDS.values() if kind} <= set(DataKind.values)


def _reads_url(child):
    return reverse("privacy:child_reads", kwargs={"student": child.public_id})


def test_a_staff_read_appears_in_the_parents_list(world, client):
    world.staff.first_name, world.staff.last_name = "Els", "Directeur"
    world.staff.save()
    client.force_login(world.staff)
    url = reverse(
        "backoffice:student", kwargs={"school": "de-ark", "student": world.child.public_id}
    )
    assert client.get(url).status_code == 200
    read = StaffRead.objects.get()
    assert (read.student, read.user, read.kind) == (world.child, world.staff, "pupil")
    assert read.roles == "administration,teacher,portal_manager"
    client.force_login(world.parent)
    page = client.get(_reads_url(world.child)).content.decode()
    assert "Els Directeur" in page
    assert "persoonsgegevens van de leerling" in page
    # The sibling's list does not show it.
    assert "Els Directeur" not in client.get(_reads_url(world.sibling)).content.decode()


def test_results_and_guardian_pages_record_the_pupils_they_show(world, client):
    client.force_login(world.staff)
    guardian = Guardian.objects.get(user=world.parent)
    client.get(
        reverse("resultsadmin:pupil", kwargs={"school": "de-ark", "student": world.child.public_id})
    )
    client.get(
        reverse("accountadmin:guardian", kwargs={"school": "de-ark", "guardian": guardian.pk})
    )
    rows = set(StaffRead.objects.values_list("kind", "student", "guardian"))
    assert rows == {
        ("results", world.child.pk, None),
        ("guardian", world.child.pk, guardian.pk),
        ("guardian", world.sibling.pk, guardian.pk),
    }


def test_a_refused_page_records_nothing(world, client):
    client.force_login(world.other_staff)
    url = reverse(
        "backoffice:student", kwargs={"school": "de-ark", "student": world.child.public_id}
    )
    assert client.get(url).status_code == 404
    assert not StaffRead.objects.exists()


@pytest.mark.parametrize("persona", ["info_only", "other_parent"])
def test_guardians_without_gezag_see_no_access_list(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(_reads_url(world.child)).status_code == 404


def test_the_school_may_show_roles_only(world, client):
    world.teacher.first_name, world.teacher.last_name = "Anna", "Leerkracht"
    world.teacher.save()
    PrivacySettings.objects.create(school=world.school, show_staff_names=False)
    client.force_login(world.teacher)
    client.get(
        reverse("resultsadmin:pupil", kwargs={"school": "de-ark", "student": world.child.public_id})
    )
    client.force_login(world.parent)
    page = client.get(_reads_url(world.child)).content.decode()
    assert "Anna Leerkracht" not in page
    assert "leerkracht" in page


def _refuse_access_log_inserts(execute, sql, params, many, context):
    if sql.startswith("INSERT") and StaffRead._meta.db_table in sql:
        raise DatabaseError("disk full")
    return execute(sql, params, many, context)


def test_a_failing_insert_never_breaks_the_staff_page(world, client, caplog):
    client.force_login(world.staff)
    url = reverse(
        "backoffice:student", kwargs={"school": "de-ark", "student": world.child.public_id}
    )
    with connection.execute_wrapper(_refuse_access_log_inserts):
        response = client.get(url)
    assert response.status_code == 200
    assert world.child.roepnaam in response.content.decode()
    assert "could not be recorded" in caplog.text
    assert "disk full" not in response.content.decode()
    # The connection is still usable (on PostgreSQL too) and the next read is written.
    assert client.get(url).status_code == 200
    assert StaffRead.objects.count() == 1


def test_logging_can_be_switched_off(world, client, settings):
    settings.PRIVACY_ACCESS_LOG = False
    client.force_login(world.staff)
    url = reverse(
        "backoffice:student", kwargs={"school": "de-ark", "student": world.child.public_id}
    )
    assert client.get(url).status_code == 200
    assert not StaffRead.objects.exists()


def test_imports_and_automatic_changes_are_shown_as_such(world, client):
    from django.utils import timezone

    from ouderportaal.core import audit
    from ouderportaal.imports.models import ImportRun

    audit.record("results.released", school=world.school, student=world.child)
    ImportRun.objects.create(
        school=world.school,
        kind=ImportRun.Kind.EDEXML,
        source=ImportRun.Source.COMMAND,
        file_name="leerlingen.xml",
        status=ImportRun.Status.APPLIED,
        applied_at=timezone.now(),
        counts={},
    )
    client.force_login(world.parent)
    page = client.get(_reads_url(world.child)).content.decode()
    assert "Automatisch proces van het portaal" in page
    assert "Import uit de leerlingadministratie" in page


class TestMinimisation:
    """A teacher sees guardian contact data of pupils in their own groups only."""

    @pytest.fixture
    def teacher_7a(self, world):
        member = StaffFactory(
            school=world.school,
            user=UserFactory(username="meester.bram"),
            is_administration=False,
            is_portal_manager=False,
        )
        group = GroupFactory(school=world.school, name="7A", jaargroep="7")
        group.teachers.add(member)
        pupil = StudentFactory(school=world.school, group=group, roepnaam="Lotte")
        make_parent([pupil], username="KdeBoer")
        return member.user

    def test_a_teacher_of_7a_gets_404_for_a_guardian_of_a_pupil_in_5a(
        self, world, client, teacher_7a
    ):
        guardian = Guardian.objects.get(user=world.parent)
        url = reverse("backoffice:guardian", kwargs={"school": "de-ark", "guardian": guardian.pk})
        client.force_login(teacher_7a)
        assert client.get(url).status_code == 404
        client.force_login(world.teacher)  # the teacher of 5A
        assert client.get(url).status_code == 200
        own = Guardian.objects.get(user__username="KdeBoer")
        client.force_login(teacher_7a)
        own_url = reverse("backoffice:guardian", kwargs={"school": "de-ark", "guardian": own.pk})
        assert client.get(own_url).status_code == 200

    def test_the_pupil_page_hides_contact_data_of_other_groups(self, world, client, teacher_7a):
        guardian = Guardian.objects.get(user=world.parent)
        url = reverse(
            "backoffice:student", kwargs={"school": "de-ark", "student": world.child.public_id}
        )
        client.force_login(teacher_7a)
        page = client.get(url).content.decode()
        assert guardian.email not in page
        client.force_login(world.teacher)
        assert guardian.email in client.get(url).content.decode()


def _pupil_page(world):
    return reverse(
        "backoffice:student", kwargs={"school": "de-ark", "student": world.child.public_id}
    )


def test_a_read_is_written_once_the_response_has_been_handed_over(world, rf):
    """Not while the page is made: when the server closes the response after sending it.
    Nothing waits in the process: closing it is enough for the parent to see the read."""
    from ouderportaal.backoffice.views import student_detail

    request = rf.get(_pupil_page(world))
    request.user = world.staff
    request.session = {}
    response = student_detail(request, school="de-ark", student=world.child.public_id)
    assert response.status_code == 200
    assert not StaffRead.objects.exists()
    # As the test client does: closing ends the request, which must keep the test's
    # database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    read = StaffRead.objects.get()
    assert (read.student, read.user, read.kind) == (world.child, world.staff, "pupil")


def _statements(captured):
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def _access_log_statements(queries):
    return [q["sql"] for q in queries if StaffRead._meta.db_table in q["sql"]]


@pytest.mark.parametrize("page", ["pupil", "group"])
def test_a_page_writes_its_reads_with_one_insert_and_no_lookup_of_its_own(
    world, client, settings, page
):
    if page == "pupil":
        url = _pupil_page(world)
    else:
        url = reverse(
            "resultsadmin:group", kwargs={"school": "de-ark", "group": world.child.group_id}
        )
    client.force_login(world.staff)
    client.get(url)  # caches warmed alike for both sides
    settings.PRIVACY_ACCESS_LOG = False
    with CaptureQueriesContext(connection) as off:
        assert client.get(url).status_code == 200
    settings.PRIVACY_ACCESS_LOG = True
    StaffRead.objects.all().delete()
    with CaptureQueriesContext(connection) as on:
        assert client.get(url).status_code == 200
    # The test's transaction adds a savepoint around the insert; a server has none.
    assert len(_statements(on)) == len(_statements(off)) + 1
    (statement,) = _access_log_statements(on.captured_queries)
    assert statement.startswith("INSERT")
    expected = (
        {world.child.pk} if page == "pupil" else {s.pk for s in world.child.group.students.all()}
    )
    assert set(StaffRead.objects.values_list("student", flat=True)) == expected
