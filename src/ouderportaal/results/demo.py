"""Demo results: Cito results at every moment for several years, method tests for the
current year, learning goals for the current period. Fast (bulk inserts) and
deterministic for a given random generator.

Two pupils tell a story: Daan Jansen (99XX-L000102) grows from level IV to II, and
Sanne de Vries (99XX-L000101) took the older Rekenen-Wiskunde 2.0 in groep 3, so her
rekenen results have two scales that are never drawn on one line.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from ouderportaal.core.models import Group, SchoolYear, Student
from ouderportaal.core.schoolcache import RESULTS, raise_version
from ouderportaal.results.models import (
    CutScore,
    LearningGoal,
    LvsResult,
    MethodResult,
    MethodResultPart,
    MethodTest,
    MethodTestPart,
    Period,
    ResultSettings,
)

GROWER_KEY = "99XX-L000102"
OLD_SCALE_KEY = "99XX-L000101"

# subject, test, scale, base score at M3, growth per year, spread, interval half-width,
# first groep tested
LVS_TESTS = [
    ("rekenen", "Rekenen-Wiskunde 3.0", "SYN-RW3", 118, 24, 13, 6, 3),
    ("spelling", "Spelling 3.0", "SYN-SP3", 96, 10, 8, 5, 4),
    ("begrijpend lezen", "Begrijpend lezen 3.0", "SYN-BL3", 72, 21, 14, 8, 4),
    ("technisch lezen", "DMT", "SYN-DMT", 20, 17, 12, 0, 3),
]
OLD_RW = ("rekenen", "Rekenen-Wiskunde 2.0", "RW-2", 32, 12, 8, 4, 3)
AVI_LEVELS = ["Start", "M3", "E3", "M4", "E4", "M5", "E5", "M6", "E6", "M7", "E7", "Plus"]

PERIODS = [
    ("Zomer tot herfst", (8, 1), (10, 19)),
    ("Herfst tot kerst", (10, 20), (12, 31)),
    ("Kerst tot voorjaar", (1, 1), (2, 22)),
    ("Voorjaar tot mei", (2, 23), (4, 30)),
    ("Mei tot zomer", (5, 1), (7, 31)),
]

GOALS = {
    "rekenen": "We werken aan getallen tot en met {n}: tellen, ordenen en op de getallenlijn "
    "zetten. Ook oefenen we optellen en aftrekken en lezen we de klok.",
    "taal": "We leren nieuwe woorden rond het thema van deze periode en oefenen met "
    "zinnen maken en vertellen.",
    "spelling": "We oefenen de woorden van deze periode, zoals woorden met -ng en -nk en "
    "woorden met een verlengingsregel (hond, honden).",
    "lezen": "We lezen elke dag samen en alleen. We letten op vlot en nauwkeurig lezen, "
    "en praten over wat we gelezen hebben.",
}
KLEUTER_GOALS = {
    "rekenen": "We tellen tot 20, vergelijken hoeveelheden (meer, minder, evenveel) en "
    "leggen patronen.",
    "taal": "We luisteren naar verhalen, leren rijmen en klappen woorden in stukjes.",
}

METHOD_PLAN = [
    # subject, method, name, result type, parts
    (
        "rekenen",
        "Wereld in getallen 5",
        "Blok {b}",
        "percentage",
        ["Getallen", "Bewerkingen", "Meten"],
    ),
    ("spelling", "Staal", "Blok {b}", "percentage", []),
    ("taal", "Staal", "Thema {b}", "rating", []),
    ("wereldoriëntatie", "Blink", "Hoofdstuk {b}", "grade", []),
]


def fast_insert(model, rows: list[dict]) -> None:
    """Insert plain rows (keyed by attname) in one executemany; much faster than
    building model instances for the thousands of demo results."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    qn = connection.ops.quote_name
    # Table and column names come from the model, never from input.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    ops = connection.ops
    converters = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            converters.append(lambda v: ops.adapt_datetimefield_value(v) if v else v)
        elif kind == "DateField":
            converters.append(lambda v: ops.adapt_datefield_value(v) if v else v)
        elif kind == "DecimalField":
            converters.append(lambda v: None if v is None else ops.adapt_decimalfield_value(v))
        else:
            converters.append(None)
    params = []
    for row in rows:
        values = []
        for f, convert in zip(fields, converters, strict=True):
            value = row.get(f.attname, defaults[f.attname])
            values.append(convert(value) if convert else value)
        params.append(values)
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def level_iv(pct: float) -> str:
    return (
        "I"
        if pct >= 80
        else "II"
        if pct >= 60
        else "III"
        if pct >= 40
        else "IV"
        if pct >= 20
        else "V"
    )


def level_ae(pct: float) -> str:
    return (
        "A" if pct >= 75 else "B" if pct >= 50 else "C" if pct >= 25 else "D" if pct >= 10 else "E"
    )


def moment_time(groep: int, letter: str) -> float:
    return (groep - 3) + {"B": -0.3, "M": 0.0, "E": 0.5}[letter]


def moment_label(t: float) -> str:
    """The moment an average pupil reaches at time t (years after M3)."""
    if t < -0.25:
        return "<M3"
    if t > 4.75:
        return ">E7"
    half = round(t * 2)
    groep = 3 + half // 2
    return f"{'M' if half % 2 == 0 else 'E'}{groep}"


def _moments(groep_now: int, first_year: int, today: date):
    """(groep, letter, school year first calendar year, date) for every past moment."""
    for groep in range(3, groep_now + 1):
        year_first = first_year - (groep_now - groep)
        if groep == 8:
            moments = [("B", date(year_first, 10, 8)), ("M", date(year_first + 1, 1, 27))]
        else:
            moments = [("M", date(year_first + 1, 1, 28)), ("E", date(year_first + 1, 6, 2))]
        for letter, day in moments:
            if day <= today:
                yield groep, letter, year_first, day


def build_demo_results(schools, rng) -> None:
    today = timezone.localdate()
    for school in schools:
        _build_school(school, rng, today)
        raise_version(school, RESULTS)  # bulk writes do not signal the kept results pages


def _build_school(school, rng, today):
    ResultSettings.objects.update_or_create(
        school=school, defaults={"cito_key_prefix": f"{school.brin}-"}
    )
    current = school.current_school_year(today)
    first_year = int(current.label[:4])
    years = {y.label: y for y in SchoolYear.objects.filter(school=school)}
    missing = []
    for offset in range(1, 7):
        first = first_year - offset
        label = f"{first}-{first + 1}"
        if label not in years:
            missing.append(
                SchoolYear(
                    school=school,
                    label=label,
                    start_date=date(first, 8, 1),
                    end_date=date(first + 1, 7, 31),
                )
            )
    SchoolYear.objects.bulk_create(missing)
    years = {y.label: y for y in SchoolYear.objects.filter(school=school)}

    _cut_scores(school)
    _lvs_results(school, rng, today, current, first_year, years)
    periods = _periods(school, current, first_year)
    _learning_goals(school, periods, today)
    _method_tests(school, rng, today, current, periods)


def _cut_scores(school):
    rows = []
    for _subject, _test, scale, base, slope, spread, _half, _first in LVS_TESTS:
        for groep in range(3, 9):
            for letter in ("B", "M") if groep == 8 else ("M", "E"):
                mean = base + slope * moment_time(groep, letter)
                rows.append(
                    CutScore(
                        school=school,
                        scale_code=scale,
                        moment=f"{letter}{groep}",
                        cut_1_2=Decimal(round(mean + 0.8416 * spread)),
                        cut_2_3=Decimal(round(mean + 0.2533 * spread)),
                        cut_3_4=Decimal(round(mean - 0.2533 * spread)),
                        cut_4_5=Decimal(round(mean - 0.8416 * spread)),
                    )
                )
    CutScore.objects.bulk_create(rows, ignore_conflicts=True)
    raise_version(school)  # bulk writes do not signal the kept school data


def _lvs_results(school, rng, today, current, first_year, years):
    students = list(
        Student.objects.filter(school=school, jaargroep__in=["3", "4", "5", "6", "7", "8"])
        .enrolled(today)
        .order_by("pk")
    )
    now = timezone.now()
    rows = []
    for student in students:
        groep_now = int(student.jaargroep)
        ability = rng.gauss(0.1, 0.8)
        if student.external_key == OLD_SCALE_KEY:
            ability = 0.7
        moments = list(_moments(groep_now, first_year, today))
        for test in LVS_TESTS:
            subject, test_name, scale, base, slope, spread, half, first_groep = test
            bias = rng.gauss(0, 0.35)
            for index, (groep, letter, year_first, day) in enumerate(moments):
                if groep < first_groep:
                    continue
                spec = test
                if student.external_key == OLD_SCALE_KEY and subject == "rekenen" and groep == 3:
                    spec = OLD_RW
                _s, name, code, b, sl, sp, hw, _f = spec
                z = ability + bias + rng.gauss(0, 0.25)
                if student.external_key == GROWER_KEY and subject in (
                    "rekenen",
                    "begrijpend lezen",
                ):
                    z = -0.55 + 1.15 * index / max(1, len(moments) - 1)
                t = moment_time(groep, letter)
                score = round(b + sl * t + sp * z)
                pct = _phi(z) * 100
                t_equivalent = (score - b) / sl
                label = f"{years[f'{year_first}-{year_first + 1}'].label}"
                is_current = label == current.label
                dl = min(60, (groep - 3) * 10 + {"B": 1, "M": 5, "E": 10}[letter])
                reference = ""
                if groep == 8 and letter == "M" and subject in ("rekenen", "begrijpend lezen"):
                    target = "1S" if subject == "rekenen" else "2F"
                    reference = target if pct >= 55 else "1F" if pct >= 20 else "<1F"
                common = {
                    "school_id": school.pk,
                    "student_id": student.pk,
                    "group_id": student.group_id if is_current else None,
                    "school_year_id": years[label].pk,
                    "entered_at": now,
                    "release_moment": letter,
                    "taken_on": day,
                    "subject": subject,
                    "test_name": name,
                    "test_version": f"{letter}{groep}",
                    "moment": f"{letter}{groep}",
                    "jaargroep": str(groep),
                    "dl": dl,
                    "source": LvsResult.Source.DEMO,
                }
                rows.append(
                    {
                        **common,
                        "ability_score": Decimal(score),
                        "scale_code": code,
                        "interval_low": Decimal(score - hw) if hw else None,
                        "interval_high": Decimal(score + hw) if hw else None,
                        "level_iv": level_iv(pct),
                        "level_ae": level_ae(pct),
                        "percentile": max(1, min(99, round(pct))),
                        "functioning_level": moment_label(t_equivalent),
                        "reference_level": reference,
                        "dle": max(0, min(60, round(5 + t_equivalent * 10))),
                    }
                )
                if subject == "technisch lezen":
                    avi = min(len(AVI_LEVELS) - 1, max(0, 1 + round(t_equivalent * 2)))
                    rows.append({**common, "test_name": "AVI", "avi_level": AVI_LEVELS[avi]})
    fast_insert(LvsResult, rows)


def _periods(school, current, first_year):
    rows = []
    for name, (sm, sd), (em, ed) in PERIODS:
        start_year = first_year if sm >= 8 else first_year + 1
        end_year = first_year if em >= 8 else first_year + 1
        rows.append(
            Period(
                school=school,
                school_year=current,
                name=name,
                start_date=date(start_year, sm, sd),
                end_date=date(end_year, em, ed),
            )
        )
    return Period.objects.bulk_create(rows)


def _learning_goals(school, periods, today):
    current = next((p for p in periods if p.start_date <= today <= p.end_date), periods[0])
    rows = []
    for jaargroep in "12345678":
        goals = KLEUTER_GOALS if jaargroep in "12" else GOALS
        for subject, text in goals.items():
            limit = {"3": 20, "4": 100, "5": 1000, "6": 10000}.get(jaargroep, 100000)
            rows.append(
                LearningGoal(
                    school=school,
                    period=current,
                    jaargroep=jaargroep,
                    subject=subject,
                    text=text.format(n=limit),
                    method_ref=("Wereld in getallen 5" if subject == "rekenen" else "Staal")
                    if jaargroep not in "12"
                    else "",
                )
            )
    LearningGoal.objects.bulk_create(rows)


def _method_tests(school, rng, today, current, periods):
    groups = list(
        Group.objects.filter(school=school, school_year=current).exclude(jaargroep__in=["1", "2"])
    )
    teachers = {}
    for group in groups:
        teacher = group.teachers.first()
        teachers[group.pk] = teacher
    # Three blocks in the weeks before today, but not before the school year's first
    # weeks; early in the year (August) they fall on its first days, so that the demo
    # has method results whatever the month it is built in.
    earliest = min(current.start_date + timedelta(days=21), today)
    earliest = max(earliest, current.start_date)
    dates = sorted({max(today - timedelta(days=days), earliest) for days in (52, 24, 6)})
    tests = []
    parts = []
    for group in groups:
        jaargroep = group.jaargroep if group.jaargroep != "C" else ""
        for subject, method, name, result_type, part_names in METHOD_PLAN:
            if subject == "wereldoriëntatie" and group.jaargroep in ("C", "3", "4"):
                continue
            for block, day in enumerate(dates, start=1):
                period = next((p for p in periods if p.start_date <= day <= p.end_date), None)
                test = MethodTest(
                    school=school,
                    school_year=current,
                    period=period,
                    group=group,
                    jaargroep=jaargroep,
                    subject=subject,
                    method=method,
                    name=name.format(b=block),
                    taken_on=day,
                    result_type=result_type,
                    mastery_norm=80 if result_type == "percentage" else 60,
                    created_by=teachers[group.pk],
                )
                tests.append(test)
                for order, part_name in enumerate(part_names):
                    parts.append(MethodTestPart(test=test, name=part_name, order=order))
    MethodTest.objects.bulk_create(tests)
    for part in parts:
        part.test_id = part.test.pk
    MethodTestPart.objects.bulk_create(parts)
    parts_by_test = {}
    for part in parts:
        parts_by_test.setdefault(part.test_id, []).append(part)

    pupils = {}
    for student in Student.objects.filter(group__in=groups).enrolled(today).order_by("pk"):
        pupils.setdefault(student.group_id, []).append(student)
    words = ["goed", "voldoende", "matig", "onvoldoende"]
    now = timezone.now()
    results, result_parts = [], []
    for test in tests:
        for student in pupils.get(test.group_id, []):
            skill = rng.gauss(0.2, 0.9)
            result = {
                "school_id": school.pk,
                "student_id": student.pk,
                "group_id": test.group_id,
                "school_year_id": current.pk,
                "entered_at": now,
                "release_moment": "",
                "taken_on": test.taken_on,
                "test_id": test.pk,
            }
            if test.result_type == "percentage":
                value = max(20, min(100, round(82 + 11 * skill)))
                result["percentage"] = Decimal(value)
                result["mastered"] = value >= test.mastery_norm
            elif test.result_type == "grade":
                value = max(10, min(100, round(72 + 10 * skill)))
                result["grade"] = Decimal(value) / 10
                result["mastered"] = value >= test.mastery_norm
            else:
                index = 0 if skill > 0.9 else 1 if skill > -0.4 else 2 if skill > -1.4 else 3
                result["rating"] = words[index]
                result["mastered"] = index < 2
            results.append(result)
            result_parts.extend(
                (
                    (test.pk, student.pk),
                    part.pk,
                    max(0, min(100, round(80 + 14 * (skill + rng.gauss(0, 0.5))))),
                )
                for part in parts_by_test.get(test.pk, [])
            )
    fast_insert(MethodResult, results)
    ids = {
        (test_id, student_id): pk
        for pk, test_id, student_id in MethodResult.objects.filter(
            school=school, test__in=[t.pk for t in tests]
        ).values_list("pk", "test_id", "student_id")
    }
    fast_insert(
        MethodResultPart,
        [
            {"result_id": ids[key], "part_id": part_id, "percentage": Decimal(value)}
            for key, part_id, value in result_parts
        ],
    )
