"""Import of LVS (Cito) results from a CSV export.

The file may use semicolons or commas and be UTF-8 or Windows-1252. Columns are found
by header name through a mapping the school can adjust (`ResultSettings.cito_mapping`,
only the names that differ from `DEFAULT_MAPPING`). Pupils are matched by their key in
the administration (`Student.external_key`, with the school's optional key prefix put
before the file's pupil id) or by ECK iD, never by name.

`plan_import` reads and checks the whole file and says what would happen;
`apply_import` then writes all rows or, when any row is wrong, none. A row that is
already there with the same values is left alone, so importing a file twice changes
nothing; a row with the same pupil, year, subject, test and moment but other values
is recorded as a correction that supersedes the earlier result.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core import audit
from ouderportaal.core.models import Group, SchoolYear, Student
from ouderportaal.core.schoolcache import RESULTS, raise_version
from ouderportaal.results.charts import release_moment
from ouderportaal.results.models import CitoImport, LvsResult, ResultSettings

MAX_FILE_BYTES = 5 * 1024 * 1024

DEFAULT_MAPPING = {
    "school_year": "schooljaar",
    "brin": "brincode",
    "student_key": "leerlingid",
    "eck_id": "eckid",
    "jaargroep": "jaargroep",
    "group_name": "groepsnaam",
    "subject": "leergebied",
    "test_name": "toetsnaam",
    "test_version": "toetsversie",
    "moment": "moment",
    "taken_on": "afnamedatum",
    "dl": "dl",
    "max_score": "aantalopgaven",
    "raw_score": "aantalgoed",
    "ability_score": "vaardigheidsscore",
    "scale_code": "codevaardigheidsschaal",
    "interval_low": "bivlaag",
    "interval_high": "bivhoog",
    "level_iv": "IV",
    "level_ae": "AE",
    "percentile": "Percentiel",
    "functioning_level": "functioneringsniveau",
    "reference_level": "RNTRM",
    "dle": "DLE",
    "avi_level": "AVI",
}

# Fields compared to decide whether a row changes a stored result.
VALUE_FIELDS = (
    "test_version",
    "taken_on",
    "jaargroep",
    "dl",
    "raw_score",
    "max_score",
    "ability_score",
    "scale_code",
    "interval_low",
    "interval_high",
    "level_iv",
    "level_ae",
    "percentile",
    "functioning_level",
    "reference_level",
    "dle",
    "avi_level",
)

LEVEL_IV_RE = re.compile(r"^(I|II|III|IV|V)[+-]?$")
LEVEL_AE_RE = re.compile(r"^[A-E][+-]?$")
FUNCTIONING_RE = re.compile(r"^[<>]?\s?(B|M|E)\s?\d$")
YEAR_RE = re.compile(r"^(\d{4})\s?[-/]\s?(\d{4})$")
MOMENT_IN_VERSION_RE = re.compile(r"^\s*([BME])\s?([1-8])\b")


class FileError(Exception):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class RowPlan:
    line: int
    action: str  # "new", "correction", "unchanged"
    student: Student
    values: dict
    school_year_label: str
    group_name: str
    existing: LvsResult | None = None


@dataclass
class ImportPlan:
    sha256: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_years: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict:
        return {
            "new": self.count("new"),
            "correction": self.count("correction"),
            "unchanged": self.count("unchanged"),
        }

    @property
    def changes_something(self) -> bool:
        return any(row.action != "unchanged" for row in self.rows)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def mapping_for(settings: ResultSettings | None) -> dict:
    mapping = dict(DEFAULT_MAPPING)
    if settings and isinstance(settings.cito_mapping, dict):
        for key, value in settings.cito_mapping.items():
            if key in mapping and isinstance(value, str) and value.strip():
                mapping[key] = value.strip()
    return mapping


def _decimal(text: str, label: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(
            _("%(field)s is not a number: “%(value)s”") % {"field": label, "value": text}
        ) from None
    if not value.is_finite() or abs(value) >= 100000:
        raise ValueError(
            _("%(field)s is not a number: “%(value)s”") % {"field": label, "value": text}
        )
    return value.quantize(Decimal("0.1"))


def _integer(text: str, label: str, maximum: int) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError(
            _("%(field)s is not a whole number: “%(value)s”") % {"field": label, "value": text}
        )
    value = int(text)
    if value > maximum:
        raise ValueError(_("%(field)s is too large: %(value)s") % {"field": label, "value": text})
    return value


def _date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(_("the date “%(value)s” is not a date such as 2025-01-28") % {"value": text})


def school_year_label_for(day: date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def _parse_row(get, school) -> tuple[dict, str, str, str, str]:
    """Check one row; return (values, pupil key, eck id, year label, group name)."""
    key = get("student_key")
    eck = get("eck_id")
    if not key and not eck:
        raise ValueError(_("no pupil id and no ECK iD"))
    brin = get("brin")
    if brin and brin.upper() != school.brin:
        raise ValueError(
            _("BRIN code %(brin)s is not this school's (%(own)s)")
            % {"brin": brin, "own": school.brin}
        )
    subject = get("subject")
    test_name = get("test_name")
    if not subject:
        raise ValueError(_("the subject is empty"))
    if not test_name:
        raise ValueError(_("the test name is empty"))
    taken_text = get("taken_on")
    if not taken_text:
        raise ValueError(_("the test date is empty"))
    taken_on = _date(taken_text)
    version = get("test_version")
    moment = get("moment").upper().replace(" ", "")
    if not moment:
        match = MOMENT_IN_VERSION_RE.match(version.upper())
        moment = f"{match.group(1)}{match.group(2)}" if match else ""
    elif not MOMENT_IN_VERSION_RE.match(moment):
        raise ValueError(
            _("the moment “%(value)s” is not a moment such as M5, E5 or B8") % {"value": moment}
        )
    year_text = get("school_year")
    if year_text:
        match = YEAR_RE.match(year_text)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise ValueError(
                _("the school year “%(value)s” is not a school year such as 2024-2025")
                % {"value": year_text}
            )
        year_label = f"{match.group(1)}-{match.group(2)}"
    else:
        year_label = school_year_label_for(taken_on)
    level_iv = get("level_iv").upper()
    if level_iv and not LEVEL_IV_RE.match(level_iv):
        raise ValueError(_("the level “%(value)s” is not one of I to V") % {"value": level_iv})
    level_ae = get("level_ae").upper()
    if level_ae and not LEVEL_AE_RE.match(level_ae):
        raise ValueError(_("the level “%(value)s” is not one of A to E") % {"value": level_ae})
    functioning = get("functioning_level").upper().replace(" ", "")
    if functioning and not FUNCTIONING_RE.match(functioning):
        raise ValueError(
            _("the functioneringsniveau “%(value)s” is not a level such as M4 or <M3")
            % {"value": functioning}
        )
    values = {
        "subject": subject[:80],
        "test_name": test_name[:120],
        "test_version": version[:40],
        "moment": moment,
        "taken_on": taken_on,
        "jaargroep": get("jaargroep")[:2],
        "dl": _integer(get("dl"), "DL", 99),
        "raw_score": _integer(get("raw_score"), _("number correct"), 100000),
        "max_score": _integer(get("max_score"), _("number of questions"), 100000),
        "ability_score": _decimal(get("ability_score"), _("vaardigheidsscore")),
        "scale_code": get("scale_code")[:40],
        "interval_low": _decimal(get("interval_low"), _("interval low")),
        "interval_high": _decimal(get("interval_high"), _("interval high")),
        "level_iv": level_iv,
        "level_ae": level_ae,
        "percentile": _integer(get("percentile"), _("percentile"), 100),
        "functioning_level": functioning[:10],
        "reference_level": get("reference_level")[:10],
        "dle": _integer(get("dle"), "DLE", 99),
        "avi_level": get("avi_level")[:10],
    }
    raw, most = values["raw_score"], values["max_score"]
    if raw is not None and most is not None and raw > most:
        raise ValueError(_("more answers correct than there were questions"))
    low, score, high = values["interval_low"], values["ability_score"], values["interval_high"]
    if score is not None and low is not None and high is not None and not low <= score <= high:
        raise ValueError(_("the vaardigheidsscore lies outside its score interval"))
    if score is not None and not values["scale_code"]:
        raise ValueError(_("a vaardigheidsscore without a scale code cannot be compared"))
    return values, key, eck, year_label, get("group_name")


def _natural_key(student_id, year_label, values) -> tuple:
    return (
        student_id,
        year_label,
        values["subject"].lower(),
        values["test_name"].lower(),
        values["moment"] or values["test_version"].lower(),
    )


def plan_import(school, data: bytes) -> ImportPlan:
    """Read and check the whole file; nothing is written."""
    if len(data) > MAX_FILE_BYTES:
        raise FileError(_("The file is larger than 5 MB."))
    plan = ImportPlan(sha256=hashlib.sha256(data).hexdigest())
    text = decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FileError(_("The file is empty."))
    # newline="": the csv module itself recognises \r\n, \n and old-Mac \r line ends.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as error:
        raise FileError(
            _("The CSV structure is broken (%(reason)s).") % {"reason": error}
        ) from None
    settings = ResultSettings.objects.filter(school=school).first()
    mapping = mapping_for(settings)
    prefix = settings.cito_key_prefix if settings else ""
    columns = {}
    for name, column in mapping.items():
        if column.lower() in header:
            columns[name] = header.index(column.lower())
    missing = [mapping[n] for n in ("subject", "test_name", "taken_on") if n not in columns]
    if "student_key" not in columns and "eck_id" not in columns:
        missing.append(f"{mapping['student_key']} / {mapping['eck_id']}")
    if missing:
        raise FileError(
            _("These columns are missing: %(columns)s. Adjust the column names in the settings.")
            % {"columns": ", ".join(missing)}
        )
    parsed = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue

            def get(name, row=row):
                index = columns.get(name)
                if index is None or index >= len(row):
                    return ""
                return row[index].strip()

            try:
                parsed.append((line, *_parse_row(get, school)))
            except ValueError as error:
                plan.errors.append((line, str(error)))
    except csv.Error as error:
        raise FileError(
            _("The CSV structure is broken on line %(line)s (%(reason)s).")
            % {"line": reader.line_num, "reason": error}
        ) from None
    if not parsed and not plan.errors:
        raise FileError(_("The file has no rows with results."))
    # Find the pupils in two queries, by key and by ECK iD.
    keys = {f"{prefix}{key}" for _line, _v, key, _e, _y, _g in parsed if key}
    ecks = {eck for _line, _v, _k, eck, _y, _g in parsed if eck}
    students = Student.objects.filter(school=school).filter(
        Q(external_key__in=keys) | Q(eck_id__in=ecks)
    )
    by_key = {s.external_key: s for s in students}
    by_eck = {s.eck_id: s for s in students if s.eck_id}
    rows = []
    for line, values, key, eck, year_label, group_name in parsed:
        student = by_key.get(f"{prefix}{key}") if key else None
        if student is None and eck:
            student = by_eck.get(eck)
        if student is None:
            plan.errors.append(
                (line, _("no pupil of this school with id “%(key)s”") % {"key": key or eck})
            )
            continue
        rows.append(RowPlan(line, "new", student, values, year_label, group_name))
    # Compare with what is stored.
    years = {y.label: y for y in SchoolYear.objects.filter(school=school)}
    plan.new_years = sorted({r.school_year_label for r in rows} - years.keys())
    existing = {}
    if rows:
        stored = LvsResult.objects.filter(
            school=school,
            student_id__in={r.student.pk for r in rows},
            superseded_by__isnull=True,
        ).select_related("school_year")
        for result in stored:
            values = {
                "subject": result.subject,
                "test_name": result.test_name,
                "moment": result.moment,
                "test_version": result.test_version,
            }
            existing[_natural_key(result.student_id, result.school_year.label, values)] = result
    seen = {}
    for row in rows:
        key = _natural_key(row.student.pk, row.school_year_label, row.values)
        if key in seen:
            plan.errors.append(
                (row.line, _("the same result as on line %(line)s") % {"line": seen[key]})
            )
            continue
        seen[key] = row.line
        current = existing.get(key)
        if current is not None:
            row.existing = current
            same = all(getattr(current, name) == row.values[name] for name in VALUE_FIELDS)
            row.action = "unchanged" if same else "correction"
        plan.rows.append(row)
    plan.errors.sort()
    return plan


def apply_import(school, plan: ImportPlan, *, user=None, filename="") -> CitoImport | None:
    """Write every row of a checked plan, or nothing. Returns the import, or None if
    there was nothing to change."""
    if plan.errors:
        raise ValueError("A plan with errors cannot be imported.")
    if not plan.changes_something:
        return None
    with transaction.atomic():
        years = {y.label: y for y in SchoolYear.objects.filter(school=school)}
        for label in plan.new_years:
            first = int(label[:4])
            years[label] = SchoolYear.objects.create(
                school=school,
                label=label,
                start_date=date(first, 8, 1),
                end_date=date(first + 1, 7, 31),
            )
        groups = {
            (g.school_year_id, g.name.lower()): g for g in Group.objects.filter(school=school)
        }
        groups_by_pk = {g.pk: g for g in groups.values()}
        now = timezone.now()
        batch = CitoImport.objects.create(
            school=school,
            imported_by=user if user is not None and user.is_authenticated else None,
            filename=filename[:255],
            sha256=plan.sha256,
            created=plan.count("new"),
            corrected=plan.count("correction"),
            unchanged=plan.count("unchanged"),
        )
        new_rows = []
        for row in plan.rows:
            if row.action == "unchanged":
                continue
            year = years[row.school_year_label]
            group = groups.get((year.pk, row.group_name.lower()))
            if group is None and row.student.group_id:
                own = groups_by_pk.get(row.student.group_id)
                group = own if own is not None and own.school_year_id == year.pk else None
            new_rows.append(
                LvsResult(
                    school=school,
                    student=row.student,
                    group=group,
                    school_year=year,
                    entered_at=now,
                    entered_by=batch.imported_by,
                    release_moment=release_moment(row.values["moment"]),
                    supersedes=row.existing if row.action == "correction" else None,
                    source=LvsResult.Source.CSV,
                    import_batch=batch,
                    **row.values,
                )
            )
        LvsResult.objects.bulk_create(new_rows)
        raise_version(school, RESULTS)  # the kept results pages (results/kept.py)
        audit.record(
            "results.cito.imported",
            actor=user,
            school=school,
            obj=batch,
            filename=filename,
            created=batch.created,
            corrected=batch.corrected,
            unchanged=batch.unchanged,
        )
    return batch
