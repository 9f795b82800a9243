"""Planning and applying an EDEXML import: school year, groups, teachers and pupils.

Everything the import needs from the database is read in a fixed number of queries
(a few per batch of `BATCH_SIZE` rows, never one per pupil), compared in memory, and
written back with bulk inserts and updates. Pupils are matched by the
administration's key, then by ECK iD, never by name. Pupils who are not in the file
any more, or whose uitstroomdatum has passed, get `left_on` set and lose their
parents' access at once (core.access.visible_students); nothing about them is
deleted.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from ouderportaal.accounts import usernames
from ouderportaal.core.models import Gender, Group, SchoolYear, StaffMember, Student
from ouderportaal.imports.edexml import EdexFile, EdexPupil
from ouderportaal.imports.report import CHANGED, LEFT, NEW, UNCHANGED, Report, shown

BATCH_SIZE = 500
PUPIL_FIELDS = (
    "external_key",
    "eck_id",
    "first_names",
    "roepnaam",
    "voorvoegsel",
    "achternaam",
    "birth_date",
    "gender",
    "jaargroep",
    "group",
    "enrolled_on",
    "left_on",
)
GROUP_FIELDS = ("external_key", "name", "kind", "jaargroep", "description")


def school_year_dates(label: str) -> tuple[date, date]:
    first = int(label[:4])
    return date(first, 8, 1), date(first + 1, 7, 31)


def _chunks(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _username_base(first: str, prefix: str, surname: str) -> str:
    raw = f"{first[:1]}{prefix}{surname}".replace(" ", "")
    ascii_name = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", ascii_name)[:140] or "leerkracht"


def _group_label(group) -> str:
    return group.name if group is not None else ""


class EdexmlImport:
    """Compares one EDEXML file with the school's data; `apply()` writes the difference."""

    def __init__(self, school, data: EdexFile, report: Report, today: date):
        self.school = school
        self.data = data
        self.report = report
        self.today = today
        self.year: SchoolYear | None = None
        self.new_year = False
        self.groups_by_key: dict[str, Group] = {}
        self.new_groups: list[Group] = []
        self.changed_groups: dict[int, tuple[Group, set[str]]] = {}
        self.new_users: list = []
        self.new_staff: list[StaffMember] = []
        self.changed_staff: dict[int, tuple[StaffMember, set[str]]] = {}
        self.link_removals: list[int] = []
        self.link_additions: list[tuple[Group, StaffMember]] = []
        self.new_students: list[Student] = []
        self.changed_students: dict[int, tuple[Student, set[str]]] = {}
        self.composed_removals: list[int] = []
        self.composed_additions: list[tuple[Student, Group]] = []
        self.group_names: dict[int, str] = {}

    # -- planning ----------------------------------------------------------------------
    def plan(self) -> None:
        info = self.data.school
        if (info.brincode, info.dependancecode) != (self.school.brin, self.school.vestiging):
            self.report.error(
                _(
                    "This file is for BRIN %(brin)s (dependance %(dep)s), but you are "
                    "importing into %(school)s (BRIN %(own_brin)s, dependance %(own_dep)s). "
                    "Nothing was imported."
                )
                % {
                    "brin": info.brincode or "?",
                    "dep": info.dependancecode,
                    "school": self.school.name,
                    "own_brin": self.school.brin,
                    "own_dep": self.school.vestiging,
                },
                where="school/brincode",
            )
            return
        if self.report.has_errors:
            return
        self.plan_year()
        self.plan_groups()
        staff_by_key = self.plan_teachers() if self.data.has_teachers else {}
        if self.data.has_teachers:
            self.plan_teacher_groups(staff_by_key)
        self.plan_pupils()

    def plan_year(self) -> None:
        label = self.data.school.schooljaar
        self.year = SchoolYear.objects.filter(school=self.school, label=label).first()
        if self.year is None:
            start, end = school_year_dates(label)
            self.year = SchoolYear(school=self.school, label=label, start_date=start, end_date=end)
            self.new_year = True
            self.report.add(NEW, "schoolyear", label, label)

    def plan_groups(self) -> None:
        existing = [] if self.new_year else list(self.year.groups.all())
        by_key = {g.external_key: g for g in existing if g.external_key}
        keyless = {g.name: g for g in existing if not g.external_key}
        for item in self.data.groups.values():
            kind = Group.Kind.COMPOSED if item.composed else Group.Kind.HOME
            wanted = {
                "external_key": item.key,
                "name": item.name,
                "kind": kind,
                "jaargroep": item.jaargroep,
            }
            if item.description:
                wanted["description"] = item.description
            group = by_key.get(item.key) or keyless.pop(item.name, None)
            if group is None:
                group = Group(school=self.school, school_year=self.year, **wanted)
                self.new_groups.append(group)
                self.report.add(NEW, "group", item.key, item.name)
            else:
                changes = [
                    (name, shown(getattr(group, name)), shown(value))
                    for name, value in wanted.items()
                    if getattr(group, name) != value
                ]
                if changes:
                    for name, value in wanted.items():
                        setattr(group, name, value)
                    self.changed_groups[group.pk] = (group, {c[0] for c in changes})
                    self.report.add(CHANGED, "group", item.key, item.name, changes)
                else:
                    self.report.add(UNCHANGED, "group", item.key, item.name)
            self.groups_by_key[item.key] = group

    def plan_teachers(self) -> dict[str, StaffMember]:
        staff = list(StaffMember.objects.filter(school=self.school).select_related("user"))
        by_key = {s.external_key: s for s in staff if s.external_key}
        by_email = {s.user.email.lower(): s for s in staff if not s.external_key and s.user.email}
        result: dict[str, StaffMember] = {}
        new_teachers = []
        for teacher in self.data.teachers:
            member = by_key.get(teacher.key)
            if member is None and teacher.email:
                member = by_email.pop(teacher.email.lower(), None)
            if member is None:
                new_teachers.append(teacher)
                continue
            if not member.is_active:
                # Access is given back in the back office, never by an import.
                self.report.warning(
                    _(
                        "%(name)s is not active in the portal; activate them in the back "
                        "office if they should have access again."
                    )
                    % {"name": teacher.full_name},
                    where=teacher.where,
                    line=teacher.line,
                )
            wanted = {"external_key": teacher.key, "is_teacher": True}
            changes = [
                (name, shown(getattr(member, name)), shown(value))
                for name, value in wanted.items()
                if getattr(member, name) != value
            ]
            if changes:
                for name, value in wanted.items():
                    setattr(member, name, value)
                self.changed_staff[member.pk] = (member, {c[0] for c in changes})
            member.plan_changes = changes
            member.plan_name = teacher.full_name
            result[teacher.key] = member
        self.plan_new_teachers(new_teachers, result)
        present = set(result)
        for member in staff:
            if (
                member.external_key
                and member.external_key not in present
                and member.is_active
                and member.is_teacher
                and not member.is_administration
                and not member.is_portal_manager
            ):
                member.is_active = False
                self.changed_staff[member.pk] = (member, {"is_active"})
                self.report.add(
                    LEFT,
                    "teacher",
                    member.external_key,
                    member.user.get_full_name() or member.user.username,
                    [("is_active", shown(True), shown(False))],
                )
        return result

    def plan_new_teachers(self, teachers, result: dict[str, StaffMember]) -> None:
        if not teachers:
            return
        user_model = get_user_model()
        bases = {
            t.key: _username_base(t.roepnaam or t.voorletters, t.voorvoegsel, t.achternaam)
            for t in teachers
        }
        candidates = set()
        for base in bases.values():
            candidates.add(usernames.skeleton(base))
            candidates.update(
                usernames.skeleton(f"{base}{n}") for n in range(2, len(teachers) + 10)
            )
        taken = set(
            user_model.objects.filter(username_skeleton__in=sorted(candidates)).values_list(
                "username_skeleton", flat=True
            )
        )
        for teacher in teachers:
            base = usernames.normalise(bases[teacher.key])
            username, number = base, 1
            while usernames.skeleton(username) in taken:
                number += 1
                username = f"{base}{number}"
            taken.add(usernames.skeleton(username))
            # Built for bulk_create, which skips User.save(): the look-alike key is set here.
            user = user_model(
                username=username,
                username_skeleton=usernames.skeleton(username),
                first_name=(teacher.roepnaam or teacher.voorletters)[:150],
                last_name=" ".join(p for p in (teacher.voorvoegsel, teacher.achternaam) if p)[:150],
                email=teacher.email,
                password=make_password(None),
            )
            member = StaffMember(
                school=self.school, user=user, is_teacher=True, external_key=teacher.key
            )
            member.plan_changes = []
            member.plan_name = teacher.full_name
            self.new_users.append(user)
            self.new_staff.append(member)
            result[teacher.key] = member
            self.report.add(
                NEW,
                "teacher",
                teacher.key,
                teacher.full_name,
                [("username", "", username)],
            )

    def plan_teacher_groups(self, staff_by_key: dict[str, StaffMember]) -> None:
        through = Group.teachers.through
        file_group_ids = {g.pk for g in self.groups_by_key.values() if g.pk}
        current: dict[int, list[tuple[int, int]]] = {}
        names_by_pk = {}
        if file_group_ids:
            rows = through.objects.filter(group_id__in=file_group_ids).values_list(
                "pk", "group_id", "staffmember_id", "staffmember__external_key"
            )
            for pk, group_id, staff_id, staff_key in rows:
                current.setdefault(staff_id, []).append((pk, group_id))
                names_by_pk[staff_id] = staff_key
        group_names = {g.pk: g.name for g in self.groups_by_key.values() if g.pk}
        teachers_in_file = {t.key: t for t in self.data.teachers}
        for key, member in staff_by_key.items():
            wanted = [self.groups_by_key[k] for k in teachers_in_file[key].group_keys]
            have = current.pop(member.pk, []) if member.pk else []
            have_ids = {group_id for _pk, group_id in have}
            wanted_ids = {g.pk for g in wanted if g.pk}
            for pk, group_id in have:
                if group_id not in wanted_ids:
                    self.link_removals.append(pk)
            added = [g for g in wanted if g.pk is None or g.pk not in have_ids]
            self.link_additions.extend((g, member) for g in added)
            changes = list(member.plan_changes)
            if added or len(have_ids - wanted_ids):
                old = sorted(group_names[i] for i in have_ids)
                new = sorted(g.name for g in wanted)
                changes.append(("groups", ", ".join(old), ", ".join(new)))
            if member.pk is None:
                continue
            if changes:
                self.report.add(CHANGED, "teacher", key, member.plan_name, changes)
            else:
                self.report.add(UNCHANGED, "teacher", key, member.plan_name)
        # Administration-known staff who are no longer in the file lose these groups;
        # links the portal made for staff without a key stay.
        for staff_id, have in current.items():
            if names_by_pk.get(staff_id):
                self.link_removals.extend(pk for pk, _group_id in have)

    def plan_pupils(self) -> None:
        students = list(Student.objects.filter(school=self.school))
        self.group_names = dict(Group.objects.filter(school=self.school).values_list("pk", "name"))
        by_key = {s.external_key: s for s in students}
        by_eck = {s.eck_id: s for s in students if s.eck_id}
        file_keys = {p.key for p in self.data.pupils}
        file_ecks = sorted({p.eck_id for p in self.data.pupils if p.eck_id} - by_eck.keys())
        elsewhere: set[str] = set()
        for chunk in _chunks(file_ecks):
            elsewhere.update(
                Student.objects.filter(eck_id__in=chunk)
                .exclude(school=self.school)
                .values_list("eck_id", flat=True)
            )
        year_group_ids = {g.pk for g in self.groups_by_key.values() if g.pk}
        composed_now: dict[int, dict[int, int]] = {}
        if self.data.has_groups and year_group_ids:
            rows = Student.composed_groups.through.objects.filter(
                student__school=self.school, group_id__in=year_group_ids
            ).values_list("pk", "student_id", "group_id")
            for pk, student_id, group_id in rows:
                composed_now.setdefault(student_id, {})[group_id] = pk
        matched: set[int] = set()
        for pupil in self.data.pupils:
            student = by_key.get(pupil.key)
            if student is None and pupil.eck_id and pupil.eck_id in by_eck:
                candidate = by_eck[pupil.eck_id]
                if candidate.external_key in file_keys:
                    self.report.error(
                        _(
                            "The ECK iD belongs to pupil “%(key)s” in the portal, who is "
                            "also in the file with their own key."
                        )
                        % {"key": candidate.external_key},
                        where=pupil.where,
                        line=pupil.line,
                    )
                    continue
                student = candidate
            eck_id = pupil.eck_id
            if eck_id and eck_id in elsewhere:
                self.report.warning(
                    _(
                        "This ECK iD belongs to a pupil of another school in the portal; "
                        "the pupil is imported without it."
                    ),
                    where=pupil.where,
                    line=pupil.line,
                )
                eck_id = None
            if eck_id and eck_id in by_eck and by_eck[eck_id] is not student:
                self.report.error(
                    _("The ECK iD already belongs to pupil “%(key)s” in the portal.")
                    % {"key": by_eck[eck_id].external_key},
                    where=pupil.where,
                    line=pupil.line,
                )
                continue
            if student is not None:
                matched.add(student.pk)
            self.plan_pupil(pupil, student, eck_id, composed_now)
        for student in students:
            if student.pk in matched or student.external_key in file_keys:
                continue
            if student.left_on is None or student.left_on > self.today:
                changes = [("left_on", shown(student.left_on), shown(self.today))]
                student.left_on = self.today
                self.changed_students[student.pk] = (student, {"left_on"})
                self.report.add(LEFT, "pupil", student.external_key, student.full_name, changes)

    def plan_pupil(self, pupil: EdexPupil, student, eck_id, composed_now) -> None:
        wanted = {
            "external_key": pupil.key,
            "first_names": pupil.first_names,
            "roepnaam": pupil.roepnaam,
            "voorvoegsel": pupil.voorvoegsel,
            "achternaam": pupil.achternaam,
            "jaargroep": pupil.jaargroep,
            "left_on": pupil.left_on,
        }
        # Optional elements that are missing leave what the portal has.
        if eck_id:
            wanted["eck_id"] = eck_id
        if pupil.birth_date:
            wanted["birth_date"] = pupil.birth_date
        if pupil.gender:
            wanted["gender"] = pupil.gender
        if pupil.enrolled_on:
            wanted["enrolled_on"] = pupil.enrolled_on
        if not pupil.first_names:
            del wanted["first_names"]
        if self.data.has_groups:
            wanted["group"] = self.groups_by_key.get(pupil.group_key) if pupil.group_key else None
        composed = [self.groups_by_key[k] for k in pupil.composed_keys]
        if student is None:
            wanted.setdefault("gender", Gender.UNKNOWN)
            student = Student(school=self.school, **wanted)
            self.new_students.append(student)
            self.composed_additions.extend((student, g) for g in composed)
            self.report.add(NEW, "pupil", pupil.key, pupil.full_name)
            return
        changes = []
        for name, value in wanted.items():
            if name == "group":
                new_id = value.pk if value is not None else None
                if student.group_id != new_id or (value is not None and new_id is None):
                    old_name = self.group_names.get(student.group_id, "")
                    changes.append((name, old_name, _group_label(value)))
                continue
            old = getattr(student, name)
            if old != value:
                changes.append((name, shown(old), shown(value)))
        if self.data.has_groups:
            have = composed_now.get(student.pk, {})
            wanted_ids = {g.pk for g in composed if g.pk}
            removed = [pk for group_id, pk in have.items() if group_id not in wanted_ids]
            added = [g for g in composed if g.pk is None or g.pk not in have]
            if removed or added:
                self.composed_removals.extend(removed)
                self.composed_additions.extend((student, g) for g in added)
                names = {g.pk: g.name for g in self.groups_by_key.values() if g.pk}
                changes.append(
                    (
                        "composed_groups",
                        ", ".join(sorted(names.get(i, "?") for i in have)),
                        ", ".join(sorted(g.name for g in composed)),
                    )
                )
        if not changes:
            self.report.add(UNCHANGED, "pupil", pupil.key, pupil.full_name)
            return
        fields = {c[0] for c in changes} - {"composed_groups"}
        for name in fields:
            setattr(student, name, wanted[name])
        if fields:
            self.changed_students[student.pk] = (student, fields)
        action = CHANGED
        if "left_on" in fields and pupil.left_on and pupil.left_on <= self.today:
            action = LEFT
        self.report.add(action, "pupil", pupil.key, pupil.full_name, changes)

    # -- applying ----------------------------------------------------------------------
    def apply(self) -> None:
        """Write the planned changes. Call inside a transaction."""
        if self.new_year:
            self.year.save()
        for group in self.new_groups:
            group.school_year = self.year
        Group.objects.bulk_create(self.new_groups, batch_size=BATCH_SIZE)
        self._bulk_update(Group, self.changed_groups)
        user_model = get_user_model()
        user_model.objects.bulk_create(self.new_users, batch_size=BATCH_SIZE)
        StaffMember.objects.bulk_create(self.new_staff, batch_size=BATCH_SIZE)
        self._bulk_update(StaffMember, self.changed_staff)
        through = Group.teachers.through
        for chunk in _chunks(self.link_removals):
            through.objects.filter(pk__in=chunk).delete()
        through.objects.bulk_create(
            [through(group_id=g.pk, staffmember_id=m.pk) for g, m in self.link_additions],
            batch_size=BATCH_SIZE,
        )
        Student.objects.bulk_create(self.new_students, batch_size=BATCH_SIZE)
        self._bulk_update(Student, self.changed_students)
        composed = Student.composed_groups.through
        for chunk in _chunks(self.composed_removals):
            composed.objects.filter(pk__in=chunk).delete()
        composed.objects.bulk_create(
            [composed(student_id=s.pk, group_id=g.pk) for s, g in self.composed_additions],
            batch_size=BATCH_SIZE,
        )

    @staticmethod
    def _bulk_update(model, changed: dict) -> None:
        """One bulk update over the union of changed fields, in batches.

        Unchanged fields are written back with the value just read, so one statement per
        batch covers every object, whatever changed in it.
        """
        if not changed:
            return
        fields = sorted({name for _obj, names in changed.values() for name in names})
        objects = [obj for obj, _names in changed.values()]
        model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)
