"""Changes to results and their settings, each recorded in the audit trail with the old
and the new values. Staff views hand over objects they fetched through their school
(core.scoping); these functions never look up a school's data by id themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ouderportaal.core.audit import changed, record, values_of
from ouderportaal.core.schoolcache import RESULTS, raise_version
from ouderportaal.results.models import (
    CutScore,
    LearningGoal,
    MethodResult,
    MethodResultPart,
    MethodTest,
    MethodTestPart,
    ResultSettings,
)

TEST_FIELDS = ["subject", "method", "name", "taken_on", "period", "result_type", "mastery_norm"]
CUT_FIELDS = ["cut_1_2", "cut_2_3", "cut_3_4", "cut_4_5"]


def settings_of(school) -> ResultSettings:
    return ResultSettings.objects.get_or_create(school=school)[0]


def value_of(test: MethodTest, result: MethodResult | None):
    """The main value of a result in the test's own kind (percentage, grade or word)."""
    if result is None:
        return None
    if test.result_type == MethodTest.ResultType.PERCENTAGE:
        return result.percentage
    if test.result_type == MethodTest.ResultType.GRADE:
        return result.grade
    return result.rating or None


def mastered_for(test: MethodTest, value, settings: ResultSettings):
    if value is None:
        return None
    if test.result_type == MethodTest.ResultType.PERCENTAGE:
        return value >= test.mastery_norm
    if test.result_type == MethodTest.ResultType.GRADE:
        return value * 10 >= test.mastery_norm
    words = [w.lower() for w in settings.rating_words]
    return value.lower() in words[: settings.rating_pass_count]


def _as_text(value) -> str | None:
    """A value for the audit trail: 85.0 and 85 are both "85"."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def create_method_test(test: MethodTest, *, group, part_names: list[str], created_by, actor):
    """Add a method test (with its parts) for a group of the school."""
    with transaction.atomic():
        test.school = group.school
        test.school_year = group.school_year
        test.group = group
        test.jaargroep = group.jaargroep if group.jaargroep != "C" else ""
        test.created_by = created_by
        test.save()
        MethodTestPart.objects.bulk_create(
            MethodTestPart(test=test, name=name, order=i) for i, name in enumerate(part_names)
        )
        record(
            "results.method_test.created",
            actor=actor,
            school=test.school,
            obj=test,
            group=group.name,
            name=str(test),
            old=None,
            new={**values_of(test, TEST_FIELDS), "parts": part_names},
        )
    return test


@dataclass(frozen=True)
class Entry:
    """What was typed for one pupil: the main value and the parts' percentages."""

    pupil: object
    value: object = None
    parts: dict[int, Decimal | None] = field(default_factory=dict)


def enter_method_results(test: MethodTest, group, entries: list[Entry], *, actor) -> int:
    """Store new and changed results of one test; returns how many were stored.

    A change supersedes the earlier result (which is kept). Each new result and each
    correction is recorded for its pupil with the old and the new values; an entry that
    equals the current result changes nothing.
    """
    now = timezone.now()
    settings = settings_of(test.school)
    part_names = {part.pk: part.name for part in test.parts.all()}
    saved = 0
    with transaction.atomic():
        current = {
            result.student_id: result
            for result in MethodResult.objects.select_for_update(of=("self",))
            .filter(
                test=test,
                student__in=[entry.pupil for entry in entries],
                superseded_by__isnull=True,
            )
            .prefetch_related("parts")
        }
        for entry in entries:
            typed_parts = {pk: v for pk, v in entry.parts.items() if v is not None}
            if entry.value is None and not typed_parts:
                continue
            existing = current.get(entry.pupil.pk)
            stored_parts = (
                {p.part_id: p.percentage for p in existing.parts.all()} if existing else {}
            )
            old_value = value_of(test, existing)
            if existing is not None and old_value == entry.value and stored_parts == typed_parts:
                continue
            result = MethodResult(
                school=test.school,
                student=entry.pupil,
                group=group,
                school_year=test.school_year,
                entered_at=now,
                entered_by=actor,
                release_moment="",
                taken_on=test.taken_on,
                test=test,
                supersedes=existing,
                mastered=mastered_for(test, entry.value, settings),
            )
            if test.result_type == MethodTest.ResultType.PERCENTAGE:
                result.percentage = entry.value
            elif test.result_type == MethodTest.ResultType.GRADE:
                result.grade = entry.value
            else:
                result.rating = entry.value or ""
            result.save()
            MethodResultPart.objects.bulk_create(
                MethodResultPart(result=result, part_id=pk, percentage=v)
                for pk, v in typed_parts.items()
            )
            record(
                "results.method.corrected" if existing else "results.method.entered",
                actor=actor,
                school=test.school,
                obj=result,
                student=entry.pupil,
                test=test.pk,
                old=None
                if existing is None
                else {
                    "value": _as_text(old_value),
                    "parts": {part_names[pk]: _as_text(v) for pk, v in stored_parts.items()},
                },
                new={
                    "value": _as_text(entry.value),
                    "parts": {part_names[pk]: _as_text(v) for pk, v in typed_parts.items()},
                },
            )
            saved += 1
    return saved


def save_settings(settings: ResultSettings, *, fields: list[str], actor) -> ResultSettings:
    """Save the school's result settings changed by a form (its `changed_data`)."""
    with transaction.atomic():
        before = ResultSettings.objects.select_for_update().get(pk=settings.pk)
        names = [name for name in fields if _is_field(settings, name)]
        old, new = changed(values_of(before, names), values_of(settings, names))
        settings.save()
        record(
            "results.settings.changed",
            actor=actor,
            school=settings.school,
            obj=settings,
            fields=fields,
            old=old,
            new=new,
        )
    return settings


def _is_field(obj, name: str) -> bool:
    return any(f.name == name for f in obj._meta.concrete_fields)


def save_goal_or_period(obj, *, school, actor):
    """Add a learning goal or a period (from the goals page) for the school."""
    with transaction.atomic():
        obj.school = school
        obj.save()
        fields = [f.name for f in obj._meta.concrete_fields if f.name not in {"id", "school"}]
        record(
            "results.goals.changed",
            actor=actor,
            school=school,
            obj=obj,
            old=None,
            new=values_of(obj, fields),
        )
    return obj


def upload_goals(period, goals: list[tuple[str, str, str, str]], *, actor) -> int:
    """Add the learning goals of a file (groep, vak, tekst, methode) to a period."""
    with transaction.atomic():
        LearningGoal.objects.bulk_create(
            LearningGoal(
                school=period.school,
                period=period,
                jaargroep=jaargroep,
                subject=subject,
                text=text,
                method_ref=method,
            )
            for jaargroep, subject, text, method in goals
        )
        raise_version(period.school_id, RESULTS)  # bulk writes do not signal
        record(
            "results.goals.uploaded",
            actor=actor,
            school=period.school,
            obj=period,
            count=len(goals),
        )
    return len(goals)


def save_cut_scores(school, *, scale_code: str, moment: str, cuts: dict, actor) -> CutScore:
    """Set the level boundaries of one scale and moment for the school."""
    with transaction.atomic():
        existing = (
            CutScore.objects.select_for_update()
            .filter(school=school, scale_code=scale_code, moment=moment)
            .first()
        )
        old = values_of(existing, CUT_FIELDS) if existing else None
        cut, created = CutScore.objects.update_or_create(
            school=school, scale_code=scale_code, moment=moment, defaults=cuts
        )
        record(
            "results.cut_scores.saved",
            actor=actor,
            school=school,
            obj=cut,
            scale_code=cut.scale_code,
            moment=cut.moment,
            created=created,
            old=old,
            new=values_of(cut, CUT_FIELDS),
        )
    return cut
