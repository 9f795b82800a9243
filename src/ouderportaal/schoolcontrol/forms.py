from django import forms
from django.utils.translation import gettext_lazy as _

from ouderportaal.core.models import Group
from ouderportaal.schoolcontrol.models import ClosedPeriod, Moment, Release
from ouderportaal.schoolcontrol.modules import ALL_MODULES, MODULE_HELP, MODULE_LABELS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        **kwargs,
    )


class ModulesForm(forms.Form):
    """One checkbox per module: checked is open for parents."""

    def __init__(self, *args, open_modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        for module in ALL_MODULES:
            self.fields[module] = forms.BooleanField(
                label=MODULE_LABELS[module],
                help_text=MODULE_HELP[module],
                required=False,
                initial=module in open_modules,
            )

    def open_modules(self) -> set[str]:
        return {m for m in ALL_MODULES if self.cleaned_data.get(m)}


class ClosedPeriodForm(forms.ModelForm):
    starts_at = datetime_field(_("Closed from"))
    ends_at = datetime_field(
        _("Open again at"),
        help_text=_("Results entered in between become visible to parents at this moment."),
    )
    whole_portal = forms.TypedChoiceField(
        label=_("What is closed"),
        choices=[("1", _("The whole portal")), ("0", _("Only the modules chosen below"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    modules = forms.MultipleChoiceField(
        label=_("Modules"),
        choices=[(m, MODULE_LABELS[m]) for m in ALL_MODULES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ClosedPeriod
        fields = ["starts_at", "ends_at", "whole_portal", "modules", "message"]
        labels = {"message": _("Message for parents")}
        help_texts = {
            "message": _(
                "In your own words. Parents see this text instead of the portal, with the "
                "date and time it opens again."
            )
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["whole_portal"] = "1" if self.instance.whole_portal else "0"

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The portal must open again after it closes."))
        if data.get("whole_portal") is False and not data.get("modules"):
            self.add_error("modules", _("Choose at least one module, or close the whole portal."))
        if data.get("whole_portal"):
            data["modules"] = []
        return data


class ReleaseForm(forms.Form):
    """Mark a Cito moment for release with the report, for the school or per group."""

    school_year = forms.ModelChoiceField(label=_("School year"), queryset=None, empty_label=None)
    moment = forms.ChoiceField(label=_("Test moment"), choices=Moment.choices)
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave empty to release for the whole school at once. Choose groups for a "
            "separate report day per group."
        ),
    )
    release_at = datetime_field(_("Visible to parents from"))
    announce = forms.BooleanField(
        label=_("Tell parents the date"),
        required=False,
        initial=True,
        help_text=_('Parents see "New results are visible from <date>" until then.'),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        years = school.school_years.order_by("-start_date")
        self.fields["school_year"].queryset = years
        current = school.current_school_year()
        if current is not None:
            self.fields["school_year"].initial = current.pk
        self.fields["groups"].queryset = (
            Group.objects.filter(school=school)
            .select_related("school_year")
            .order_by("-school_year__start_date", "name")
        )
        self.fields["groups"].label_from_instance = lambda g: f"{g.name} ({g.school_year.label})"

    def clean(self):
        data = super().clean()
        year, moment = data.get("school_year"), data.get("moment")
        if not year or not moment:
            return data
        groups = list(data.get("groups") or [])
        wrong_year = [g.name for g in groups if g.school_year_id != year.pk]
        if wrong_year:
            self.add_error(
                "groups",
                _("These groups belong to another school year: %(groups)s.")
                % {"groups": ", ".join(wrong_year)},
            )
            return data
        existing = Release.objects.filter(school=self.school, school_year=year, moment=moment)
        if not groups and existing.filter(group__isnull=True).exists():
            self.add_error(
                None,
                _("This moment already has a release date for the whole school. Change that one."),
            )
        taken = sorted(existing.filter(group__in=groups).values_list("group__name", flat=True))
        if taken:
            self.add_error(
                "groups",
                _("These groups already have a release date for this moment: %(groups)s.")
                % {"groups": ", ".join(taken)},
            )
        return data


class ReleaseChangeForm(forms.ModelForm):
    release_at = datetime_field(_("Visible to parents from"))

    class Meta:
        model = Release
        fields = ["release_at", "announce"]
        labels = {"announce": _("Tell parents the date")}


class PreviewForm(forms.Form):
    at = datetime_field(
        _("As the portal looks at"),
        required=False,
        help_text=_("Leave empty for now. Choose a later moment to see what a release will show."),
    )


class PreviewPupilForm(forms.Form):
    """Which parent with gezag, and at which moment, the pupil's pages are shown as."""

    ouder = forms.TypedChoiceField(
        label=_("As parent"), coerce=int, widget=forms.RadioSelect, required=True
    )
    at = datetime_field(
        _("As the portal looks at"),
        required=False,
        help_text=_("Leave empty for now. Choose a later moment to see what a release will show."),
    )

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ouder"].choices = [(parent.pk, parent.full_name) for parent in parents]
        if parents:
            self.fields["ouder"].initial = parents[0].pk


class GuardianSearchForm(forms.Form):
    q = forms.CharField(label=_("Name of the parent or pupil"), required=False, max_length=100)


class BrandingForm(forms.Form):
    """The school's accent colour and logo (checked in core/branding.py)."""

    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        required=False,
        help_text=_(
            "A hex code such as #1d4f91, used for the top bar, buttons and links. White "
            "text must be easy to read on it; a colour that is too light is refused with a "
            "darker shade that works. Empty: the portal's own blue."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 8}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "A PNG, JPEG or WebP image of at most 2 MB, preferably square. It is shown in "
            "the top bar, on the login page, in mail and as the icon on a phone's home screen."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_accent_colour(self):
        from ouderportaal.core.branding import check_accent

        value = self.cleaned_data["accent_colour"].strip()
        if not value:
            return ""
        colour, reason = check_accent(value)
        if colour is None:
            raise forms.ValidationError(reason)
        return colour

    def clean_logo(self):
        from ouderportaal.core.branding import LOGO_MAX_MB, LogoRefused, normalised_logo

        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(_("The logo may be at most 2 MB."))
        try:
            return normalised_logo(upload)
        except LogoRefused as refused:
            raise forms.ValidationError(str(refused)) from None
