from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import Jaargroep
from ouderportaal.results.cito import DEFAULT_MAPPING, decode
from ouderportaal.results.models import (
    CutScore,
    LearningGoal,
    MethodTest,
    Period,
    ResultSettings,
)

PERCENTAGE_PATTERN = r"(100|[0-9]{1,2})([.,][0-9])?"
GRADE_PATTERN = r"(10|[1-9])([.,][0-9])?"


def parse_percentage(text: str) -> Decimal:
    if not re.fullmatch(r"\d{1,3}([.,]\d)?", text):
        raise ValueError(_("Type a percentage from 0 to 100, such as 85 or 72,5."))
    value = Decimal(text.replace(",", "."))
    if value > 100:
        raise ValueError(_("A percentage is at most 100."))
    return value


def parse_grade(text: str) -> Decimal:
    if not re.fullmatch(r"\d{1,2}([.,]\d)?", text):
        raise ValueError(_("Type a grade from 1 to 10 with at most one decimal, such as 7,5."))
    value = Decimal(text.replace(",", "."))
    if not 1 <= value <= 10:
        raise ValueError(_("A grade lies between 1 and 10."))
    return value


class MethodTestForm(forms.ModelForm):
    parts = forms.CharField(
        label=_("Test parts (optional)"),
        required=False,
        help_text=_("Separate the parts with commas, for example: Getallen, Bewerkingen, Meten."),
    )

    class Meta:
        model = MethodTest
        fields = ["subject", "method", "name", "taken_on", "period", "result_type", "mastery_norm"]
        labels = {"period": _("Period")}
        widgets = {"taken_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(school=school).order_by(
            "-start_date"
        )
        self.fields["period"].required = False

    @property
    def part_names(self) -> list[str]:
        return [p.strip()[:120] for p in self.cleaned_data.get("parts", "").split(",") if p.strip()]


class CitoUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file from the pupil monitoring system"),
        help_text=_("Semicolons or commas; UTF-8 or Windows-1252."),
    )


class ResultSettingsForm(forms.ModelForm):
    mapping_text = forms.CharField(
        label=_("Column names in the Cito file"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only for columns whose name differs from the standard. One per line, as "
            "field = column name, for example: student_key = leerlingnummer."
        ),
    )

    class Meta:
        model = ResultSettings
        fields = ["standing_text", "rating_scale", "rating_pass_count", "cito_key_prefix"]
        widgets = {"standing_text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.cito_mapping:
            self.initial["mapping_text"] = "\n".join(
                f"{k} = {v}" for k, v in sorted(self.instance.cito_mapping.items())
            )

    def clean_rating_scale(self):
        words = [w.strip() for w in self.cleaned_data["rating_scale"].split(",") if w.strip()]
        if len(words) < 2:
            raise forms.ValidationError(_("Give at least two words, separated by commas."))
        return ", ".join(words)

    def clean(self):
        cleaned = super().clean()
        words = [w for w in cleaned.get("rating_scale", "").split(",") if w.strip()]
        count = cleaned.get("rating_pass_count")
        if words and count is not None and not 1 <= count <= len(words):
            self.add_error("rating_pass_count", _("Choose a number from 1 to the number of words."))
        return cleaned

    def clean_mapping_text(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping_text"].splitlines(), start=1):
            if not line.strip():
                continue
            field, sep, column = line.partition("=")
            field, column = field.strip(), column.strip()
            if not sep or field not in DEFAULT_MAPPING or not column:
                raise forms.ValidationError(
                    _("Line %(line)s is not a known field = column name. Known fields: %(fields)s.")
                    % {"line": number, "fields": ", ".join(DEFAULT_MAPPING)}
                )
            mapping[field] = column[:80]
        return mapping

    def save(self, commit=True):
        self.instance.cito_mapping = self.cleaned_data["mapping_text"]
        return super().save(commit)


class LearningGoalForm(forms.ModelForm):
    class Meta:
        model = LearningGoal
        fields = ["period", "jaargroep", "subject", "text", "method_ref", "published"]
        labels = {"period": _("Period")}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(school=school).order_by(
            "-start_date"
        )
        self.fields["jaargroep"].choices = [
            c for c in Jaargroep.choices if c[0] != Jaargroep.COMBINATION
        ]


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["school_year", "name", "start_date", "end_date"]
        labels = {"school_year": _("School year")}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = school.school_years.all()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("The last day comes after the first day."))
        return cleaned


class CutScoreForm(forms.ModelForm):
    class Meta:
        model = CutScore
        fields = ["scale_code", "moment", "cut_1_2", "cut_2_3", "cut_3_4", "cut_4_5"]

    def clean_moment(self):
        moment = self.cleaned_data["moment"].strip().upper().replace(" ", "")
        if not re.fullmatch(r"[BME][1-8]", moment):
            raise forms.ValidationError(_("Write a moment such as M5, E5 or B8."))
        return moment

    def clean(self):
        cleaned = super().clean()
        cuts = [cleaned.get(name) for name in ("cut_1_2", "cut_2_3", "cut_3_4", "cut_4_5")]
        if all(c is not None for c in cuts) and not cuts[0] > cuts[1] > cuts[2] > cuts[3]:
            raise forms.ValidationError(
                _("Each boundary must be lower than the one before: I above II above III above IV.")
            )
        return cleaned

    def validate_unique(self):
        # Entering a moment again replaces its boundaries (see the view).
        pass


class GoalUploadForm(forms.Form):
    """Learning goals for one period from a CSV file: groep;vak;tekst[;methode]."""

    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.none())
    file = forms.FileField(
        label=_("CSV file with learning goals"),
        help_text=_(
            "One goal per line: groep;vak;tekst;methode (the method is optional). "
            "A first line with these column names is skipped."
        ),
    )

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(school=school).order_by(
            "-start_date"
        )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        data = upload.read(1024 * 1024 + 1)
        if len(data) > 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        text = decode(data)
        lines = text.splitlines()
        delimiter = ";" if lines and lines[0].count(";") >= lines[0].count(",") else ","
        goals, errors = [], []
        valid = {c[0] for c in Jaargroep.choices if c[0] != Jaargroep.COMBINATION}
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if number == 1 and cells[0].lower() in {"groep", "jaargroep"}:
                continue
            if len(cells) < 3 or not cells[1] or not cells[2]:
                errors.append(_("Line %(line)s: give groep, subject and text.") % {"line": number})
            elif cells[0] not in valid:
                errors.append(
                    _("Line %(line)s: “%(value)s” is not a groep from 1 to 8.")
                    % {"line": number, "value": cells[0]}
                )
            else:
                method = cells[3] if len(cells) > 3 else ""
                goals.append((cells[0], cells[1][:80], cells[2], method[:120]))
        if errors:
            raise forms.ValidationError(errors)
        if not goals:
            raise forms.ValidationError(_("The file has no learning goals."))
        cleaned["goals"] = goals
        return cleaned
