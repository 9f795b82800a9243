"""Reading and applying the guardians CSV (ouders/verzorgers) from the administration.

EDEXML carries no parents, so they come from a CSV export: one row per guardian per
pupil. The layout (Dutch headers) is documented in docs/imports.md. Separators `;`
and `,` and the encodings UTF-8 and Windows-1252 are recognised by themselves.

Guardians are matched by the administration's key (then, once, by e-mail address for
a guardian the portal already had without a key), links by guardian and pupil. Empty
cells never clear what the portal has. A pupil has at most two guardians with gezag
(MAX_GEZAG_PER_STUDENT): a row that would give a third is reported and left out.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.accounts import recovery
from ouderportaal.accounts.models import RecoveryAddressChange
from ouderportaal.core.models import (
    MAX_GEZAG_PER_STUDENT,
    AuditEvent,
    Custody,
    Guardian,
    GuardianLink,
    Relation,
    Student,
)
from ouderportaal.imports.report import CHANGED, NEW, UNCHANGED, Report, shown

BATCH_SIZE = 500

# Canonical column → accepted headers (compared without case, spaces, dashes, dots).
COLUMNS = {
    "pupil_key": ("leerlingkey", "leerlingsleutel", "leerlingnummer", "leerling"),
    "guardian_key": ("ouderkey", "oudersleutel", "oudernummer", "verzorgerkey"),
    "initials": ("voorletters",),
    "roepnaam": ("roepnaam", "voornaam"),
    "voorvoegsel": ("voorvoegsel", "tussenvoegsel"),
    "achternaam": ("achternaam",),
    "relation": ("relatie", "relatietotkind"),
    "gezag": ("gezag",),
    "informatierecht": ("informatierecht",),
    "email": ("email", "emailadres"),
    "phone_mobile": ("telefoonmobiel", "mobiel", "mobielnummer"),
    "phone_home": ("telefoonthuis", "telefoon", "huistelefoon"),
    "street": ("straat",),
    "house_number": ("huisnummer",),
    "postcode": ("postcode",),
    "city": ("plaats", "woonplaats"),
}
REQUIRED = ("pupil_key", "guardian_key", "achternaam", "relation", "gezag")
HEADERS = (
    "Leerlingkey;Ouderkey;Voorletters;Roepnaam;Voorvoegsel;Achternaam;Relatie;Gezag;"
    "Informatierecht;E-mail;Telefoon mobiel;Telefoon thuis;Straat;Huisnummer;Postcode;Plaats"
)
GUARDIAN_FIELDS = (
    "initials",
    "roepnaam",
    "voorvoegsel",
    "achternaam",
    "email",
    "phone_mobile",
    "phone_home",
    "street",
    "house_number",
    "postcode",
    "city",
)
MAX_LENGTHS = {
    "initials": 10,
    "roepnaam": 64,
    "voorvoegsel": 10,
    "achternaam": 200,
    "email": 254,
    "phone_mobile": 20,
    "phone_home": 20,
    "street": 200,
    "house_number": 20,
    "city": 100,
}
RELATIONS = {
    "vader": Relation.FATHER,
    "moeder": Relation.MOTHER,
    "voogd": Relation.GUARDIAN,
    "pleegouder": Relation.FOSTER,
    "pleegvader": Relation.FOSTER,
    "pleegmoeder": Relation.FOSTER,
    "stiefouder": Relation.STEP,
    "stiefvader": Relation.STEP,
    "stiefmoeder": Relation.STEP,
    "overig": Relation.OTHER,
    "anders": Relation.OTHER,
    "verzorger": Relation.OTHER,
}
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar", ""}
POSTCODE_RE = re.compile(r"^(\d{4})([A-Z]{2})$")


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s\-_.]", "", text).lower()


@dataclass
class GuardianRow:
    line: int
    pupil_key: str
    guardian_key: str
    relation: str
    custody: str
    values: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        first = self.values.get("roepnaam") or self.values.get("initials", "")
        parts = (first, self.values.get("voorvoegsel", ""), self.values.get("achternaam", ""))
        return " ".join(p for p in parts if p)


def decode(content: bytes, report: Report) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        report.error(
            _("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8)."),
            where=_("whole file"),
        )
        return None


def read_guardians_csv(content: bytes, report: Report) -> list[GuardianRow] | None:
    text = decode(content, report)
    if text is None:
        return None
    first_line = (text.splitlines() or [""])[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        report.error(_("The file is empty."), line=1)
        return None
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    lookup = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    for index, title in enumerate(header):
        name = lookup.get(_normalise_header(title))
        if name and name not in columns:
            columns[name] = index
            labels[name] = title.strip()
        elif title.strip():
            report.warning(
                _("Column “%(title)s” is not used.") % {"title": title.strip()},
                where=_("heading"),
                line=1,
            )
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        report.error(
            _("Required columns are missing: %(columns)s. Expected headings: %(headers)s")
            % {
                "columns": ", ".join(COLUMNS[name][0] for name in missing),
                "headers": HEADERS,
            },
            where=_("heading"),
            line=1,
        )
        return None
    rows: list[GuardianRow] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            row = _read_row(record, line, columns, labels, report)
            if row is None:
                continue
            pair = (row.guardian_key, row.pupil_key)
            if pair in seen:
                report.error(
                    _("This guardian and pupil are already on line %(line)s.")
                    % {"line": seen[pair]},
                    where="",
                    line=line,
                )
                continue
            seen[pair] = line
            rows.append(row)
    except csv.Error as exc:
        report.error(
            _("The CSV structure is broken (%(reason)s).") % {"reason": exc},
            where="",
            line=reader.line_num,
        )
        return None
    return rows


def _yes_no(value: str) -> bool | None:
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def _read_row(record, line, columns, labels, report: Report) -> GuardianRow | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        if index is None or index >= len(record):
            return ""
        return " ".join(record[index].split())

    def bad(name: str, message) -> None:
        where = _("column %(column)s") % {"column": labels[name]}
        report.error(message, where=where, line=line)

    errors_before = sum(1 for p in report.problems if p.severity == "error")
    pupil_key = cell("pupil_key")
    guardian_key = cell("guardian_key")
    if not pupil_key:
        bad("pupil_key", _("The pupil's key is empty."))
    if not guardian_key:
        bad("guardian_key", _("The guardian's key is empty."))
    if not cell("achternaam"):
        bad("achternaam", _("The surname is empty."))
    relation = RELATIONS.get(cell("relation").lower())
    if relation is None:
        bad(
            "relation",
            _("“%(value)s” is not a relation; use vader, moeder, voogd, pleegouder, "
              "stiefouder or overig.")
            % {"value": cell("relation")},
        )  # fmt: skip
    gezag = _yes_no(cell("gezag")) if cell("gezag") else None
    if gezag is None:
        bad("gezag", _("Fill in ja or nee for gezag."))
    info = False
    if "informatierecht" in columns:
        info = _yes_no(cell("informatierecht"))
        if info is None:
            bad("informatierecht", _("Fill in ja or nee for informatierecht."))
    values: dict[str, str] = {}
    for name in GUARDIAN_FIELDS:
        if name not in columns:
            continue
        value = cell(name)
        if not value:
            continue
        if name == "email":
            value = value.lower()
            try:
                validate_email(value)
            except ValidationError:
                bad(name, _("“%(value)s” is not an e-mail address.") % {"value": value})
                continue
        if name == "postcode":
            match = POSTCODE_RE.match(value.replace(" ", "").upper())
            if not match:
                bad(name, _("“%(value)s” is not a Dutch postcode.") % {"value": value})
                continue
            value = f"{match[1]} {match[2]}"
        if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
            bad(name, _("Longer than %(max)s characters.") % {"max": MAX_LENGTHS[name]})
            continue
        values[name] = value
    if sum(1 for p in report.problems if p.severity == "error") > errors_before:
        return None
    if gezag:
        custody = Custody.GEZAG
    elif info:
        custody = Custody.INFORMATIERECHT
    else:
        custody = Custody.NONE
    return GuardianRow(line, pupil_key, guardian_key, relation, custody, values)


class GuardiansImport:
    """Compares the guardian rows with the school's data; `apply()` writes the difference."""

    def __init__(self, school, rows: list[GuardianRow], report: Report, actor=None):
        self.school = school
        self.rows = rows
        self.report = report
        self.actor = actor
        self.new_guardians: list[Guardian] = []
        self.changed_guardians: dict[int, tuple[Guardian, set[str]]] = {}
        self.new_links: list[GuardianLink] = []
        self.changed_links: dict[int, tuple[GuardianLink, set[str]]] = {}
        self.custody_events: list[tuple[GuardianLink, str, str]] = []

    def plan(self) -> None:
        students = {
            s.external_key: s
            for s in Student.objects.filter(school=self.school).only(
                "pk", "external_key", "roepnaam", "voorvoegsel", "achternaam", "school_id"
            )
        }
        guardians = list(Guardian.objects.filter(school=self.school))
        by_key = {g.external_key: g for g in guardians if g.external_key}
        keyless_by_email = {g.email.lower(): g for g in guardians if not g.external_key and g.email}
        links = {
            (link.guardian_id, link.student_id): link
            for link in GuardianLink.objects.filter(student__school=self.school)
        }
        gezag_now: dict[int, set] = {}
        for (guardian_id, student_id), link in links.items():
            if link.custody == Custody.GEZAG:
                gezag_now.setdefault(student_id, set()).add(guardian_id)

        # Rows for pupils the portal does not know are left out.
        rows = []
        for row in self.rows:
            if row.pupil_key not in students:
                self.report.skipped(
                    _("No pupil with key “%(key)s”; import the pupils (EDEXML) first.")
                    % {"key": row.pupil_key},
                    where="",
                    line=row.line,
                )
                continue
            rows.append(row)

        # Who the guardian is: an existing record, or one new record per key.
        identity: dict[str, Guardian] = {}
        for row in rows:
            if row.guardian_key in identity:
                continue
            guardian = by_key.get(row.guardian_key)
            email = row.values.get("email")
            if guardian is None and email:
                guardian = keyless_by_email.pop(email, None)
            if guardian is None:
                guardian = Guardian(school=self.school, external_key=row.guardian_key)
            identity[row.guardian_key] = guardian

        # At most two guardians with gezag per pupil, counting those not in the file.
        in_file: dict[int, set] = {}
        for row in rows:
            guardian = identity[row.guardian_key]
            who = guardian.pk or row.guardian_key
            in_file.setdefault(students[row.pupil_key].pk, set()).add(who)
        holders: dict[int, set] = {
            student_id: set(ids) - in_file.get(student_id, set())
            for student_id, ids in gezag_now.items()
        }
        accepted = []
        for row in rows:
            student = students[row.pupil_key]
            guardian = identity[row.guardian_key]
            who = guardian.pk or row.guardian_key
            if row.custody == Custody.GEZAG:
                current = holders.setdefault(student.pk, set())
                if who not in current and len(current) >= MAX_GEZAG_PER_STUDENT:
                    self.report.skipped(
                        _(
                            "%(pupil)s already has two guardians with gezag; this third "
                            "one is not imported. Check the custody in the administration."
                        )
                        % {"pupil": student.full_name},
                        where="",
                        line=row.line,
                    )
                    continue
                current.add(who)
            accepted.append(row)

        # Guardian records: data from the first accepted row of each guardian.
        first_rows: dict[str, GuardianRow] = {}
        for row in accepted:
            first = first_rows.setdefault(row.guardian_key, row)
            if first is not row and any(
                row.values.get(k) != first.values.get(k) for k in GUARDIAN_FIELDS
            ):
                self.report.warning(
                    _("The details differ from line %(line)s for the same guardian; those of "
                      "line %(line)s are used.")
                    % {"line": first.line},
                    where="",
                    line=row.line,
                )  # fmt: skip
        for key, row in first_rows.items():
            guardian = identity[key]
            wanted = dict(row.values)
            wanted["external_key"] = key
            if guardian.pk is None:
                for name, value in wanted.items():
                    setattr(guardian, name, value)
                self.new_guardians.append(guardian)
                self.report.add(NEW, "guardian", key, row.name)
                continue
            changes = [
                (name, shown(getattr(guardian, name)), shown(value))
                for name, value in wanted.items()
                if getattr(guardian, name) != value
            ]
            if changes:
                for name, value in wanted.items():
                    setattr(guardian, name, value)
                self.changed_guardians[guardian.pk] = (guardian, {c[0] for c in changes})
                self.report.add(CHANGED, "guardian", key, guardian.full_name, changes)
            else:
                self.report.add(UNCHANGED, "guardian", key, guardian.full_name)

        # Links between guardian and pupil, with relation and custody.
        for row in accepted:
            guardian = identity[row.guardian_key]
            student = students[row.pupil_key]
            name = f"{guardian.full_name} → {student.full_name}"
            link_key = f"{row.guardian_key} → {row.pupil_key}"
            link = links.get((guardian.pk, student.pk)) if guardian.pk else None
            if link is None:
                link = GuardianLink(
                    guardian=guardian, student=student, relation=row.relation, custody=row.custody
                )
                self.new_links.append(link)
                self.custody_events.append((link, "", row.custody))
                self.report.add(NEW, "link", link_key, name, [("custody", "", row.custody)])
                continue
            changes = []
            if link.relation != row.relation:
                changes.append(("relation", link.relation, row.relation))
            if link.custody != row.custody:
                changes.append(("custody", link.custody, row.custody))
                self.custody_events.append((link, link.custody, row.custody))
            if changes:
                link.relation, link.custody = row.relation, row.custody
                self.changed_links[link.pk] = (link, {c[0] for c in changes})
                self.report.add(CHANGED, "link", link_key, name, changes)
            else:
                self.report.add(UNCHANGED, "link", link_key, name)

    def apply(self) -> None:
        """Write the planned changes. Call inside a transaction."""
        Guardian.objects.bulk_create(self.new_guardians, batch_size=BATCH_SIZE)
        if self.changed_guardians:
            fields = sorted({f for _g, names in self.changed_guardians.values() for f in names})
            Guardian.objects.bulk_update(
                [g for g, _names in self.changed_guardians.values()], fields, batch_size=BATCH_SIZE
            )
        # A new address in the school's data: the account asks its owner to confirm it.
        for guardian, names in self.changed_guardians.values():
            if "email" in names and guardian.user_id is not None:
                recovery.school_address_changed(
                    guardian, source=RecoveryAddressChange.Source.IMPORT, actor=self.actor
                )
        GuardianLink.objects.bulk_create(self.new_links, batch_size=BATCH_SIZE)
        if self.changed_links:
            GuardianLink.objects.bulk_update(
                [link for link, _names in self.changed_links.values()],
                ["relation", "custody"],
                batch_size=BATCH_SIZE,
            )
        now = timezone.now()
        actor = self.actor if self.actor is not None and self.actor.is_authenticated else None
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    school=self.school,
                    actor=actor,
                    action="imports.custody",
                    object_type="core.guardianlink",
                    object_id=str(link.pk),
                    student_id=link.student_id,
                    data={"old": old, "new": new, "guardian": link.guardian.external_key},
                    at=now,
                )
                for link, old, new in self.custody_events
            ],
            batch_size=BATCH_SIZE,
        )
