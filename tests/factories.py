"""Test data factories. Every object belongs to a school, as in the product."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from ouderportaal.core.demo import school_year_bounds, school_year_label
from ouderportaal.core.models import (
    Board,
    Custody,
    Group,
    Guardian,
    GuardianLink,
    Relation,
    School,
    SchoolYear,
    StaffMember,
    Student,
)

PASSWORD = "correct-horse-battery"


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Stichting {n}")
    number = factory.Sequence(lambda n: f"{41000 + n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    brin = factory.Sequence(
        lambda n: f"{n % 100:02d}{'ABCDEFGHIJ'[n % 10]}{'KLMNOPQRST'[n // 10 % 10]}"
    )
    city = "Utrecht"
    portal_email = factory.LazyAttribute(lambda o: f"ouderportaal@{o.slug}.example.nl")
    holiday_region = School.HolidayRegion.MIDDLE


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("school", "label")

    school = factory.SubFactory(SchoolFactory)
    # The school year we are in today, so that tests do not break with the calendar.
    label = factory.LazyFunction(lambda: school_year_label(timezone.localdate()))
    start_date = factory.LazyAttribute(lambda o: school_year_bounds(o.label)[0])
    end_date = factory.LazyAttribute(lambda o: school_year_bounds(o.label)[1])


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.LazyAttribute(lambda o: SchoolYearFactory(school=o.school))
    name = factory.Sequence(lambda n: f"{n % 8 + 1}A")
    jaargroep = "5"
    external_key = factory.Sequence(lambda n: f"G{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"User{n}")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username.lower()}@example.nl")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    is_administration = True
    is_teacher = True
    is_portal_manager = True


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    external_key = factory.Sequence(lambda n: f"L{n:06d}")
    roepnaam = factory.Sequence(lambda n: f"Kind{n}")
    achternaam = "Jansen"
    # About nine years old today, as a pupil in groep 5.
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=9 * 365 + 100))
    group = factory.LazyAttribute(lambda o: GroupFactory(school=o.school))
    jaargroep = "5"
    street = "Kerkstraat"
    house_number = "1"
    postcode = "3511 AB"
    city = "Utrecht"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    school = factory.SubFactory(SchoolFactory)
    user = None
    roepnaam = "Ouder"
    achternaam = factory.Sequence(lambda n: f"Ouder{n}")
    email = factory.Sequence(lambda n: f"ouder{n}@example.nl")


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianLink

    guardian = factory.SubFactory(GuardianFactory)
    student = factory.SubFactory(StudentFactory)
    relation = Relation.MOTHER
    custody = Custody.GEZAG


def make_parent(students, *, username=None, custody=Custody.GEZAG, **user_fields):
    """A parent account linked to the given pupils (one guardian record per school)."""
    user = UserFactory(**({"username": username} if username else {}), **user_fields)
    by_school = {}
    for student in students:
        guardian = by_school.get(student.school_id)
        if guardian is None:
            guardian = GuardianFactory(school=student.school, user=user, email=user.email)
            by_school[student.school_id] = guardian
        LinkFactory(guardian=guardian, student=student, custody=custody)
    return user
