import copy

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import self_service, two_factor
from accounts.models import ApiToken
from accounts.tokens import EXPIRY_DAYS
from core.forms import Button, limit_of, text_field
from core.mail import absolute, send
from trusts.models import User, normalise_email


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
    """An authenticator being set up: the person's name for it, and a code it shows.
    ``adding``: the person already has one (the button says so)."""

    name = text_field(
        TOTPDevice,
        "name",
        label="Name this authenticator",
        help_text="So that you can tell your authenticators apart, such as “Work phone”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        required="Enter a name for this authenticator",
    )
    field_order = ["name", "code"]

    def __init__(self, *args, user, adding: bool = False, **kwargs):
        button = "Add authenticator" if adding else "Turn on two-factor authentication"
        super().__init__(*args, button=button, **kwargs)
        self.user = user
        self.fields["code"].help_text = "The 6-digit code the app shows for Quarterdeck."

    def clean_name(self):
        name = self.cleaned_data["name"]
        problem = two_factor.name_problem(self.user, name)
        if problem:
            raise forms.ValidationError(problem)
        return name


class ConfirmIdentityForm(forms.Form):
    """ "Confirm it's you": the password and, for someone with two-factor, a code. The view
    checks them (accounts.self_service.identity_problems)."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["code"] = copy.deepcopy(CodeForm.base_fields["code"])
        self.helper = _helper("confirm", "Continue")
        self.helper.form_tag = False  # the page's form carries where to go next


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        max_length=limit_of(User, "email"),
        help_text="We will email a link to this address. The change happens when you open it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address like name@nhs.net",
            "max_length": f"Keep it to {limit_of(User, 'email')} characters or fewer",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = _helper("send", "Send me a link")

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        problem = self_service.email_problem(self.user, email)
        if problem:
            raise forms.ValidationError(problem)
        return email


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
