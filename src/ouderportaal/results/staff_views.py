"""Back-office pages for results: the teacher's entry grid, the Cito import, learning
goals, settings, and a pupil's results as staff see them (unfiltered)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderportaal.core import audit
from ouderportaal.core.access import get_school_student, staff_view
from ouderportaal.core.models import Group, Student
from ouderportaal.core.uploads import accepts_uploads
from ouderportaal.results import cito
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
    MethodResultPart,
    MethodTest,
    MethodTestPart,
    Period,
    ResultSettings,
)
from ouderportaal.results.views import lvs_page_data, method_results_for_page, method_sections
from ouderportaal.results.visibility import current_lvs_results, current_method_results

SESSION_KEY = "results_cito_upload"


def settings_for(school) -> ResultSettings:
    settings, _created = ResultSettings.objects.get_or_create(school=school)
    return settings


def allowed_groups(membership):
    """Groups a staff member may enter results for: all of the school for the
    administration, otherwise the groups they teach."""
    groups = Group.objects.filter(school=membership.school)
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


@staff_view("administration", "teacher")
def group_tests(request, membership, group):
    group = _group(membership, group)
    school = membership.school
    form = MethodTestForm(
        request.POST or None,
        school=school,
        initial={"taken_on": timezone.localdate(), "mastery_norm": 80},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            test = form.save(commit=False)
            test.school = school
            test.school_year = group.school_year
            test.group = group
            test.jaargroep = group.jaargroep if group.jaargroep != "C" else ""
            test.created_by = membership
            test.save()
            MethodTestPart.objects.bulk_create(
                MethodTestPart(test=test, name=name, order=i)
                for i, name in enumerate(form.part_names)
            )
            audit.record(
                "results.method_test.created",
                actor=request.user,
                school=school,
                obj=test,
                group=group.name,
                name=str(test),
            )
        messages.success(request, _("The test has been added. Enter the results below."))
        return redirect("resultsadmin:grid", school=school.slug, group=group.pk, test=test.pk)
    tests = MethodTest.objects.filter(school=school, group=group).order_by("-taken_on", "subject")
    pupils = Student.objects.filter(group=group).enrolled().order_by("achternaam", "roepnaam")
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


def mastered_for(test, value, settings: ResultSettings):
    if value is None:
        return None
    if test.result_type == MethodTest.ResultType.PERCENTAGE:
        return value >= test.mastery_norm
    if test.result_type == MethodTest.ResultType.GRADE:
        return value * 10 >= test.mastery_norm
    words = [w.lower() for w in settings.rating_words]
    return value.lower() in words[: settings.rating_pass_count]


def _value_of(test, result):
    if result is None:
        return None
    if test.result_type == MethodTest.ResultType.PERCENTAGE:
        return result.percentage
    if test.result_type == MethodTest.ResultType.GRADE:
        return result.grade
    return result.rating or None


def _display(value):
    if value is None:
        return ""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@staff_view("administration", "teacher")
def grid(request, membership, group, test):
    group = _group(membership, group)
    school = membership.school
    test = MethodTest.objects.filter(school=school, group=group, pk=test).first()
    if test is None:
        raise Http404
    settings = settings_for(school)
    words = settings.rating_words
    parts = list(test.parts.all())
    pupils = list(Student.objects.filter(group=group).enrolled().order_by("achternaam", "roepnaam"))
    current = {
        r.student_id: r
        for r in MethodResult.objects.filter(
            test=test, student__in=pupils, superseded_by__isnull=True
        ).prefetch_related("parts")
    }
    rows = []
    errors = 0
    for pupil in pupils:
        existing = current.get(pupil.pk)
        stored_parts = {p.part_id: p.percentage for p in existing.parts.all()} if existing else {}
        row = {
            "pupil": pupil,
            "name": f"v-{pupil.pk}",
            "value": _display(_value_of(test, existing)),
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
            saved = _save_grid(request, test, group, rows, settings)
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


def _save_grid(request, test, group, rows, settings) -> int:
    """Store new and changed results; a change supersedes the earlier result."""
    now = timezone.now()
    saved = 0
    with transaction.atomic():
        for row in rows:
            existing = row["existing"]
            value = row.get("parsed")
            part_values = {c["part"].pk: c.get("parsed") for c in row["parts"]}
            if value is None and not any(v is not None for v in part_values.values()):
                continue
            old_value = _value_of(test, existing)
            if (
                existing is not None
                and old_value == value
                and all(row["stored_parts"].get(pk) == v for pk, v in part_values.items())
            ):
                continue
            result = MethodResult(
                school=test.school,
                student=row["pupil"],
                group=group,
                school_year=test.school_year,
                entered_at=now,
                entered_by=request.user,
                release_moment="",
                taken_on=test.taken_on,
                test=test,
                supersedes=existing,
                mastered=mastered_for(test, value, settings),
            )
            if test.result_type == MethodTest.ResultType.PERCENTAGE:
                result.percentage = value
            elif test.result_type == MethodTest.ResultType.GRADE:
                result.grade = value
            else:
                result.rating = value or ""
            result.save()
            MethodResultPart.objects.bulk_create(
                MethodResultPart(result=result, part_id=pk, percentage=v)
                for pk, v in part_values.items()
                if v is not None
            )
            saved += 1
        if saved:
            audit.record(
                "results.method.entered",
                actor=request.user,
                school=test.school,
                obj=test,
                count=saved,
            )
    return saved


@staff_view("administration", "teacher")
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


@staff_view("administration")
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
        _context(membership, form=form, plan=plan, mapping=cito.mapping_for(settings_for(school))),
    )


@staff_view("administration", "portal_manager")
def settings_view(request, membership):
    school = membership.school
    instance = settings_for(school)
    form = ResultSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(
                "results.settings.changed",
                actor=request.user,
                school=school,
                obj=instance,
                fields=form.changed_data,
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
            period = upload_form.cleaned_data["period"]
            with transaction.atomic():
                LearningGoal.objects.bulk_create(
                    LearningGoal(
                        school=school,
                        period=period,
                        jaargroep=jaargroep,
                        subject=subject,
                        text=text,
                        method_ref=method,
                    )
                    for jaargroep, subject, text, method in upload_form.cleaned_data["goals"]
                )
                audit.record(
                    "results.goals.uploaded",
                    actor=request.user,
                    school=school,
                    obj=period,
                    count=len(upload_form.cleaned_data["goals"]),
                )
            messages.success(request, _("Saved."))
            return redirect(reverse("resultsadmin:goals", kwargs={"school": school.slug}))
    elif request.method == "POST":
        form = goal_form if request.POST.get("form") == "goal" else period_form
        if form.is_valid():
            with transaction.atomic():
                obj = form.save(commit=False)
                obj.school = school
                obj.save()
                audit.record("results.goals.changed", actor=request.user, school=school, obj=obj)
            messages.success(request, _("Saved."))
            return redirect(reverse("resultsadmin:goals", kwargs={"school": school.slug}))
    periods = (
        Period.objects.filter(school=school)
        .select_related("school_year")
        .order_by("-start_date")[:10]
    )
    goal_list = (
        LearningGoal.objects.filter(school=school, period__in=list(periods))
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
        with transaction.atomic():
            cut, created = CutScore.objects.update_or_create(
                school=school,
                scale_code=data["scale_code"],
                moment=data["moment"],
                defaults={k: data[k] for k in ("cut_1_2", "cut_2_3", "cut_3_4", "cut_4_5")},
            )
            audit.record(
                "results.cut_scores.saved",
                actor=request.user,
                school=school,
                obj=cut,
                scale_code=cut.scale_code,
                moment=cut.moment,
                created=created,
            )
        messages.success(request, _("The level boundaries have been saved."))
        return redirect("resultsadmin:cut_scores", school=school.slug)
    rows = CutScore.objects.filter(school=school).order_by("scale_code", "moment")
    return render(
        request, "results/staff/cut_scores.html", _context(membership, form=form, rows=rows)
    )
