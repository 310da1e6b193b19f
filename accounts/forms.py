from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import EXPIRY_DAYS
from core.forms import Button, text_field
from core.mail import absolute, send


def _helper(button: str, label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Button(button, label))
    return helper


class SignInForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter the email address and password of your Quarterdeck account.",
        "inactive": "This account has been closed. Ask your trust's digital lead for help.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.add_input(Button("sign-in", "Sign in"))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "nhsuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args, button: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("verify", button)


class SetUpCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, button="Turn on two-factor authentication", **kwargs)
        self.fields["code"].help_text = "The 6-digit code the app shows for Quarterdeck."


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for the email address; the email goes through the app's outbox."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@nhs.net",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("send", "Send me a link")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        link = absolute(
            reverse(
                "accounts:password-reset-confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            )
        )
        send(
            to=to_email,
            template="accounts/email/password_reset.txt",
            context={"user": context["user"], "link": link},
            about=context["user"],
        )


class _NewPasswordFields:
    """The labels and messages of the two new-password fields."""

    def name_fields(self):
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 8 characters, not a common password, not all numbers."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Type the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The passwords do not match",
        }


class SetPasswordForm(_NewPasswordFields, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_fields()
        self.helper = _helper("save", "Save password")


class PasswordChangeForm(_NewPasswordFields, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_fields()
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "The current password is not right",
        }
        self.helper = _helper("save", "Change password")


class ApiTokenForm(forms.Form):
    """A new API token: what to call it and how long it works. Its page lays it out (the
    error summary goes at the top of the page, above the person's tokens)."""

    name = text_field(
        ApiToken,
        "name",
        label="Name",
        help_text="So that you can tell your tokens apart: what will use it, such as "
        "“Regional dashboard”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        required="Enter a name for the token",
    )
    expires_days = forms.TypedChoiceField(
        label="How long it works",
        coerce=int,
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        initial=90,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long the token works",
            "invalid_choice": "Choose how long the token works",
        },
    )
