from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation

from core.forms import Button, limit_of, text_field
from trusts.models import Invitation, SeatGroup, User


class InviteForm(forms.Form):
    full_name = text_field(
        Invitation,
        "full_name",
        label="Full name",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        required="Enter the board member's full name",
    )
    email = forms.EmailField(
        label="Email address",
        max_length=limit_of(Invitation, "email"),
        help_text="They will be emailed a link to set their password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the board member's email address",
            "invalid": "Enter an email address like name@nhs.net",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
    )
    seat_group = forms.ChoiceField(
        label="Seat on the board",
        choices=SeatGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose executive or non-executive"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("invite", "Add board member"))


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(
        label="Create a password",
        help_text="At least 8 characters, not a common password, not all numbers.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Create a password"},
    )
    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"},
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.helper = FormHelper()
        self.helper.add_input(Button("accept", "Set password and sign in"))

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The passwords do not match")
        elif password:
            person = User(email=self.invitation.email, full_name=self.invitation.full_name)
            try:
                password_validation.validate_password(password, person)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned
