from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ouderportaal.helpdesk.defaults import TOPIC_SLUGS
from ouderportaal.helpdesk.models import AppointmentRequest, Document, HelpPage, SchoolRules
from ouderportaal.helpdesk.uploads import check_upload

FORMAT_HELP = _(
    "Start a line with ## for a heading and with - for a list. Write **bold** for bold "
    "text and [text](https://…) for a link. An empty line starts a new paragraph."
)
FORM_SALT = "helpdesk.cannot-log-in"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class HelpPageForm(forms.ModelForm):
    class Meta:
        model = HelpPage
        fields = ["title", "slug", "language", "order", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}
        help_texts = {
            "body": FORMAT_HELP,
            "slug": _("Lower-case letters, digits and hyphens, for example: school-trip."),
            "order": _("Pages with a lower number come first."),
        }

    def __init__(self, *args, school, fixed_topic: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school
        if fixed_topic:
            # Editing a built-in topic: its address and language stay as they are.
            del self.fields["slug"]
            del self.fields["language"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in TOPIC_SLUGS:
            raise ValidationError(
                _("This is the address of a standard topic. Edit that topic instead.")
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug", self.instance.slug)
        language = cleaned.get("language", self.instance.language)
        taken = HelpPage.objects.filter(school=self.school, slug=slug, language=language)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if slug and taken.exists():
            self.add_error("slug", _("Your school already has a page with this address."))
        return cleaned


class RulesForm(forms.ModelForm):
    class Meta:
        model = SchoolRules
        fields = ["title", "body", "ask_to_read"]
        widgets = {"body": forms.Textarea(attrs={"rows": 22})}
        help_texts = {"body": FORMAT_HELP}


class DocumentUploadForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "description", "audience", "order", "file"]
        widgets = {"audience": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.pptx,.docx,.xlsx,.png,.jpg,.jpeg"
        self.kind = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = check_upload(upload)
        return upload


class DocumentEditForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "description", "audience", "order"]
        widgets = {"audience": forms.RadioSelect}


class AppointmentForm(forms.ModelForm):
    class Meta:
        model = AppointmentRequest
        fields = ["subject", "preferred_times"]


class AppointmentAnswerForm(forms.ModelForm):
    class Meta:
        model = AppointmentRequest
        fields = ["proposed_time", "answer"]
        widgets = {
            "proposed_time": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "answer": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "proposed_time": _("Leave empty if you answer without proposing a time."),
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("proposed_time") and not (cleaned.get("answer") or "").strip():
            raise ValidationError(_("Propose a time, write an answer, or both."))
        return cleaned


def min_fill_seconds() -> int:
    return getattr(settings, "HELPDESK_FORM_MIN_SECONDS", 3)


class CannotLogInForm(forms.Form):
    """The "I cannot log in" form. Two quiet checks against automated use: a field that
    people do not see (it must stay empty) and a signed time, since a person needs at
    least a few seconds to fill in the form."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The school answers at this address."),
    )
    children = forms.CharField(
        label=_("Name and group of your child or children"), max_length=200, required=False
    )
    message = forms.CharField(
        label=_("What goes wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example the message you see. Never write your password here."),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=FORM_SALT).sign(str(time.time()))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(_("The form could not be sent. Please try again."))
        signer = signing.TimestampSigner(salt=FORM_SALT)
        try:
            started = float(signer.unsign(self.data.get("started", ""), max_age=2 * 3600))
        except (signing.BadSignature, ValueError):
            raise ValidationError(_("The form has expired. Please fill it in again.")) from None
        if time.time() - started < min_fill_seconds():
            raise ValidationError(_("That was very fast. Please check the form and send it again."))
        return cleaned
