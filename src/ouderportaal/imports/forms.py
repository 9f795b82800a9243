from django import forms
from django.utils.translation import gettext_lazy as _

from ouderportaal.imports.models import ImportRun
from ouderportaal.imports.services import max_upload_bytes


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you import?"),
        choices=ImportRun.Kind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An EDEXML export (.xml) of the administration, or the CSV file with parents "
            "and guardians. Nothing changes until you have seen the preview and confirmed it."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": max_upload_bytes() // 2**20}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
