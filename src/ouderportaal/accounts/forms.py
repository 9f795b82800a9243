from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form, with the help desk's words for a wrong combination."""

    error_messages = {
        "invalid_login": _(
            "Invalid combination of username and password. Note: the username and the "
            "password are case-sensitive."
        ),
        "inactive": _("This account has been switched off. Contact the school."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )
