"""Parent pages: a child's method tests, Cito (LVS) results with growth charts, and
the glossary. Results are read only through `results.visibility`."""

from __future__ import annotations

import re
from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _

from ouderportaal.core.access import child_view, public_view
from ouderportaal.core.preview import moment_of
from ouderportaal.core.schoolcache import school_data
from ouderportaal.results import visibility
from ouderportaal.results.charts import build_charts, moment_sort_key
from ouderportaal.results.glossary import TERMS
from ouderportaal.results.kept import kept_page_part
from ouderportaal.results.models import (
    DEFAULT_STANDING_TEXT,
    CutScore,
    MethodResultPart,
    ResultSettings,
)
from ouderportaal.results.templatetags.results_tags import nl_number
from ouderportaal.schoolcontrol.rules import next_release


def _load_standing_text(school) -> str:
    settings = ResultSettings.objects.filter(school=school).only("standing_text").first()
    return settings.standing_text if settings else DEFAULT_STANDING_TEXT


def standing_text(school) -> str:
    """The school's standing text above the results (kept per school version)."""
    return school_data(school, "results.standing_text", _load_standing_text)


def _load_cut_scores(school) -> dict:
    return {(c.scale_code, c.moment): c for c in CutScore.objects.filter(school=school)}


def cut_scores_of(school) -> dict:
    """The school's cut scores by (scale, moment) (kept per school version)."""
    return school_data(school, "results.cut_scores", _load_cut_scores)


def method_sections(results) -> list[dict]:
    """Method results grouped by subject, then by period (newest first)."""
    rows = sorted(
        results,
        key=lambda r: (r.test.subject.lower(), -r.taken_on.toordinal(), r.test.name),
    )
    sections = []
    for _subject, in_subject in groupby(rows, key=lambda r: r.test.subject.lower()):
        in_subject = list(in_subject)
        periods = []
        for _label, in_period in groupby(in_subject, key=_period_label):
            in_period = list(in_period)
            periods.append({"label": _period_label(in_period[0]), "results": in_period})
        sections.append({"subject": in_subject[0].test.subject, "periods": periods})
    return sections


def _period_label(result) -> str:
    if result.test.period_id:
        return f"{result.test.period.name} {result.school_year.label}"
    return result.school_year.label


def method_results_for_page(queryset):
    return queryset.select_related("test", "test__period", "school_year").prefetch_related(
        Prefetch(
            "parts",
            queryset=MethodResultPart.objects.select_related("part").order_by(
                "part__order", "part_id"
            ),
        )
    )


def lvs_page_data(school, results) -> dict:
    results = list(results)
    cut_scores = cut_scores_of(school) if results else {}
    charts, without_score = build_charts(results, cut_scores)
    without_score.sort(key=lambda r: (r.subject.lower(), r.taken_on, moment_sort_key(r.moment)))
    for chart in charts:
        chart.rows = [lvs_row(result) for result in chart.results]
    subjects = []
    for chart in charts:
        if not subjects or subjects[-1]["subject"] != chart.subject:
            subjects.append({"subject": chart.subject, "charts": []})
        subjects[-1]["charts"].append(chart)
    for subject in subjects:
        subject["several_scales"] = len(subject["charts"]) > 1
    return {"subjects": subjects, "other_results": without_score}


def lvs_row(result) -> dict:
    """The cells of one row of a Cito table, built once in Python (as the template would
    print them): the template only prints strings, with its labels translated once."""
    if result.interval_low is not None:
        interval = f"{nl_number(result.interval_low)}–{nl_number(result.interval_high)}"
    else:
        interval = "—"
    dle = "—" if result.dle is None else localize(result.dle)
    if result.dl is not None:
        dle += f" ({localize(result.dl)})"
    return {
        "moment": result.moment or "—",
        "date": date_format(result.taken_on, "j F Y"),
        "score": nl_number(result.ability_score),
        "interval": interval,
        "level": " / ".join(v for v in (result.level_iv, result.level_ae) if v) or "—",
        "percentile": "—" if result.percentile is None else localize(result.percentile),
        "functioning": result.functioning_level or "—",
        "dle": dle,
        "reference": result.reference_level or "—",
    }


def method_value_text(result) -> str:
    """A method result as a parent reads it (the same words as results/method_value.html)."""
    kind = result.test.result_type
    if kind == "percentage":
        return _("%(value)s%% correct") % {"value": nl_number(result.percentage)}
    if kind == "grade":
        return nl_number(result.grade)
    return result.rating or "—"


def method_row(result) -> dict:
    """Everything one table row shows, built once in Python: the template only prints it."""
    if result.mastered is True:
        norm = _("mastered")
    elif result.mastered is False:
        norm = _("not yet mastered")
    else:
        norm = "—"
    norm_detail = ""
    if result.test.result_type == "percentage":
        norm_detail = _("norm %(norm)s%% correct") % {"norm": result.test.mastery_norm}
    return {
        "name": result.test.name,
        "method": result.test.method,
        "date": date_format(result.taken_on, "j F Y"),
        "value": method_value_text(result),
        "parts": [
            f"{part.part.name}: {nl_number(part.percentage)}%" for part in result.parts.all()
        ],
        "norm": norm,
        "norm_detail": norm_detail,
    }


# A school year as the page offers it ("2025-2026"); anything else shows the newest.
SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


def chosen_school_year(request, at) -> str:
    """The school year the parent asked for, if it can be one (the page offers at most
    about twenty, so a made-up value cannot fill the kept pages)."""
    asked = request.GET.get("schooljaar", "")
    match = SCHOOL_YEAR.fullmatch(asked)
    if match is None:
        return ""
    first, second = int(match[1]), int(match[2])
    this_year = timezone.localdate(at).year
    return asked if second == first + 1 and this_year - 20 <= first <= this_year else ""


def method_tests_part(student, at, chosen: str) -> str:
    """The results part of the method-test page: this school year's results, or the
    chosen earlier year's."""
    visible = visibility.visible_method_results(student, at=at)
    years = sorted(
        set(visible.order_by().values_list("school_year__label", flat=True).distinct()),
        reverse=True,
    )
    shown = chosen if chosen in years else (years[0] if years else None)
    sections = []
    if shown is not None:
        results = method_results_for_page(visible.filter(school_year__label=shown))
        sections = method_sections(results)
        for section in sections:
            for period in section["periods"]:
                period["rows"] = [method_row(result) for result in period.pop("results")]
    period, goals = visibility.visible_learning_goals(student, on=timezone.localdate(at))
    return render_to_string(
        "results/method_tests_part.html",
        {
            "sections": sections,
            "other_years": [label for label in years if label != shown],
            "shown_year": shown,
            "period": period,
            "goals": list(goals),
            "standing_text": standing_text(student.school),
        },
    )


@child_view(module="method_tests")
def method_tests(request, student):
    """This school year's method results; an earlier year only when the parent asks."""
    at = moment_of(request)
    chosen = chosen_school_year(request, at)
    part = kept_page_part(
        request,
        student,
        "method_tests",
        lambda: method_tests_part(student, at, chosen),
        at=at,
        choice=chosen,
    )
    return render(
        request,
        "results/method_tests.html",
        {"student": student, "child_tab": "method_tests", "results_part": part},
    )


def lvs_part(student, at) -> str:
    """The results part of the Cito page: a chart and a table per scale."""
    results = visibility.visible_lvs_results(student, at=at).select_related("school_year")
    context = lvs_page_data(student.school, results)
    context.update(
        {
            "standing_text": standing_text(student.school),
            "next_release": next_release(student, at=at),
        }
    )
    return render_to_string("results/lvs_part.html", context)


@child_view(module="lvs")
def lvs(request, student):
    at = moment_of(request)
    part = kept_page_part(request, student, "lvs", lambda: lvs_part(student, at), at=at)
    return render(
        request,
        "results/lvs.html",
        {"student": student, "child_tab": "lvs", "results_part": part},
    )


@public_view
def glossary(request):
    return render(request, "results/glossary.html", {"terms": TERMS})
