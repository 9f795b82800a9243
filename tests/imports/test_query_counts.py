"""Imports use a fixed number of queries per batch, not one per pupil or guardian."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ouderportaal.core.models import Guardian, Student
from ouderportaal.imports import synthetic
from tests.factories import SchoolFactory


def queries(command, brin, path) -> int:
    with CaptureQueriesContext(connection) as context:
        call_command(command, "--school", brin, str(path), verbosity=0)
    return len(context.captured_queries)


def import_school(tmp_path, brin, pupils, guardians):
    SchoolFactory(brin=brin)
    files = {
        "first": synthetic.edexml(pupils, brin=brin),
        "renamed": synthetic.edexml(pupils, brin=brin, rename_every=3),
        "guardians": synthetic.guardians_csv(pupils, guardians),
    }
    for name, content in files.items():
        (tmp_path / f"{brin}-{name}").write_bytes(content)
    counts = {
        "new": queries("import-edexml", brin, tmp_path / f"{brin}-first"),
        "same": queries("import-edexml", brin, tmp_path / f"{brin}-first"),
        "changed": queries("import-edexml", brin, tmp_path / f"{brin}-renamed"),
        "guardians": queries("import-guardians", brin, tmp_path / f"{brin}-guardians"),
        "guardians again": queries("import-guardians", brin, tmp_path / f"{brin}-guardians"),
    }
    assert Student.objects.filter(school__brin=brin).count() == pupils
    assert Guardian.objects.filter(school__brin=brin).count() == guardians
    return counts


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_number_of_pupils(tmp_path):
    small = import_school(tmp_path, "11AA", 50, 90)
    large = import_school(tmp_path, "22BB", 200, 360)
    print(small, large)
    assert small == large
    assert max(large.values()) < 40
