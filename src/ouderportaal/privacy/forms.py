from django import forms

from ouderportaal.privacy.models import PrivacySettings


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = ["show_staff_names", "pupil_years", "log_months", "officer_name", "officer_email"]
