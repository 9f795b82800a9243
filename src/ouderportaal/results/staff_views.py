"""Back-office pages for results: the teacher's entry grid, the Cito import, learning
goals, settings, and a pupil's results as staff see them (unfiltered)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core.access import get_school_student, staff_view
from ouderportaal.core.models import Group, Student
from ouderportaal.core.scoping import get_or_create_scoped, get_scoped_or_404, scoped
from ouderportaal.core.uploads import accepts_uploads
from ouderportaal.results import cito, services
from ouderportaal.results.forms import (
    GRADE_PATTERN,
    PERCENTAGE_PATTERN,
    CitoUploadForm,
    CutScoreForm,
    GoalUploadForm,
    LearningGoalForm,
    MethodTestForm,
    PeriodForm,
    ResultSettingsForm,
    parse_grade,
    parse_percentage,
)
from ouderportaal.results.models import (
    CutScore,
    LearningGoal,
    MethodResult,
    MethodTest,
    Period,
    ResultSettings,
)
from ouderportaal.results.views import lvs_page_data, method_results_for_page, method_sections
from ouderportaal.results.visibility import current_lvs_results, current_method_results

SESSION_KEY = "results_cito_upload"


def settings_for(membership) -> ResultSettings:
    return get_or_create_scoped(membership, ResultSettings)


def allowed_groups(membership):
    """Groups a staff member may enter results for: all of the school for the
    administration, otherwise the groups they teach."""
    groups = scoped(membership, Group)
    if membership.is_administration:
        return groups
    return groups.filter(teachers=membership)


def _group(membership, group_id) -> Group:
    group = allowed_groups(membership).select_related("school_year").filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group


def _context(membership, **extra):
    return {"membership": membership, "section": "results", **extra}


@staff_view("administration", "teacher", "portal_manager")
def home(request, membership):
    school = membership.school
    year = school.current_school_year()
    groups = allowed_groups(membership).filter(school_year=year).order_by("name")
    if not (membership.is_administration or membership.is_teacher):
        groups = groups.none()
    return render(
        request,
        "results/staff/home.html",
        _context(
            membership,
            groups=groups,
            imports=school.cito_imports.select_related("imported_by")[:5],
        ),
    )


@staff_view("administration", "teacher", reads="results")
def group_tests(request, membership, group):
    group = _group(membership, group)
    school = membership.school
    form = MethodTestForm(
        request.POST or None,
        school=school,
        initial={"taken_on": timezone.localdate(), "mastery_norm": 80},
    )
    if request.method == "POST" and form.is_valid():
        test = services.create_method_test(
            form.save(commit=False),
            group=group,
            part_names=form.part_names,
            created_by=membership,
            actor=request.user,
        )
        messages.success(request, _("The test has been added. Enter the results below."))
        return redirect("resultsadmin:grid", school=school.slug, group=group.pk, test=test.pk)
    tests = scoped(membership, MethodTest).filter(group=group).order_by("-taken_on", "subject")
    pupils = (
        scoped(membership, Student)
        .filter(group=group)
        .enrolled()
        .order_by("achternaam", "roepnaam")
    )
    return render(
        request,
        "results/staff/group_tests.html",
        _context(membership, group=group, tests=tests, form=form, pupils=pupils),
    )


def _parse_cell(test, text, words):
    if test.result_type == MethodTest.ResultType.PERCENTAGE:
        return parse_percentage(text)
    if test.result_type == MethodTest.ResultType.GRADE:
        return parse_grade(text)
    lowered = {w.lower(): w for w in words}
    if text.lower() not in lowered:
        raise ValueError(_("Choose one of: %(words)s.") % {"words": ", ".join(words)})
    return lowered[text.lower()]


def _display(value):
    if value is None:
        return ""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@staff_view("administration", "teacher", reads="results")
def grid(request, membership, group, test):
    group = _group(membership, group)
    school = membership.school
    test = get_scoped_or_404(membership, MethodTest, group=group, pk=test)
    settings = settings_for(membership)
    words = settings.rating_words
    parts = list(test.parts.all())
    pupils = list(
        scoped(membership, Student)
        .filter(group=group)
        .enrolled()
        .order_by("achternaam", "roepnaam")
    )
    current = {
        r.student_id: r
        for r in scoped(membership, MethodResult)
        .filter(test=test, student__in=pupils, superseded_by__isnull=True)
        .prefetch_related("parts")
    }
    rows = []
    errors = 0
    for pupil in pupils:
        existing = current.get(pupil.pk)
        stored_parts = {p.part_id: p.percentage for p in existing.parts.all()} if existing else {}
        row = {
            "pupil": pupil,
            "name": f"v-{pupil.pk}",
            "value": _display(services.value_of(test, existing)),
            "error": "",
            "parts": [
                {
                    "part": part,
                    "name": f"p-{pupil.pk}-{part.pk}",
                    "value": _display(stored_parts.get(part.pk)),
                    "error": "",
                }
                for part in parts
            ],
            "existing": existing,
            "stored_parts": stored_parts,
        }
        if request.method == "POST":
            row["value"] = request.POST.get(row["name"], "").strip()
            if row["value"]:
                try:
                    row["parsed"] = _parse_cell(test, row["value"], words)
                except ValueError as error:
                    row["error"] = str(error)
                    errors += 1
            for cell in row["parts"]:
                cell["value"] = request.POST.get(cell["name"], "").strip()
                if cell["value"]:
                    try:
                        cell["parsed"] = parse_percentage(cell["value"])
                    except ValueError as error:
                        cell["error"] = str(error)
                        errors += 1
        rows.append(row)
    if request.method == "POST":
        if errors:
            messages.error(
                request,
                _("Nothing has been saved: %(count)s cell(s) are not right. Your typing is kept.")
                % {"count": errors},
            )
        else:
            saved = _save_grid(request, test, group, rows)
            messages.success(
                request, _("Saved: %(count)s result(s) entered or corrected.") % {"count": saved}
            )
            return redirect("resultsadmin:grid", school=school.slug, group=group.pk, test=test.pk)
    return render(
        request,
        "results/staff/grid.html",
        _context(
            membership,
            group=group,
            test=test,
            parts=parts,
            rows=rows,
            words=words,
            pattern=PERCENTAGE_PATTERN
            if test.result_type == MethodTest.ResultType.PERCENTAGE
            else GRADE_PATTERN,
            part_pattern=PERCENTAGE_PATTERN,
        ),
    )


def _save_grid(request, test, group, rows) -> int:
    entries = [
        services.Entry(
            pupil=row["pupil"],
            value=row.get("parsed"),
            parts={cell["part"].pk: cell.get("parsed") for cell in row["parts"]},
        )
        for row in rows
    ]
    return services.enter_method_results(test, group, entries, actor=request.user)


@staff_view("administration", "teacher", reads="results")
def pupil_results(request, membership, student):
    pupil = get_school_student(membership, student)
    if (
        not membership.is_administration
        and not allowed_groups(membership).filter(pk=pupil.group_id).exists()
    ):
        raise Http404
    method = method_results_for_page(current_method_results(pupil))
    lvs = current_lvs_results(pupil).select_related("school_year")
    context = lvs_page_data(pupil.school, lvs)
    context.update(_context(membership, student=pupil, sections=method_sections(method)))
    return render(request, "results/staff/pupil.html", context)


@staff_view("administration", reads="results")
@accepts_uploads(cito.MAX_FILE_BYTES / 2**20)
def cito_import(request, membership):
    school = membership.school
    form = CitoUploadForm()
    plan = None
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("sha256") != request.POST["confirm"]:
            messages.error(request, _("The preview has expired. Choose the file again."))
            return redirect("resultsadmin:cito_import", school=school.slug)
        data = base64.b64decode(stored["data"])
        try:
            plan = cito.plan_import(school, data)
        except cito.FileError as error:
            messages.error(request, str(error))
            return redirect("resultsadmin:cito_import", school=school.slug)
        if plan.errors:
            messages.error(request, _("Nothing has been imported: the file has errors."))
        else:
            batch = cito.apply_import(school, plan, user=request.user, filename=stored["name"])
            del request.session[SESSION_KEY]
            if batch is None:
                messages.info(request, _("Nothing changed: every result was already there."))
            else:
                messages.success(
                    request,
                    _("Imported: %(new)s new, %(corrected)s corrected, %(same)s unchanged.")
                    % {"new": batch.created, "corrected": batch.corrected, "same": batch.unchanged},
                )
            return redirect("resultsadmin:home", school=school.slug)
    elif request.method == "POST":
        form = CitoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(cito.MAX_FILE_BYTES + 1)
            try:
                plan = cito.plan_import(school, data)
            except cito.FileError as error:
                form.add_error("file", str(error))
                plan = None
            if plan is not None:
                request.session[SESSION_KEY] = {
                    "sha256": plan.sha256,
                    "name": upload.name[:255],
                    "data": base64.b64encode(data).decode("ascii"),
                }
    return render(
        request,
        "results/staff/cito_import.html",
        _context(
            membership, form=form, plan=plan, mapping=cito.mapping_for(settings_for(membership))
        ),
    )


@staff_view("administration", "portal_manager")
def settings_view(request, membership):
    school = membership.school
    instance = settings_for(membership)
    form = ResultSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            form.save(commit=False), fields=form.changed_data, actor=request.user
        )
        messages.success(request, _("The settings have been saved."))
        return redirect("resultsadmin:settings", school=school.slug)
    return render(request, "results/staff/settings.html", _context(membership, form=form))


@staff_view("administration", "teacher")
@accepts_uploads(1)  # GoalUploadForm reads at most 1 MB
def goals(request, membership):
    school = membership.school
    goal_form = LearningGoalForm(
        request.POST if request.POST.get("form") == "goal" else None, school=school
    )
    period_form = PeriodForm(
        request.POST if request.POST.get("form") == "period" else None,
        school=school,
        initial={"school_year": school.current_school_year()},
    )
    upload_form = GoalUploadForm(
        request.POST if request.POST.get("form") == "upload" else None,
        request.FILES or None,
        school=school,
    )
    if request.method == "POST" and request.POST.get("form") == "upload":
        if upload_form.is_valid():
            services.upload_goals(
                upload_form.cleaned_data["period"],
                upload_form.cleaned_data["goals"],
                actor=request.user,
            )
            messages.success(request, _("Saved."))
            return redirect(reverse("resultsadmin:goals", kwargs={"school": school.slug}))
    elif request.method == "POST":
        form = goal_form if request.POST.get("form") == "goal" else period_form
        if form.is_valid():
            services.save_goal_or_period(form.save(commit=False), school=school, actor=request.user)
            messages.success(request, _("Saved."))
            return redirect(reverse("resultsadmin:goals", kwargs={"school": school.slug}))
    periods = scoped(membership, Period).select_related("school_year").order_by("-start_date")[:10]
    goal_list = (
        scoped(membership, LearningGoal)
        .filter(period__in=list(periods))
        .select_related("period")
        .order_by("-period__start_date", "jaargroep", "subject")
    )
    return render(
        request,
        "results/staff/goals.html",
        _context(
            membership,
            goal_form=goal_form,
            period_form=period_form,
            upload_form=upload_form,
            periods=periods,
            goals=goal_list,
        ),
    )


@staff_view("administration")
def cut_scores(request, membership):
    """Level boundaries per scale and moment; charts draw level bands only with these."""
    school = membership.school
    form = CutScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_cut_scores(
            school,
            scale_code=data["scale_code"],
            moment=data["moment"],
            cuts={k: data[k] for k in services.CUT_FIELDS},
            actor=request.user,
        )
        messages.success(request, _("The level boundaries have been saved."))
        return redirect("resultsadmin:cut_scores", school=school.slug)
    rows = scoped(membership, CutScore).order_by("scale_code", "moment")
    return render(
        request, "results/staff/cut_scores.html", _context(membership, form=form, rows=rows)
    )
