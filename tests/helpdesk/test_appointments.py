"""A parent asks for an appointment; the teacher of the child's group answers."""

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouderportaal.helpdesk.models import AppointmentRequest
from tests.factories import GroupFactory, StaffFactory, UserFactory


def parent_url(student):
    return reverse("helpdesk:appointments", kwargs={"student": student.public_id})


def teacher_url(appointment):
    return reverse(
        "helpdeskadmin:appointment",
        kwargs={"school": "de-ark", "appointment": appointment.public_id},
    )


def ask(client, world, subject="Rekenen gaat moeilijk"):
    client.force_login(world.parent)
    return client.post(
        parent_url(world.child), {"subject": subject, "preferred_times": "dinsdag na 15.00 uur"}
    )


def test_parent_asks_and_teacher_gets_mail(client, world):
    response = ask(client, world)
    assert response.status_code == 302
    appointment = AppointmentRequest.objects.get()
    assert appointment.student == world.child and appointment.school == world.school
    assert appointment.requested_by == world.parent
    assert [m.to for m in mail.outbox] == [[world.teacher.email]]
    assert "Sanne" in mail.outbox[0].subject
    assert teacher_url(appointment) in mail.outbox[0].body
    content = client.get(parent_url(world.child)).content.decode()
    assert "Rekenen gaat moeilijk" in content
    assert "wacht op antwoord" in content


def test_form_keeps_input_on_errors(client, world):
    client.force_login(world.parent)
    response = client.post(parent_url(world.child), {"subject": "Lezen", "preferred_times": ""})
    assert response.status_code == 200
    assert 'value="Lezen"' in response.content.decode()
    assert not AppointmentRequest.objects.exists()


def test_teacher_sees_answers_and_parent_sees_the_answer(client, world):
    ask(client, world)
    appointment = AppointmentRequest.objects.get()
    mail.outbox.clear()
    client.force_login(world.teacher)
    listing = client.get(reverse("helpdeskadmin:appointments", kwargs={"school": "de-ark"}))
    assert "Rekenen gaat moeilijk" in listing.content.decode()
    response = client.post(
        teacher_url(appointment),
        {"proposed_time": "2026-12-08T15:30", "answer": "Dan kijken we samen naar de toetsen."},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "proposed"
    assert [m.to for m in mail.outbox] == [[world.parent.email]]

    client.force_login(world.parent)
    content = client.get(parent_url(world.child)).content.decode()
    assert "Dan kijken we samen naar de toetsen." in content
    assert "8 december 2026" in content


def test_answer_needs_a_time_or_text(client, world):
    ask(client, world)
    appointment = AppointmentRequest.objects.get()
    client.force_login(world.teacher)
    response = client.post(teacher_url(appointment), {"proposed_time": "", "answer": " "})
    assert response.status_code == 200
    assert "Stel een tijd voor, schrijf een antwoord, of allebei." in response.content.decode()


def test_teacher_sees_only_requests_of_own_groups(client, world):
    ask(client, world)
    appointment = AppointmentRequest.objects.get()
    other_group = GroupFactory(school=world.school, name="7B")
    other_teacher = StaffFactory(
        school=world.school,
        user=UserFactory(username="meester.piet"),
        is_administration=False,
        is_portal_manager=False,
    )
    other_group.teachers.add(other_teacher)
    client.force_login(other_teacher.user)
    listing = client.get(reverse("helpdeskadmin:appointments", kwargs={"school": "de-ark"}))
    assert "Rekenen gaat moeilijk" not in listing.content.decode()
    assert client.get(teacher_url(appointment)).status_code == 404
    response = client.post(teacher_url(appointment), {"answer": "Nee"})
    assert response.status_code == 404
    client.force_login(world.other_staff)
    assert client.get(teacher_url(appointment)).status_code == 404


def test_administration_sees_every_request_of_the_school(client, world):
    ask(client, world)
    appointment = AppointmentRequest.objects.get()
    client.force_login(world.staff)  # administration and teacher, no group of their own
    assert client.get(teacher_url(appointment)).status_code == 200


def test_parent_sees_only_own_requests(client, world):
    ask(client, world)
    client.force_login(world.other_parent)
    assert client.get(parent_url(world.child)).status_code == 404
    content = client.get(parent_url(world.other_child)).content.decode()
    assert "Rekenen gaat moeilijk" not in content
    client.force_login(world.info_only)
    assert client.get(parent_url(world.child)).status_code == 404


def test_pupil_without_teacher_goes_to_the_portal_mailbox(client, world):
    world.child.group.teachers.clear()
    ask(client, world)
    assert [m.to for m in mail.outbox] == [[world.school.portal_email]]


def test_parent_page_query_count_does_not_grow(client, world):
    def add(count):
        for index in range(count):
            AppointmentRequest.objects.create(
                school=world.school,
                student=world.child,
                requested_by=world.parent,
                subject=f"Gespreksvraag-{index}",
                preferred_times="maandag",
            )

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(parent_url(world.child))
        assert response.status_code == 200
        return len(queries), response.content.decode().count("Gespreksvraag-")

    client.force_login(world.parent)
    add(1)
    client.get(parent_url(world.child))  # warm up the session
    few, shown = measure()
    assert shown == 1
    add(9)
    many, shown = measure()
    assert shown == 10
    assert many == few
