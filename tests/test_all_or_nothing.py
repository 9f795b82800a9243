"""All or nothing: an import or a multi-row write that fails half-way changes nothing.

Each test makes a function called in the middle of the write fail after some calls
(when rows have already been written in the transaction) and compares every table
before and after. Queued mail is rolled back with the rest: nothing is sent.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import QuerySet
from django.urls import reverse

from ouderportaal.accounts import services as account_services
from ouderportaal.changerequests import services as request_services
from ouderportaal.changerequests.models import ChangeRequest
from ouderportaal.core import audit
from ouderportaal.imports.models import ImportRun
from ouderportaal.results import cito
from ouderportaal.results.models import LvsResult, MethodResult, ResultSettings
from tests.changerequests.conftest import child_form
from tests.dbsnapshot import InjectedFault, assert_unchanged, raise_after, snapshot
from tests.factories import GuardianFactory, LinkFactory, StudentFactory
from tests.results.helpers import method_test
from tests.results.test_cito_import import sample_bytes

FILES = Path(__file__).parent / "imports" / "files"


@pytest.fixture
def school(world):
    """The world's school with the BRIN of the example files."""
    world.school.brin = "99XX"
    world.school.save()
    return world.school


def upload_and_confirm(client, school, path, kind):
    client.post(
        reverse("imports:index", kwargs={"school": school.slug}),
        {"kind": kind, "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    run = ImportRun.objects.get(status=ImportRun.Status.PREVIEW)
    before = snapshot()
    confirm = reverse("imports:confirm", kwargs={"school": school.slug, "run": run.pk})
    # The world's own pupils are not in the (2024-2025) file: confirmed by typing the name.
    return before, lambda: client.post(confirm, {"confirmation": school.name})


def import_command(command, school, path):
    # --force: the world's own pupils are not in the (2024-2025) file and would leave.
    force = ["--force"] if command == "import-edexml" else []
    call_command(command, "--school", school.brin, str(path), *force, stdout=StringIO())


# The imports write in bulk: the third bulk insert fails, after groups, accounts and staff
# (EDEXML) or guardians and links (guardians CSV) were written.


def test_edexml_import_in_the_back_office_fails_half_way_and_changes_nothing(
    client, world, school, monkeypatch
):
    client.force_login(world.staff)
    before, confirm = upload_and_confirm(client, school, FILES / "example-2.1.xml", "edexml")
    made = raise_after(monkeypatch, QuerySet, "bulk_create", calls=3)
    with pytest.raises(InjectedFault):
        confirm()
    assert len(made) == 4
    assert_unchanged(before)


def test_edexml_import_command_fails_half_way_and_changes_nothing(school, monkeypatch):
    before = snapshot()
    made = raise_after(monkeypatch, QuerySet, "bulk_create", calls=3)
    with pytest.raises(InjectedFault):
        import_command("import-edexml", school, FILES / "example-2.1.xml")
    assert len(made) == 4
    assert_unchanged(before)


def test_guardians_import_in_the_back_office_fails_half_way_and_changes_nothing(
    client, world, school, monkeypatch
):
    import_command("import-edexml", school, FILES / "example-2.1.xml")
    client.force_login(world.staff)
    before, confirm = upload_and_confirm(client, school, FILES / "guardians.csv", "guardians")
    made = raise_after(monkeypatch, QuerySet, "bulk_create", calls=2)
    with pytest.raises(InjectedFault):
        confirm()
    assert len(made) == 3
    assert_unchanged(before)


def test_guardians_import_command_fails_half_way_and_changes_nothing(school, monkeypatch):
    import_command("import-edexml", school, FILES / "example-2.1.xml")
    before = snapshot()
    made = raise_after(monkeypatch, QuerySet, "bulk_create", calls=2)
    with pytest.raises(InjectedFault):
        import_command("import-guardians", school, FILES / "guardians.csv")
    assert len(made) == 3
    assert_unchanged(before)


@pytest.fixture
def ark(world):
    """The world's school with the pupils of the sample Cito file."""
    school = world.school
    school.brin = "99XX"
    school.save()
    for student, key in [(world.child, "L000101"), (world.sibling, "L000102")]:
        student.external_key = f"99XX-{key}"
        student.save()
    world.other_child.external_key = "99XX-L000103"
    world.other_child.save()
    ResultSettings.objects.create(school=school, cito_key_prefix="99XX-")
    return school


def test_cito_import_in_the_back_office_fails_half_way_and_changes_nothing(
    client, world, ark, monkeypatch
):
    url = reverse("resultsadmin:cito_import", kwargs={"school": ark.slug})
    client.force_login(world.staff)
    client.post(url, {"file": SimpleUploadedFile("cito.csv", sample_bytes())})
    sha = cito.plan_import(ark, sample_bytes()).sha256
    before = snapshot()
    # The audit record comes after the school years, the import and its results.
    raise_after(monkeypatch, audit, "record", calls=0)
    with pytest.raises(InjectedFault):
        client.post(url, {"confirm": sha})
    assert_unchanged(before)
    monkeypatch.undo()
    client.post(url, {"confirm": sha})  # the preview is still there and works
    assert LvsResult.objects.count() == 11


def test_cito_import_command_fails_half_way_and_changes_nothing(ark, tmp_path, monkeypatch):
    path = tmp_path / "cito.csv"
    path.write_bytes(sample_bytes())
    before = snapshot()
    raise_after(monkeypatch, audit, "record", calls=0)
    with pytest.raises(InjectedFault):
        call_command("import-cito", "--school", ark.slug, str(path), stdout=StringIO())
    assert_unchanged(before)


def test_bulk_account_mail_fails_half_way_and_changes_nothing(client, world, monkeypatch):
    for number in range(3):
        pupil = StudentFactory(school=world.school, group=world.group)
        LinkFactory(
            guardian=GuardianFactory(school=world.school, email=f"ouder{number}@example.nl"),
            student=pupil,
        )
    client.force_login(world.staff)
    before = snapshot()
    # Accounts are made one by one: the third one fails, after two were saved.
    made = raise_after(monkeypatch, account_services, "new_username", calls=2)
    with pytest.raises(InjectedFault):
        client.post(
            reverse("accountadmin:send", kwargs={"school": world.school.slug}),
            {"scope": "school", "confirm": "yes"},
        )
    assert len(made) == 3
    assert_unchanged(before)
    assert mail.outbox == []


def test_a_decision_that_fails_while_mailing_changes_nothing_and_sends_nothing(
    client, world, monkeypatch
):
    # Both parents with gezag hear about the decision: the second mail fails.
    LinkFactory(
        guardian=GuardianFactory(school=world.school, email="moeder@example.nl"),
        student=world.child,
    )
    client.force_login(world.parent)
    client.post(
        reverse("changerequests:propose_child", args=[world.child.public_id]),
        child_form(world.child, city="Zeist"),
    )
    request = ChangeRequest.objects.get()
    detail = reverse("requestsadmin:detail", args=[world.school.slug, request.pk])
    client.force_login(world.staff)
    token = client.get(detail).context["token"]
    mail.outbox.clear()
    before = snapshot()
    made = raise_after(monkeypatch, request_services, "send_templated_mail", calls=1)
    with pytest.raises(InjectedFault):
        client.post(detail, {"action": "accept", "accept": ["city"], "reason": "", "token": token})
    assert len(made) == 2
    assert_unchanged(before)
    assert mail.outbox == []
    world.child.refresh_from_db()
    assert world.child.city != "Zeist"


def test_a_result_grid_that_fails_half_way_saves_nothing(client, world, monkeypatch):
    test = method_test(world.group, mastery_norm=80)
    client.force_login(world.teacher)
    url = reverse(
        "resultsadmin:grid",
        kwargs={"school": world.school.slug, "group": world.group.pk, "test": test.pk},
    )
    client.get(url)  # the school's result settings are made on first use
    before = snapshot()
    made = raise_after(monkeypatch, MethodResult, "save", calls=2)
    with pytest.raises(InjectedFault):
        client.post(
            url,
            {
                f"v-{world.child.pk}": "85",
                f"v-{world.sibling.pk}": "72",
                f"v-{world.other_child.pk}": "60",
            },
        )
    assert len(made) == 3
    assert_unchanged(before)
