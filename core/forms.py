from crispy_forms.layout import BaseInput
from django import forms


class Button(BaseInput):
    """An NHS.UK button for a crispy form helper; ``css_class`` adds modifiers such as
    ``nhsuk-button--secondary``."""

    input_type = "submit"
    field_classes = ""


def date_field(
    label: str, *, invalid: str, required: str = "", help_text: str = ""
) -> forms.DateField:
    """A date typed into the browser's date input; ``required`` is the message when it is
    left blank (no message: the date is optional)."""
    messages = {"invalid": invalid}
    if required:
        messages["required"] = required
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=bool(required),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=messages,
    )
