"""The permission matrix's world: two schools with an object of every kind that appears
in a URL, and the personas who ask for them.

`own` holds the objects of the family of `parent` at `school`; `neighbour` those of
another family at the same school; `other` those of a family at `other_school`. The
matrix asks for each URL with `own`'s objects, and then with `neighbour`'s or `other`'s
objects under the same school slug or child, which must be refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from ouderportaal.accounts.models import (
    AccountMailBatch,
    AccountMailItem,
    AccountState,
    Passkey,
)
from ouderportaal.changerequests.services import submit
from ouderportaal.core.models import Custody, Guardian
from ouderportaal.helpdesk.models import AppointmentRequest, Document, HelpPage
from ouderportaal.imports.models import ImportRun
from ouderportaal.schoolcontrol.models import ClosedPeriod, Release
from tests.factories import (
    GroupFactory,
    SchoolFactory,
    StaffFactory,
    StudentFactory,
    UserFactory,
    make_parent,
)
from tests.results.helpers import method_result, method_test

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@dataclass
class Side:
    """One family at one school, with an object of every kind a URL can name."""

    school: object
    group: object
    child: object
    parent: object
    guardian: object
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class MatrixWorld:
    school: object
    other_school: object
    own: Side
    neighbour: Side
    other: Side
    personas: dict


def _document(school, audience, title):
    document = Document(
        school=school,
        title=title,
        audience=audience,
        extension="pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    document.file.save(f"{title}.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def _school_objects(side: Side, *, teacher) -> None:
    """Objects that belong to the school as a whole (one set per school)."""
    school = side.school
    now = timezone.now()
    batch = AccountMailBatch.objects.create(
        school=school,
        scope=AccountMailBatch.Scope.SCHOOL,
        label=school.name,
        total=1,
        base_url="http://testserver/",
    )
    AccountMailItem.objects.create(batch=batch, guardian=side.guardian)
    test = method_test(side.group)
    method_result(side.child, test)
    side.objects.update(
        batch=batch,
        help_page=HelpPage.objects.create(
            school=school, slug=f"schoolreis-{school.slug}", language="nl", title="Reis", body="."
        ),
        document=_document(school, Document.Audience.PUBLIC, f"handleiding-{school.slug}"),
        parents_document=_document(school, Document.Audience.PARENTS, f"gids-{school.slug}"),
        import_run=ImportRun.objects.create(
            school=school,
            kind=ImportRun.Kind.EDEXML,
            source=ImportRun.Source.WEB,
            file_name="leerlingen.xml",
            counts={"objects": {}, "changes": 0, "errors": 0, "skipped": 0, "warnings": 0},
        ),
        method_test=test,
        period=ClosedPeriod.objects.create(
            school=school,
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=12),
            message="Gesloten voor de rapporten.",
        ),
        # In the future: its effect is not due, so showing it records nothing.
        release=Release.objects.create(
            school=school,
            school_year=side.group.school_year,
            moment="M",
            release_at=now + timedelta(days=12),
        ),
    )
    side.group.teachers.add(teacher)


def _family_objects(side: Side) -> None:
    """Objects that belong to one family: a change request and an appointment request."""
    side.objects.update(
        change_request=submit(
            user=side.parent, student=side.child, guardian=None, changes={"city": "Zeist"}
        ),
        appointment=AppointmentRequest.objects.create(
            school=side.school,
            student=side.child,
            requested_by=side.parent,
            subject="Rekenen",
            preferred_times="dinsdag",
        ),
        passkey=Passkey.objects.create(
            user=side.parent,
            name="Telefoon",
            credential_id=f"credential-{side.parent.pk}",
            public_key=b"\xa5",
            user_handle=f"handle-{side.parent.pk}",
        ),
    )


def _side(school, group, child, parent) -> Side:
    guardian = Guardian.objects.get(school=school, user=parent)
    return Side(school=school, group=group, child=child, parent=parent, guardian=guardian)


def build_world() -> MatrixWorld:
    school = SchoolFactory(name="KBS De Ark", slug="de-ark")
    other_school = SchoolFactory(name="OBS Elders", slug="elders")
    group = GroupFactory(school=school, name="5A", jaargroep="5")
    other_group = GroupFactory(school=other_school, name="5B", jaargroep="5")
    child = StudentFactory(school=school, group=group, roepnaam="Sanne")
    sibling = StudentFactory(school=school, group=group, roepnaam="Thijs")
    neighbour_child = StudentFactory(school=school, group=group, roepnaam="Noor")
    other_child = StudentFactory(school=other_school, group=other_group, roepnaam="Daan")
    parent = make_parent([child, sibling], username="JdeVries")
    other_parent = make_parent([neighbour_child], username="PBakker")
    elsewhere_parent = make_parent([other_child], username="KElders")
    info_only = make_parent([child], username="EVisser", custody=Custody.INFORMATIERECHT)

    def staff(username, at=school, **roles):
        return StaffFactory(school=at, user=UserFactory(username=username), **roles)

    director = staff("directie")
    teacher = staff("juf.anna", is_administration=False, is_portal_manager=False)
    other_teacher = staff("meester.bram", is_administration=False, is_portal_manager=False)
    GroupFactory(school=school, name="7A", jaargroep="7").teachers.add(other_teacher)
    staff("administratie", is_teacher=False, is_portal_manager=False)
    staff("portaalbeheer", is_teacher=False, is_administration=False)
    other_staff = staff("elders.admin", at=other_school)
    superuser = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    # Superusers only reach Django's admin after a login with a second factor.
    AccountState.objects.create(
        user=superuser, totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=timezone.now()
    )

    own = _side(school, group, child, parent)
    neighbour = _side(school, group, neighbour_child, other_parent)
    other = _side(other_school, other_group, other_child, elsewhere_parent)
    _school_objects(own, teacher=teacher)
    _school_objects(other, teacher=other_staff)
    for side in (own, neighbour, other):
        _family_objects(side)
    neighbour.objects.update({k: v for k, v in own.objects.items() if k not in neighbour.objects})
    users = get_user_model().objects
    personas = {
        "anonymous": None,
        "parent": parent,
        "other_parent": other_parent,
        "info_only": info_only,
        "staff": director.user,
        "administration": users.get(username="administratie"),
        "portal_manager": users.get(username="portaalbeheer"),
        "teacher": teacher.user,
        "other_teacher": other_teacher.user,
        "other_staff": other_staff.user,
        "superuser": superuser,
    }
    return MatrixWorld(
        school=school,
        other_school=other_school,
        own=own,
        neighbour=neighbour,
        other=other,
        personas=personas,
    )
