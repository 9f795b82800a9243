"""A realistic demo installation: one board, two schools, families and staff.

Every name is invented. The same seed gives the same demo every time, and building it
again on a database that has it changes nothing but the demo passwords.
Other apps add their part (results, help pages, …) through `register_demo_step`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from ouderportaal.core.models import (
    Board,
    Custody,
    Gender,
    Group,
    Guardian,
    GuardianLink,
    Relation,
    School,
    SchoolYear,
    StaffMember,
    Student,
)

DEMO_PASSWORD = "kijk mee op school"  # noqa: S105 - printed for the demo on purpose
BOARD_NUMBER = "40999"

BOYS = [
    "Daan",
    "Sem",
    "Lucas",
    "Levi",
    "Finn",
    "Milan",
    "Bram",
    "Noah",
    "Jesse",
    "Thijs",
    "Luuk",
    "Mees",
    "Sven",
    "Ruben",
    "Teun",
    "Gijs",
    "Jayden",
    "Siem",
    "Hugo",
    "Ties",
    "Stijn",
    "Julian",
    "Olivier",
    "Boaz",
    "Morris",
    "Ayoub",
    "Mohammed",
    "Cas",
    "Jens",
    "Tobias",
]
GIRLS = [
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sophie",
    "Zoë",
    "Sara",
    "Nora",
    "Yara",
    "Eva",
    "Saar",
    "Lotte",
    "Noor",
    "Liv",
    "Fenna",
    "Lieke",
    "Anna",
    "Fleur",
    "Roos",
    "Isa",
    "Lina",
    "Maud",
    "Femke",
    "Ilse",
    "Nina",
    "Sanne",
    "Fatima",
    "Amira",
    "Vera",
    "Hanna",
]
ADULT_MEN = ["Jeroen", "Mark", "Bas", "Pieter", "Thomas", "Martijn", "Rik", "Youssef", "Erik"]
ADULT_WOMEN = ["Marieke", "Linda", "Sanne", "Esther", "Anouk", "Ilse", "Karin", "Samira", "Petra"]
SURNAMES = [
    ("", "Jansen"),
    ("de", "Jong"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("de", "Graaf"),
    ("van der", "Meer"),
    ("van der", "Linden"),
    ("", "Kok"),
    ("", "Jacobs"),
    ("de", "Haan"),
    ("", "Vermeulen"),
    ("van den", "Heuvel"),
    ("van der", "Veen"),
    ("van den", "Broek"),
    ("de", "Bruijn"),
    ("", "Schouten"),
    ("van", "Beek"),
    ("", "Willems"),
    ("van", "Vliet"),
    ("", "Hoekstra"),
    ("", "Maas"),
    ("", "Verhoeven"),
    ("", "Koster"),
    ("", "Prins"),
    ("", "Yilmaz"),
    ("", "El Amrani"),
    ("", "Kaya"),
    ("", "Nguyen"),
]
STREETS = [
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Lindenlaan",
    "Beukenlaan",
    "Julianastraat",
    "Wilhelminastraat",
    "Stationsweg",
    "Parallelweg",
    "Eikenlaan",
    "Sportlaan",
    "Merelstraat",
    "Tulpstraat",
    "Vijverweg",
    "Havenstraat",
]
GROUPS = [
    ("1A", "1"),
    ("2A", "2"),
    ("3/4", "C"),
    ("5A", "5"),
    ("6A", "6"),
    ("7A", "7"),
    ("8A", "8"),
]
PUPILS_PER_GROUP = 25


@dataclass
class DemoLogin:
    username: str
    role: str
    school: str
    children: list[str] = field(default_factory=list)
    # False for a parent whose account waits for its first password (account mail link).
    has_password: bool = True

    def as_dict(self) -> dict:
        return {
            "username": self.username,
            "password": DEMO_PASSWORD if self.has_password else None,
            "role": self.role,
            "school": self.school,
            "children": self.children,
            "has_password": self.has_password,
        }


@dataclass
class DemoResult:
    schools: list[School]
    logins: list[DemoLogin]
    created: bool


DemoStep = Callable[[list[School], random.Random], None]
DEMO_STEPS: list[tuple[int, DemoStep]] = []


def register_demo_step(step: DemoStep, order: int = 100) -> None:
    """Add a part to the demo; steps run in order after the schools exist."""
    if all(existing is not step for _, existing in DEMO_STEPS):
        DEMO_STEPS.append((order, step))
        DEMO_STEPS.sort(key=lambda item: item[0])


def school_year_label(day: date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def school_year_bounds(label: str) -> tuple[date, date]:
    first = int(label[:4])
    return date(first, 8, 1), date(first + 1, 7, 31)


class _Builder:
    def __init__(self, password_hash: str):
        self.rng = random.Random(20260229)
        self.password_hash = password_hash
        self.today = timezone.localdate()
        self.user_model = get_user_model()
        self.logins: list[DemoLogin] = []
        self._street_no = 0

    def user(self, username: str, first: str, last: str, email: str, **extra):
        return self.user_model.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=email,
            password=self.password_hash,
            **extra,
        )

    def address(self, city: str) -> dict:
        self._street_no += 1
        street = STREETS[self._street_no % len(STREETS)]
        digits = 3500 + self._street_no % 400
        letters = "ABCDEFGHJKLMNPRSTVWXZ"
        postcode = f"{digits} {letters[self._street_no % 21]}{letters[(self._street_no * 7) % 21]}"
        return {
            "street": street,
            "house_number": str(1 + self._street_no % 180),
            "postcode": postcode,
            "city": city,
        }

    def school(self, board, name, slug, brin, city, region) -> School:
        school = School.objects.create(
            board=board,
            name=name,
            slug=slug,
            brin=brin,
            city=city,
            portal_email=f"ouderportaal@{slug}.example.nl",
            website=f"https://www.{slug}.example.nl/",
            holiday_region=region,
        )
        label = school_year_label(self.today)
        start, end = school_year_bounds(label)
        year = SchoolYear.objects.create(school=school, label=label, start_date=start, end_date=end)
        self.build_staff_and_groups(school, year)
        self.build_pupils(school, year)
        return school

    def build_staff_and_groups(self, school: School, year: SchoolYear) -> None:
        prefix = school.slug.split("-")[-1]
        roles = [
            ("administratie", "Ans", "Kramer", {"is_administration": True}),
            ("portaalbeheer", "Wim", "Verbeek", {"is_portal_manager": True}),
            (
                "directie",
                "Hanneke",
                "Postma",
                {
                    "is_administration": True,
                    "is_portal_manager": True,
                    "is_teacher": True,
                },
            ),
        ]
        for role, first, last, flags in roles:
            username = f"{role}.{prefix}"
            user = self.user(username, first, last, f"{username}@{school.slug}.example.nl")
            StaffMember.objects.create(school=school, user=user, **flags)
            self.logins.append(DemoLogin(username, f"staff: {role}", school.name))
        teacher_names = [
            ("Anna", "Smit"),
            ("Peter", "van Dijk"),
            ("Fatma", "Demir"),
            ("Joost", "Kuipers"),
            ("Lisa", "Hermans"),
            ("Koen", "Wouters"),
            ("Mirjam", "Bosman"),
            ("Ruud", "Evers"),
        ]
        self.groups = []
        for index, (group_name, jaargroep) in enumerate(GROUPS):
            first, last = teacher_names[index]
            username = f"{first.lower()}.{last.split()[-1].lower()}.{prefix}"
            user = self.user(username, first, last, f"{username}@{school.slug}.example.nl")
            teacher = StaffMember.objects.create(school=school, user=user, is_teacher=True)
            group = Group.objects.create(
                school=school,
                school_year=year,
                name=group_name,
                jaargroep=jaargroep,
                description="Combinatiegroep 3/4" if jaargroep == "C" else "",
                external_key=f"G{year.label[:4]}-{group_name}",
            )
            group.teachers.add(teacher)
            self.groups.append(group)
            if index == 5:
                self.logins.append(DemoLogin(username, "staff: teacher 7A", school.name))

    def build_pupils(self, school: School, year: SchoolYear) -> None:
        students, guardians, links = [], [], []
        number = 0
        first_start = year.start_date
        for group in self.groups:
            for seat in range(PUPILS_PER_GROUP):
                number += 1
                if group.jaargroep == "C":
                    jaargroep = "3" if seat < 13 else "4"
                else:
                    jaargroep = group.jaargroep
                years_in = int(jaargroep) - 1
                age = 4 + years_in
                birth = date(first_start.year - age - 1, 1 + (number * 5) % 12, 1 + number % 28)
                girl = self.rng.random() < 0.5
                first = self.rng.choice(GIRLS if girl else BOYS)
                prefix, surname = self.rng.choice(SURNAMES)
                address = self.address(school.city)
                students.append(
                    Student(
                        school=school,
                        external_key=f"{school.brin}-L{number:05d}",
                        first_names=f"{first} {self.rng.choice(GIRLS if girl else BOYS)}",
                        roepnaam=first,
                        voorvoegsel=prefix,
                        achternaam=surname,
                        birth_date=birth,
                        gender=Gender.GIRL if girl else Gender.BOY,
                        group=group,
                        jaargroep=jaargroep,
                        enrolled_on=date(first_start.year - years_in, 8, 20),
                        **address,
                    )
                )
                for parent_index, (names, relation) in enumerate(
                    ((ADULT_WOMEN, Relation.MOTHER), (ADULT_MEN, Relation.FATHER))
                ):
                    parent_first = self.rng.choice(names)
                    guardians.append(
                        Guardian(
                            school=school,
                            external_key=f"{school.brin}-O{number:05d}-{parent_index}",
                            roepnaam=parent_first,
                            initials=parent_first[0],
                            voorvoegsel=prefix,
                            achternaam=surname,
                            email=f"{parent_first.lower()}.{surname.lower().replace(' ', '')}"
                            f".{number}@example.nl",
                            phone_mobile=f"06-{12000000 + number * 2 + parent_index}",
                            **address,
                        )
                    )
                    links.append((len(students) - 1, len(guardians) - 1, relation))
        Student.objects.bulk_create(students)
        Guardian.objects.bulk_create(guardians)
        GuardianLink.objects.bulk_create(
            GuardianLink(
                student=students[s],
                guardian=guardians[g],
                relation=relation,
                custody=Custody.GEZAG,
            )
            for s, g, relation in links
        )

    # -- The families the demo is about ------------------------------------------------

    def pupil(self, school: School, group_name: str, **fields) -> Student:
        group = Group.objects.get(school=school, name=group_name)
        jaargroep = fields.pop("jaargroep", group.jaargroep)
        key = fields.pop("key")
        return Student.objects.create(
            school=school,
            external_key=key,
            group=group,
            jaargroep=jaargroep,
            **fields,
        )

    def guardian(self, school, user, relation, custody, students, **fields) -> Guardian:
        guardian = Guardian.objects.create(school=school, user=user, **fields)
        for student in students:
            GuardianLink.objects.create(
                guardian=guardian, student=student, relation=relation, custody=custody
            )
        return guardian

    def families(self, ark: School, regenboog: School) -> None:
        y = self.today.year
        # The De Vries family: two children at De Ark, a third who left last summer.
        home = {
            "street": "Lindenlaan",
            "house_number": "12",
            "postcode": "3511 AB",
            "city": ark.city,
        }
        sanne = self.pupil(
            ark,
            "5A",
            key="99XX-L000101",
            first_names="Sanne Maria",
            roepnaam="Sanne",
            voorvoegsel="de",
            achternaam="Vries",
            birth_date=date(y - 9, 3, 14),
            gender=Gender.GIRL,
            enrolled_on=date(y - 5, 3, 15),
            phone="030-1234567",
            **home,
        )
        thijs = self.pupil(
            ark,
            "3/4",
            key="99XX-L000104",
            jaargroep="3",
            first_names="Thijs",
            roepnaam="Thijs",
            voorvoegsel="de",
            achternaam="Vries",
            birth_date=date(y - 7, 6, 2),
            gender=Gender.BOY,
            enrolled_on=date(y - 3, 6, 3),
            **home,
        )
        left = self.pupil(
            ark,
            "8A",
            key="99XX-L000099",
            first_names="Lars",
            roepnaam="Lars",
            voorvoegsel="de",
            achternaam="Vries",
            birth_date=date(y - 13, 1, 9),
            gender=Gender.BOY,
            enrolled_on=date(y - 9, 1, 10),
            left_on=date(y if self.today.month >= 8 else y - 1, 7, 17),
            **home,
        )
        jeroen = self.user("JdeVries", "Jeroen", "de Vries", "jeroen.devries@example.nl")
        marieke = self.user("MdeVries", "Marieke", "de Vries", "marieke.devries@example.nl")
        kids = [sanne, thijs, left]
        self.guardian(
            ark,
            jeroen,
            Relation.FATHER,
            Custody.GEZAG,
            kids,
            roepnaam="Jeroen",
            initials="J",
            voorvoegsel="de",
            achternaam="Vries",
            email=jeroen.email,
            phone_mobile="06-11112222",
            **home,
        )
        self.guardian(
            ark,
            marieke,
            Relation.MOTHER,
            Custody.GEZAG,
            kids,
            roepnaam="Marieke",
            initials="M",
            voorvoegsel="de",
            achternaam="Vries",
            email=marieke.email,
            phone_mobile="06-33334444",
            **home,
        )
        for name in ("JdeVries", "MdeVries"):
            self.logins.append(DemoLogin(name, "parent (gezag)", ark.name, ["Sanne", "Thijs"]))

        # Separated parents: each their own account, mail address and home.
        noor = self.pupil(
            ark,
            "6A",
            key="99XX-L000103",
            first_names="Noor Elisabeth",
            roepnaam="Noor",
            voorvoegsel="van den",
            achternaam="Bakker",
            birth_date=date(y - 10, 6, 30),
            gender=Gender.GIRL,
            enrolled_on=date(y - 6, 7, 1),
            street="Molenweg",
            house_number="3",
            postcode="3512 CD",
            city=ark.city,
        )
        father = self.user("PvandenBakker", "Pieter", "van den Bakker", "pieter.bakker@example.nl")
        mother = self.user(
            "SvanDijk", "Samira", "van Dijk", "samira.vandijk@example.nl", language="en"
        )
        self.guardian(
            ark,
            father,
            Relation.FATHER,
            Custody.GEZAG,
            [noor],
            roepnaam="Pieter",
            initials="P",
            voorvoegsel="van den",
            achternaam="Bakker",
            email=father.email,
            phone_mobile="06-55556666",
            street="Molenweg",
            house_number="3",
            postcode="3512 CD",
            city=ark.city,
        )
        self.guardian(
            ark,
            mother,
            Relation.MOTHER,
            Custody.GEZAG,
            [noor],
            roepnaam="Samira",
            initials="S",
            voorvoegsel="van",
            achternaam="Dijk",
            email=mother.email,
            phone_mobile="06-77778888",
            street="Havenstraat",
            house_number="88",
            postcode="3582 EF",
            city=ark.city,
            language="en",
        )
        # The mother's new partner: right to information only, no account.
        self.guardian(
            ark,
            None,
            Relation.STEP,
            Custody.INFORMATIERECHT,
            [noor],
            roepnaam="Erik",
            initials="E",
            achternaam="Visser",
            email="erik.visser@example.nl",
            street="Havenstraat",
            house_number="88",
            postcode="3582 EF",
            city=ark.city,
        )
        self.logins.append(
            DemoLogin("PvandenBakker", "parent (gezag, separated)", ark.name, ["Noor"])
        )
        self.logins.append(
            DemoLogin("SvanDijk", "parent (gezag, separated, English)", ark.name, ["Noor"])
        )

        # One parent with a child at each school.
        daan = self.pupil(
            ark,
            "7A",
            key="99XX-L000102",
            first_names="Daan",
            roepnaam="Daan",
            achternaam="Jansen",
            birth_date=date(y - 11, 11, 2),
            gender=Gender.BOY,
            enrolled_on=date(y - 7, 11, 5),
            street="Kerkstraat",
            house_number="7",
            postcode="3513 GH",
            city=ark.city,
        )
        mila = self.pupil(
            regenboog,
            "2A",
            key="98YY-L000201",
            first_names="Mila",
            roepnaam="Mila",
            achternaam="Jansen",
            birth_date=date(y - 6, 4, 21),
            gender=Gender.GIRL,
            enrolled_on=date(y - 2, 4, 22),
            street="Kerkstraat",
            house_number="7",
            postcode="3513 GH",
            city=ark.city,
        )
        anouk = self.user("AJansen", "Anouk", "Jansen", "anouk.jansen@example.nl")
        for school, child in ((ark, daan), (regenboog, mila)):
            self.guardian(
                school,
                anouk,
                Relation.MOTHER,
                Custody.GEZAG,
                [child],
                roepnaam="Anouk",
                initials="A",
                achternaam="Jansen",
                email=anouk.email,
                phone_mobile="06-99990000",
                street="Kerkstraat",
                house_number="7",
                postcode="3513 GH",
                city=ark.city,
            )
        self.logins.append(
            DemoLogin(
                "AJansen",
                "parent at both schools",
                f"{ark.name}, {regenboog.name}",
                ["Daan", "Mila"],
            )
        )


def build_demo() -> DemoResult:
    """Create the demo unless it is there; either way return the logins."""
    password_hash = make_password(DEMO_PASSWORD)
    existing = Board.objects.filter(number=BOARD_NUMBER).first()
    if existing is not None:
        schools = list(existing.schools.order_by("name"))
        return DemoResult(
            schools=schools, logins=_reset_logins(schools, password_hash), created=False
        )
    with transaction.atomic():
        builder = _Builder(password_hash)
        board = Board.objects.create(name="Stichting Voorbeeldscholen", number=BOARD_NUMBER)
        ark = builder.school(board, "KBS De Ark", "de-ark", "99XX", "Utrecht", "Midden")
        regenboog = builder.school(
            board, "OBS De Regenboog", "de-regenboog", "98YY", "Groningen", "Noord"
        )
        builder.families(ark, regenboog)
        admin = builder.user(
            "beheerder",
            "Beheer",
            "Installatie",
            "beheer@example.nl",
            is_staff=True,
            is_superuser=True,
        )
        builder.logins.append(DemoLogin(admin.username, "superuser (Django admin)", "—"))
        schools = [ark, regenboog]
        for _, step in DEMO_STEPS:
            # A step may name logins of its own (e.g. a parent without a password yet).
            builder.logins.extend(step(schools, random.Random(20260229)) or [])
    _store_logins(builder.logins)
    return DemoResult(schools=schools, logins=builder.logins, created=True)


def _store_logins(logins: list[DemoLogin]) -> None:
    from ouderportaal.core.models import AuditEvent

    AuditEvent.objects.create(
        action="demo.created",
        data={
            "logins": [
                {k: v for k, v in login.as_dict().items() if k != "password"} for login in logins
            ]
        },
    )


def _reset_logins(schools, password_hash) -> list[DemoLogin]:
    from ouderportaal.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="demo.created").order_by("-at").first()
    stored = event.data["logins"] if event else []
    usernames = [row["username"] for row in stored if row.get("has_password", True)]
    get_user_model().objects.filter(username__in=usernames).update(password=password_hash)
    return [
        DemoLogin(
            row["username"],
            row["role"],
            row["school"],
            row["children"],
            row.get("has_password", True),
        )
        for row in stored
    ]
