from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderportaal.notifications.models import Kind, Mode
from ouderportaal.notifications.services import EARLIEST_DIGEST, LATEST_DIGEST


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Mail me about"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mode = forms.ChoiceField(label=_("When"), choices=Mode.choices, widget=forms.RadioSelect)
    digest_time = forms.TimeField(
        label=_("Time of the daily mail"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_start = forms.TimeField(
        label=_("No mail from"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("No mail until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class SchoolSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Parents get a mail about"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Decided change requests and answers to appointment requests are always mailed "
            "by those parts of the portal themselves; here they are only listed as new."
        ),
    )
    default_mode = forms.ChoiceField(
        label=_("Default for parents"), choices=Mode.choices, widget=forms.RadioSelect
    )
    default_digest_time = forms.TimeField(
        label=_("Default time of the daily mail"),
        help_text=_("Between 07:00 and 21:00."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean_default_digest_time(self):
        value = self.cleaned_data["default_digest_time"]
        if not EARLIEST_DIGEST <= value <= LATEST_DIGEST:
            raise forms.ValidationError(_("Choose a time between 07:00 and 21:00."))
        return value
