"""Teachers enter method-test results in a grid for their own groups."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ouderportaal.results.models import MethodResult, MethodTest, ResultSettings
from tests.factories import GroupFactory, StaffFactory, StudentFactory, UserFactory
from tests.results.helpers import method_result, method_test

pytestmark = pytest.mark.django_db


def grid_url(world, test, group=None):
    return reverse(
        "resultsadmin:grid",
        kwargs={"school": world.school.slug, "group": (group or world.group).pk, "test": test.pk},
    )


def test_teacher_adds_a_test_with_parts(client, world):
    client.force_login(world.teacher)
    url = reverse(
        "resultsadmin:group", kwargs={"school": world.school.slug, "group": world.group.pk}
    )
    response = client.post(
        url,
        {
            "subject": "rekenen",
            "method": "Wereld in getallen 5",
            "name": "Blok 4",
            "taken_on": "2026-11-20",
            "result_type": "percentage",
            "mastery_norm": "80",
            "parts": "Getallen, Meten",
        },
    )
    test = MethodTest.objects.get(name="Blok 4")
    assert response.status_code == 302 and response["Location"] == grid_url(world, test)
    assert [p.name for p in test.parts.all()] == ["Getallen", "Meten"]
    assert test.group == world.group and test.school == world.school


def test_teacher_enters_results_and_mastery_follows_the_norm(client, world):
    test = method_test(world.group, mastery_norm=80)
    client.force_login(world.teacher)
    response = client.post(
        grid_url(world, test),
        {
            f"v-{world.child.pk}": "85",
            f"v-{world.sibling.pk}": "72,5",
            f"v-{world.other_child.pk}": "",
        },
    )
    assert response.status_code == 302
    child = MethodResult.objects.get(student=world.child)
    sibling = MethodResult.objects.get(student=world.sibling)
    assert child.percentage == 85 and child.mastered is True
    assert sibling.percentage == Decimal("72.5") and sibling.mastered is False
    assert child.entered_by == world.teacher and child.group == world.group
    assert not MethodResult.objects.filter(student=world.other_child).exists()


def test_one_wrong_cell_saves_nothing_and_keeps_the_typing(client, world):
    test = method_test(world.group)
    client.force_login(world.teacher)
    response = client.post(
        grid_url(world, test),
        {
            f"v-{world.child.pk}": "85",
            f"v-{world.sibling.pk}": "850",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="85"' in html and 'value="850"' in html
    assert 'aria-invalid="true"' in html
    assert "Er is niets opgeslagen" in html
    assert MethodResult.objects.count() == 0


def test_a_changed_value_is_a_correction_and_the_old_row_stays(client, world):
    test = method_test(world.group)
    old = method_result(world.child, test, percentage=Decimal(60), mastered=False)
    client.force_login(world.teacher)
    client.post(grid_url(world, test), {f"v-{world.child.pk}": "65"})
    client.post(grid_url(world, test), {f"v-{world.child.pk}": "65"})  # unchanged: no new row
    rows = list(MethodResult.objects.filter(student=world.child).order_by("pk"))
    assert len(rows) == 2
    assert rows[0].percentage == 60 and rows[1].supersedes == old and rows[1].percentage == 65


def test_grades_ratings_and_parts(client, world):
    ResultSettings.objects.create(
        school=world.school, rating_scale="goed, voldoende, matig", rating_pass_count=2
    )
    grade = method_test(world.group, result_type="grade", mastery_norm=55)
    rating = method_test(world.group, result_type="rating", name="Thema 1")
    parts = method_test(world.group, name="Blok 5")
    part = parts.parts.create(name="Meten")
    client.force_login(world.teacher)
    client.post(grid_url(world, grade), {f"v-{world.child.pk}": "5,4"})
    assert MethodResult.objects.get(test=grade).mastered is False
    response = client.post(grid_url(world, rating), {f"v-{world.child.pk}": "slecht"})
    assert "Kies een van" in response.content.decode()
    client.post(grid_url(world, rating), {f"v-{world.child.pk}": "voldoende"})
    assert MethodResult.objects.get(test=rating).mastered is True
    client.post(
        grid_url(world, parts), {f"v-{world.child.pk}": "90", f"p-{world.child.pk}-{part.pk}": "70"}
    )
    assert MethodResult.objects.get(test=parts).parts.get().percentage == 70


def test_a_teacher_only_gets_their_own_groups(client, world):
    other_group = GroupFactory(
        school=world.school, school_year=world.group.school_year, name="8A", jaargroep="8"
    )
    StudentFactory(school=world.school, group=other_group)
    test = method_test(other_group)
    client.force_login(world.teacher)
    assert client.get(grid_url(world, test, other_group)).status_code == 404
    group_url = reverse(
        "resultsadmin:group", kwargs={"school": world.school.slug, "group": other_group.pk}
    )
    assert client.get(group_url).status_code == 404
    # A test of another group cannot be reached through the teacher's own group.
    assert client.get(grid_url(world, test)).status_code == 404
    # The administration may.
    client.force_login(world.staff)
    assert client.get(grid_url(world, test, other_group)).status_code == 200


def test_a_teacher_sees_results_of_pupils_in_their_groups_only(client, world):
    other_group = GroupFactory(school=world.school, name="8A", jaargroep="8")
    stranger = StudentFactory(school=world.school, group=other_group)
    client.force_login(world.teacher)
    own = reverse(
        "resultsadmin:pupil", kwargs={"school": world.school.slug, "student": world.child.public_id}
    )
    other = reverse(
        "resultsadmin:pupil", kwargs={"school": world.school.slug, "student": stranger.public_id}
    )
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404


def test_staff_of_another_school_get_404(client, world):
    test = method_test(world.group)
    teacher_elsewhere = StaffFactory(
        school=world.other_school, user=UserFactory(), is_administration=False
    )
    client.force_login(teacher_elsewhere.user)
    assert client.get(grid_url(world, test)).status_code == 404


def test_settings_change_the_standing_text_and_mapping(client, world):
    client.force_login(world.staff)
    url = reverse("resultsadmin:settings", kwargs={"school": world.school.slug})
    response = client.post(
        url,
        {
            "standing_text": "Kijk naar de groei.",
            "rating_scale": "goed, voldoende, onvoldoende",
            "rating_pass_count": "2",
            "cito_key_prefix": "99XX-",
            "mapping_text": "student_key = leerlingnummer",
        },
    )
    assert response.status_code == 302
    settings = ResultSettings.objects.get(school=world.school)
    assert settings.standing_text == "Kijk naar de groei."
    assert settings.cito_mapping == {"student_key": "leerlingnummer"}
    response = client.post(
        url,
        {
            "standing_text": "x",
            "rating_scale": "goed",
            "rating_pass_count": "1",
            "mapping_text": "onzin",
        },
    )
    assert response.status_code == 200
    assert 'value="goed"' in response.content.decode()


def test_learning_goals_are_entered_per_period(client, world):
    client.force_login(world.teacher)
    url = reverse("resultsadmin:goals", kwargs={"school": world.school.slug})
    client.post(
        url,
        {
            "form": "period",
            "school_year": world.group.school_year.pk,
            "name": "Herfst tot kerst",
            "start_date": "2026-10-20",
            "end_date": "2026-12-31",
        },
    )
    period = world.school.result_periods.get()
    client.post(
        url,
        {
            "form": "goal",
            "period": period.pk,
            "jaargroep": "5",
            "subject": "rekenen",
            "text": "Getallen tot 1000.",
            "published": "on",
        },
    )
    assert world.school.learning_goals.get().text == "Getallen tot 1000."


def test_administration_enters_level_boundaries(client, world):
    from ouderportaal.results.models import CutScore

    client.force_login(world.staff)
    url = reverse("resultsadmin:cut_scores", kwargs={"school": world.school.slug})
    data = {
        "scale_code": "SYN-RW3",
        "moment": "m5",
        "cut_1_2": "180",
        "cut_2_3": "170",
        "cut_3_4": "160",
        "cut_4_5": "150",
    }
    assert client.post(url, data).status_code == 302
    client.post(url, {**data, "cut_1_2": "185"})  # same moment again: replaced
    cut = CutScore.objects.get(school=world.school)
    assert cut.moment == "M5" and cut.cut_1_2 == 185
    response = client.post(url, {**data, "cut_2_3": "190"})
    assert response.status_code == 200
    assert "lager zijn dan" in response.content.decode()
    client.force_login(world.teacher)
    assert client.get(url).status_code == 404


def test_learning_goals_upload_is_all_or_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouderportaal.results.models import LearningGoal
    from tests.results.helpers import current_period

    period = current_period(world.school)
    client.force_login(world.staff)
    url = reverse("resultsadmin:goals", kwargs={"school": world.school.slug})
    bad = "groep;vak;tekst\n5;rekenen;Getallen tot 1000.\n9;taal;Woorden.\n"
    response = client.post(
        url,
        {"form": "upload", "period": period.pk, "file": SimpleUploadedFile("d.csv", bad.encode())},
    )
    assert "Regel 3" in response.content.decode()
    assert LearningGoal.objects.count() == 0
    good = "groep;vak;tekst;methode\n5;rekenen;Getallen tot 1000.;WIG blok 3\n3;lezen;Lezen.\n"
    client.post(
        url,
        {
            "form": "upload",
            "period": period.pk,
            "file": SimpleUploadedFile("d.csv", good.encode("cp1252")),
        },
    )
    assert set(LearningGoal.objects.values_list("jaargroep", "subject")) == {
        ("5", "rekenen"),
        ("3", "lezen"),
    }
