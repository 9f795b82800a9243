from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ouderportaal.changerequests.fields import MAX_LENGTHS, STUDENT_FIELDS, normalize
from ouderportaal.changerequests.models import RequestSettings

WIDGETS = {
    "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
    "house_number": forms.TextInput(attrs={"inputmode": "text", "size": 8}),
    "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "size": 8}),
    "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
    "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    "phone_mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    "phone_home": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    "email": forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
}
MAX_NOTE = 500
MAX_RANGE_DAYS = 92


class ProposeForm(forms.Form):
    """The current values, filled in; the parent changes what is wrong."""

    note = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: we move on 1 March."),
    )

    def __init__(self, *args, target, fields: dict, **kwargs):
        self.target = target
        self.field_names = list(fields)
        initial = {name: getattr(target, name) or "" for name in fields}
        super().__init__(*args, initial=initial, **kwargs)
        note = self.fields.pop("note")
        for name, label in fields.items():
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=MAX_LENGTHS[name],
                widget=WIDGETS[name],
                strip=True,
            )
        self.fields["note"] = note

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name in self.field_names:
            try:
                cleaned[name] = normalize(name, cleaned.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        if self.errors:
            return cleaned
        changes = {
            name: cleaned[name]
            for name in self.field_names
            if cleaned[name] != (getattr(self.target, name) or "")
        }
        if not changes:
            raise ValidationError(
                _("You have not changed anything. Change the data that are wrong."),
                code="unchanged",
            )
        cleaned["changes"] = changes
        return cleaned


class WithdrawForm(forms.Form):
    pass


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the parent"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you reject the request or leave out a change. The parent reads this."
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f, f) for f in fields]
        self.fields["accept"] = forms.MultipleChoiceField(choices=choices, required=False)
        self.fields["overwrite"] = forms.MultipleChoiceField(choices=choices, required=False)
        self.fields["action"] = forms.ChoiceField(
            choices=[("accept", "accept"), ("reject", "reject")]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject":
            cleaned["accept"] = []
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Give the parent a reason for the rejection."))
        elif cleaned.get("action") == "accept" and not cleaned.get("accept"):
            raise ValidationError(
                _("Tick the changes you accept, or reject the request with a reason.")
            )
        return cleaned


class ClosureDayForm(forms.Form):
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=_("Last day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a single day."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=100, help_text=_("For example: study day.")
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day cannot be before the first day."))
            elif (last - first) > timedelta(days=MAX_RANGE_DAYS):
                self.add_error("last_day", _("Enter at most three months at a time."))
        return cleaned


class ClosureRemoveForm(forms.Form):
    first_day = forms.DateField()
    last_day = forms.DateField()


class SettingsForm(forms.ModelForm):
    student_fields = forms.MultipleChoiceField(
        label=_("Pupil data parents may propose changes to"),
        choices=list(STUDENT_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = RequestSettings
        fields = ["student_fields", "summary_enabled", "summary_email"]
