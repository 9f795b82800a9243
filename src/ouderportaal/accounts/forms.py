from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ouderportaal.accounts import usernames
from ouderportaal.accounts.models import SchoolAccountSettings, email_key


class LoginForm(AuthenticationForm):
    """The login form, with the help desk's words for a wrong combination."""

    error_messages = {
        "invalid_login": _(
            "Invalid combination of username and password. Note: the username and the "
            "password are case-sensitive."
        ),
        "inactive": _("This account has been switched off. Contact the school."),
    }
    locked_message = None

    def clean(self):
        if self.locked_message:
            raise forms.ValidationError(self.locked_message, code="locked")
        # Spaces around the username (often copied along from the mail) are dropped by
        # the field itself; capitals must match exactly.
        return super().clean()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password", "data-capslock": "warn"}
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


def _password_widget(autocomplete="new-password"):
    return forms.PasswordInput(attrs={"autocomplete": autocomplete, "data-capslock": "warn"})


class SetPasswordForm(DjangoSetPasswordForm):
    """Choose a password: twice, checked on length and against common passwords."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].widget = _password_widget()
        self.fields["new_password1"].help_text = _(
            "At least 15 characters (12 when you also log in with a code from an app). A "
            "sentence of a few words is easy to remember and hard to guess. Capitals, digits "
            "or symbols are not required; any letter or sign counts, spaces too."
        )
        self.fields["new_password2"].label = _("Repeat the new password")
        self.fields["new_password2"].widget = _password_widget()


class PasswordChangeForm(DjangoPasswordChangeForm, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["old_password"].widget = _password_widget("current-password")


class ForgotPasswordForm(forms.Form):
    login = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class ForgotUsernameForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of your account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class UsernameForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["username"]
        labels = {"username": _("Username")}
        help_texts = {
            "username": _(
                "Letters, digits and . _ - + @ only, at most 150 characters. Capitals count "
                "when you log in."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )
        # Our own clear message below replaces the model field's technical one.
        self.fields["username"].validators = [
            v for v in self.fields["username"].validators if not isinstance(v, RegexValidator)
        ]

    def clean_username(self):
        username = usernames.normalise(self.cleaned_data["username"])
        refused = usernames.refused_characters(username)
        if refused:
            raise forms.ValidationError(
                _(
                    "A username cannot contain %(characters)s. Use only letters, digits and "
                    "the signs . _ - + @ (no spaces)."
                )
                % {"characters": ", ".join(usernames.describe(c) for c in refused)},
                code="refused_characters",
            )
        if len(username) < 3:
            raise forms.ValidationError(_("A username has at least 3 characters."))
        others = get_user_model().objects.exclude(pk=self.instance.pk)
        if others.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("This username is already in use (capitals do not make a difference here).")
            )
        if others.filter(username_skeleton=usernames.skeleton(username)).exists():
            raise forms.ValidationError(
                _(
                    "This username looks too much like a username that is already in use (for "
                    "example a capital I and a small l, or a letter from another alphabet "
                    "that looks the same). Choose another one."
                ),
                code="confusable",
            )
        return username


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=_password_widget("current-password")
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password


class RecoveryAddressForm(forms.Form):
    """A new address for password resets and notices, with the current password."""

    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"), widget=_password_widget("current-password")
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        address = self.cleaned_data["email"].strip()
        if email_key(address) == self.user.email_key:
            raise forms.ValidationError(_("This is already the e-mail address of your account."))
        return address

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password


class LinkValidityForm(forms.ModelForm):
    class Meta:
        model = SchoolAccountSettings
        fields = ["link_valid_days"]
        help_texts = {
            "link_valid_days": _("How long the link in an account mail works: 1 to 60 days.")
        }


class PasskeyForm(forms.Form):
    """Adding a passkey: a name for the device, and the browser's answer (by script)."""

    name = forms.CharField(
        label=_("Name of this device"),
        max_length=60,
        help_text=_("So that you can tell your passkeys apart, for example “iPhone Jan”."),
    )
    credential = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)
