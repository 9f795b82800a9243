"""The demo gives the demo schools realistic results, and the sample file imports."""

from pathlib import Path

import pytest
from django.urls import reverse

from ouderportaal.core.demo import build_demo
from ouderportaal.core.models import Student
from ouderportaal.results import cito
from ouderportaal.results.charts import moment_sort_key
from ouderportaal.results.models import LvsResult, MethodResult

SAMPLE = Path("/work/shared/samples/example-cito.csv")


@pytest.mark.django_db
def test_demo_results_tell_their_stories(client):
    build_demo()
    sanne = Student.objects.get(external_key="99XX-L000101")
    lvs = LvsResult.objects.filter(student=sanne)
    assert {r.subject for r in lvs} >= {
        "rekenen",
        "spelling",
        "begrijpend lezen",
        "technisch lezen",
    }
    assert set(lvs.filter(subject="rekenen").values_list("scale_code", flat=True)) == {
        "RW-2",
        "SYN-RW3",
    }
    assert MethodResult.objects.filter(student=sanne).count() >= 6
    assert lvs.values("school_year").distinct().count() >= 2

    daan = Student.objects.get(external_key="99XX-L000102")
    rekenen = sorted(
        LvsResult.objects.filter(student=daan, subject="rekenen"),
        key=lambda r: (r.taken_on, moment_sort_key(r.moment)),
    )
    assert rekenen[0].level_iv == "IV" and rekenen[-1].level_iv == "II"
    # Groups 3 to 8 have method tests; both schools have results.
    assert MethodResult.objects.filter(school__slug="de-regenboog").exists()
    assert set(
        MethodResult.objects.filter(school=sanne.school).values_list("test__group__name", flat=True)
    ) >= {"3/4", "5A", "6A", "7A", "8A"}

    client.login(username="JdeVries", password="kijk mee op school")
    html = client.get(reverse("results:lvs", kwargs={"student": sanne.public_id})).content
    assert html.decode().count('role="img"') >= 5
    html = client.get(reverse("results:method_tests", kwargs={"student": sanne.public_id}))
    assert "Bij de les" in html.content.decode()

    if SAMPLE.exists():
        plan = cito.plan_import(sanne.school, SAMPLE.read_bytes())
        assert plan.errors == []
        cito.apply_import(sanne.school, plan)
        assert cito.plan_import(sanne.school, SAMPLE.read_bytes()).changes_something is False
