"""The demo and the factories follow the calendar: they work whatever today is."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ouderportaal.core.demo import DEMO_PASSWORD, build_demo
from ouderportaal.core.models import School, Student
from ouderportaal.results.models import LvsResult, MethodResult
from tests.factories import GroupFactory

AMSTERDAM = timezone.get_default_timezone()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    [
        datetime(2027, 8, 2, 9, tzinfo=AMSTERDAM),  # the first days of a school year
        datetime(2027, 9, 14, 9, tzinfo=AMSTERDAM),  # a few weeks in
        datetime(2027, 12, 20, 9, tzinfo=AMSTERDAM),  # mid-year, before Christmas
    ],
    ids=["august", "september", "december"],
)
def test_the_demo_has_results_whatever_the_month(client, today):
    with time_machine.travel(today, tick=False):
        build_demo()
        for school in School.objects.all():
            assert MethodResult.objects.filter(school=school).exists(), school
            assert LvsResult.objects.filter(school=school).exists(), school
            year = school.current_school_year()
            assert year.start_date <= today.date() <= year.end_date
        assert not MethodResult.objects.filter(test__taken_on__gt=today.date()).exists()

        sanne = Student.objects.get(external_key="99XX-L000101")
        client.login(username="JdeVries", password=DEMO_PASSWORD)
        page = client.get(reverse("results:method_tests", kwargs={"student": sanne.public_id}))
        assert page.status_code == 200
        assert MethodResult.objects.filter(student=sanne).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2027-07-31", "2027-08-01", "2031-02-28"])
def test_factories_make_this_school_years_groups(today):
    with time_machine.travel(datetime.fromisoformat(today).replace(tzinfo=AMSTERDAM)):
        group = GroupFactory()
        year = group.school_year
        assert year.start_date <= timezone.localdate() <= year.end_date
        assert group.school.current_school_year() == year
