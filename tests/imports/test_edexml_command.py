"""EDEXML imports through the `import-edexml` command."""

import time
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from ouderportaal.core.access import visible_students
from ouderportaal.core.models import Group, SchoolYear, StaffMember, Student
from ouderportaal.imports.models import ImportRun
from tests.factories import SchoolFactory, make_parent

from .conftest import FILES, run_import

SAMPLE = FILES / "example-2.1.xml"


@time_machine.travel(date(2025, 3, 3))  # in the sample's school year: no warning
def test_sample_imports_into_an_empty_school_and_a_second_time_changes_nothing(school):
    out, err = run_import("import-edexml", SAMPLE)
    assert "changes: 9" in out  # a school year, 3 groups, 2 teachers and 3 pupils
    assert err == ""
    year = SchoolYear.objects.get(school=school)
    assert (year.label, year.start_date, year.end_date) == (
        "2024-2025",
        date(2024, 8, 1),
        date(2025, 7, 31),
    )
    sanne = Student.objects.get(school=school, external_key="L000101")
    assert (sanne.roepnaam, sanne.voorvoegsel, sanne.achternaam) == ("Sanne", "de", "Vries")
    assert sanne.first_names == "Sanne Maria"
    assert sanne.birth_date == date(2017, 3, 14)
    assert sanne.gender == "2"
    assert sanne.jaargroep == "4"
    assert sanne.group.name == "4A"
    assert sanne.eck_id.startswith("https://ketenid.nl/201703/")
    assert sanne.enrolled_on == date(2021, 3, 15)
    assert sanne.left_on is None
    daan = Student.objects.get(school=school, external_key="L000102")
    assert daan.group.jaargroep == "C"
    assert daan.jaargroep == "6"
    assert [g.name for g in daan.composed_groups.all()] == ["Plusklas"]
    assert Group.objects.get(external_key="SG-PLUSKLAS").kind == "samengesteld"
    smit = StaffMember.objects.get(school=school, external_key="M001")
    assert smit.is_teacher and not smit.is_administration
    assert smit.user.username == "ASmit"
    assert not smit.user.has_usable_password()
    assert smit.user.email == "a.smit@example.invalid"
    assert [g.name for g in smit.groups.all()] == ["4A"]
    dijk = StaffMember.objects.get(school=school, external_key="M002")
    assert dijk.user.username == "PvanDijk"
    assert sorted(g.name for g in dijk.groups.all()) == ["Plusklas", "Uilen"]

    out, err = run_import("import-edexml", SAMPLE)
    assert "changes: 0" in out
    assert ImportRun.objects.filter(school=school, status="applied").count() == 2
    last = ImportRun.objects.filter(school=school).first()
    assert last.counts["changes"] == 0
    assert last.content == b""  # the file is not kept after the import


def test_dry_run_changes_nothing(school):
    out, _err = run_import("import-edexml", SAMPLE, "99XX", "--dry-run")
    assert "Dry run" in out
    assert "pupil: 3 new" in out
    assert not Student.objects.exists()
    assert not ImportRun.objects.exists()


def test_version_1_03(school):
    out, err = run_import("import-edexml", FILES / "edexml-1.03.xml")
    assert Student.objects.filter(school=school).count() == 3
    aarts = Student.objects.get(external_key="990")
    assert aarts.group.name == "5A" and aarts.jaargroep == "5"
    assert aarts.eck_id is None
    assert aarts.postcode == ""  # EDEXML's postcode alone is not taken over
    akan = Student.objects.get(external_key="1315")
    assert akan.group.name == "Apen" and akan.jaargroep == ""
    assert "groepen/groep[@key='189']/jaargroep" in err  # S(B)O jaargroep: a warning
    assert StaffMember.objects.get(external_key="0").user.username == "Systeembeheerder"


def test_version_2_0_with_composed_group_and_no_roepnaam(school):
    run_import("import-edexml", FILES / "edexml-2.0.xml")
    lotte = Student.objects.get(external_key="LL-1")
    assert lotte.roepnaam == "Lotte"  # first of the voornamen when there is no roepnaam
    assert lotte.gender == "9"
    assert lotte.jaargroep == "3"  # from the group
    assert [g.name for g in lotte.composed_groups.all()] == ["Leesclub"]
    joep = Student.objects.get(external_key="LL-2")
    assert joep.achternaam == "" and joep.roepnaam == "Joep"
    teacher = StaffMember.objects.get(external_key="LK-1")
    assert sorted(g.name for g in teacher.groups.all()) == ["Groep 3", "Leesclub"]


@time_machine.travel(date(2025, 10, 1))
def test_uwlr_namespace_and_school_year_after_the_published_schema(school):
    out, err = run_import("import-edexml", FILES / "uwlr-2025.xml")
    assert err == ""
    assert SchoolYear.objects.get(school=school).label == "2025-2026"
    group = Group.objects.get(school=school)
    assert (group.name, group.jaargroep, group.description) == (
        "Dolfijnen",
        "C",
        "Combinatiegroep 3/4",
    )
    assert sorted(group.students.values_list("jaargroep", flat=True)) == ["3", "4"]


def test_soap_wrapped_message(school):
    body = (FILES / "uwlr-2025.xml").read_text(encoding="utf-8").split("?>", 1)[1]
    envelope = (
        '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
        'envelope/"><soap:Body>' + body + "</soap:Body></soap:Envelope>"
    )
    path = FILES.parent / "soap.tmp.xml"
    path.write_text(envelope, encoding="utf-8")
    try:
        run_import("import-edexml", path)
    finally:
        path.unlink()
    assert Student.objects.filter(school=school).count() == 2


def test_pupils_who_leave_lose_their_parents_access(school, tmp_path):
    run_import("import-edexml", SAMPLE)
    sanne = Student.objects.get(external_key="L000101")
    noor = Student.objects.get(external_key="L000103")
    parent = make_parent([sanne, noor])
    assert set(visible_students(parent)) == {sanne, noor}

    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    text = SAMPLE.read_text(encoding="utf-8")
    # Sanne gets an uitstroomdatum; Noor is no longer in the file.
    text = text.replace(
        "<instroomdatum>2021-03-15</instroomdatum>",
        f"<instroomdatum>2021-03-15</instroomdatum><uitstroomdatum>{yesterday}</uitstroomdatum>",
    )
    start = text.index('<leerling key="L000103">')
    end = text.index("</leerling>", start) + len("</leerling>")
    text = text[:start] + text[end:]
    path = tmp_path / "leavers.xml"
    path.write_text(text, encoding="utf-8")
    out, _err = run_import("import-edexml", path)
    assert "pupil: 0 new, 0 changed, 2 left, 1 unchanged" in out

    sanne.refresh_from_db()
    noor.refresh_from_db()
    assert sanne.left_on == timezone.localdate() - timedelta(days=1)
    assert noor.left_on == timezone.localdate()
    assert list(visible_students(parent)) == []
    # Their data is kept.
    assert noor.guardian_links.count() == 1
    assert noor.group.name == "Uilen"

    out, _err = run_import("import-edexml", path)
    assert "changes: 0" in out


def test_pupil_matched_by_eck_id_when_the_key_changed(school, tmp_path):
    run_import("import-edexml", SAMPLE)
    sanne = Student.objects.get(external_key="L000101")
    path = tmp_path / "newkey.xml"
    path.write_text(
        SAMPLE.read_text(encoding="utf-8").replace('key="L000101"', 'key="NEW-101"'),
        encoding="utf-8",
    )
    out, _err = run_import("import-edexml", path)
    assert "pupil: 0 new, 1 changed, 0 left" in out
    sanne.refresh_from_db()
    assert sanne.external_key == "NEW-101"
    assert Student.objects.filter(school=school).count() == 3


def test_existing_keyless_data_is_adopted_not_duplicated(school, admin):
    admin.email = "a.smit@example.invalid"
    admin.save()
    run_import("import-edexml", SAMPLE)
    member = StaffMember.objects.get(user=admin)
    assert member.external_key == "M001" and member.is_teacher
    assert StaffMember.objects.filter(school=school).count() == 2
    assert get_user_model().objects.filter(email="a.smit@example.invalid").count() == 1


def test_teacher_usernames_are_unique_regardless_of_case(school):
    from tests.factories import UserFactory

    UserFactory(username="asmit")
    run_import("import-edexml", SAMPLE)
    assert StaffMember.objects.get(external_key="M001").user.username == "ASmit2"


def test_teacher_who_left_loses_access(school, tmp_path):
    run_import("import-edexml", SAMPLE)
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index('<leerkracht key="M001">')
    end = text.index("</leerkracht>", start) + len("</leerkracht>")
    path = tmp_path / "no-smit.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    run_import("import-edexml", path)
    smit = StaffMember.objects.get(external_key="M001")
    assert not smit.is_active
    assert smit.groups.count() == 0


def test_a_file_for_another_school_is_refused(school):
    other = SchoolFactory(brin="12AB")
    with pytest.raises(CommandError):
        _out, err = run_import("import-edexml", SAMPLE, "12AB")
    run = ImportRun.objects.get(school=other)
    assert run.status == "refused"
    assert "99XX" in run.problems[0]["message"]
    assert not Student.objects.exists()


def test_unknown_school_on_the_command_line(school):
    with pytest.raises(CommandError, match="No school with BRIN 11ZZ"):
        run_import("import-edexml", SAMPLE, "11ZZ")


def test_external_entity_is_refused_and_nothing_read(school):
    with pytest.raises(CommandError):
        run_import("import-edexml", FILES / "external-entity.xml")
    run = ImportRun.objects.get()
    assert run.status == "refused"
    assert "TOP-SECRET" not in str(run.problems) + str(run.changes)
    assert "entiteiten" in run.problems[0]["message"]
    assert not Student.objects.exists()


def test_billion_laughs_is_refused_quickly(school):
    started = time.perf_counter()
    with pytest.raises(CommandError):
        run_import("import-edexml", FILES / "billion-laughs.xml")
    assert time.perf_counter() - started < 1
    assert ImportRun.objects.get().status == "refused"
    assert not Student.objects.exists()


def test_broken_file_changes_nothing(school):
    run_import("import-edexml", FILES / "uwlr-2025.xml")
    before = list(Student.objects.values_list("pk", "external_key", "left_on"))
    with pytest.raises(CommandError):
        run_import("import-edexml", FILES / "broken.xml")
    run = ImportRun.objects.filter(school=school).first()
    assert run.status == "refused"
    assert run.problems[0]["line"] is not None
    assert "geen geldige XML" in run.problems[0]["message"]
    assert list(Student.objects.values_list("pk", "external_key", "left_on")) == before


def test_every_bad_element_is_reported_with_where_and_why(school):
    with pytest.raises(CommandError):
        run_import("import-edexml", FILES / "invalid-elements.xml")
    problems = ImportRun.objects.get().problems
    found = {(p["where"], p["line"]) for p in problems if p["severity"] == "error"}
    assert ("leerlingen/leerling[@key='BAD1']/geboortedatum", 22) in found
    assert ("leerlingen/leerling[@key='BAD2']/geslacht", 26) in found
    assert ("leerlingen/leerling[@key='BAD2']/groep", 27) in found
    assert ("leerlingen/leerling", 29) in found  # no key
    assert ("leerlingen/leerling[@key='OK1']", 33) in found  # duplicate key
    assert not Student.objects.exists()


def test_missing_optional_elements_keep_what_the_portal_has(school, tmp_path):
    run_import("import-edexml", SAMPLE)
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("<geslacht>2</geslacht>", "").replace(
        "<geboortedatum>2017-03-14</geboortedatum>", ""
    )
    path = tmp_path / "fewer.xml"
    path.write_text(text, encoding="utf-8")
    out, _err = run_import("import-edexml", path)
    assert "changes: 0" in out
    sanne = Student.objects.get(external_key="L000101")
    assert (sanne.gender, sanne.birth_date) == ("2", date(2017, 3, 14))


def test_school_with_a_dependance_code(db, tmp_path):
    SchoolFactory(brin="99XX", vestiging="01")
    path = tmp_path / "dependance.xml"
    path.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "<dependancecode>00</dependancecode>", "<dependancecode>01</dependancecode>"
        ),
        encoding="utf-8",
    )
    run_import("import-edexml", path, "99XX01")
    assert Student.objects.filter(school__vestiging="01").count() == 3


def test_an_import_does_not_give_access_back(school):
    run_import("import-edexml", SAMPLE)
    StaffMember.objects.filter(external_key="M001").update(is_active=False)
    _out, err = run_import("import-edexml", SAMPLE)
    assert "Anna Smit" in err
    assert not StaffMember.objects.get(external_key="M001").is_active
