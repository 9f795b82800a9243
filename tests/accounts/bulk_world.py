"""Run as a script against a real database: a school of 500 pupils and 1,000 guardians
with gezag, and one bulk account-mail send queued as a staff member would queue it.

Prints the batch id. Used by test_bulk_worker.py, which runs the real worker.
"""

import os
import sys
import time
from datetime import date

import django


def main(pupils: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouderportaal.settings")
    django.setup()
    from ouderportaal.accounts import services
    from ouderportaal.core.models import (
        Board,
        Custody,
        Group,
        Guardian,
        GuardianLink,
        Relation,
        School,
        SchoolYear,
        Student,
    )

    board = Board.objects.create(name="Stichting Bulk", number="49999")
    school = School.objects.create(
        board=board,
        name="Bulkschool",
        slug="bulk",
        brin="97ZZ",
        portal_email="ouderportaal@bulk.example.nl",
        holiday_region="Midden",
    )
    year = SchoolYear.objects.create(
        school=school, label="2026-2027", start_date=date(2026, 8, 1), end_date=date(2027, 7, 31)
    )
    group = Group.objects.create(school=school, school_year=year, name="5A", jaargroep="5")
    students = Student.objects.bulk_create(
        Student(
            school=school,
            external_key=f"L{n:05d}",
            roepnaam=f"Kind{n}",
            achternaam="Jansen",
            group=group,
            jaargroep="5",
        )
        for n in range(pupils)
    )
    guardians = Guardian.objects.bulk_create(
        Guardian(
            school=school,
            external_key=f"O{n:05d}-{p}",
            roepnaam=f"Ouder{n}{p}",
            initials="AB"[p],
            achternaam=f"Jansen{n}",
            email=f"ouder{n}-{p}@example.nl",
        )
        for n in range(pupils)
        for p in range(2)
    )
    GuardianLink.objects.bulk_create(
        GuardianLink(
            guardian=guardians[2 * n + p],
            student=students[n],
            relation=Relation.MOTHER if p == 0 else Relation.FATHER,
            custody=Custody.GEZAG,
        )
        for n in range(pupils)
        for p in range(2)
    )
    started = time.monotonic()
    batch = services.start_batch(
        school=school,
        guardians=Guardian.objects.filter(school=school).values("pk"),
        scope="school",
        label=school.name,
        actor=None,
        base_url="https://ouders.example.nl/",
    )
    # The batch id, and how long the staff member's request would take.
    print(batch.pk, f"{time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
