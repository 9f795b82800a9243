from django import forms
from django.utils.translation import gettext_lazy as _


class StudentSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    group = forms.ChoiceField(label=_("Group"), required=False)
    include_left = forms.BooleanField(label=_("Also pupils who left"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All groups"))] + [
            (str(g.pk), g.name) for g in groups
        ]
