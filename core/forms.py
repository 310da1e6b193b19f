import datetime
import re

from crispy_forms.layout import BaseInput
from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from core.widgets import DayMonthYear

# The dates the service deals in: a board meeting, an action's due date, a quarter's days.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)
# Characters that show nothing: zero-width spaces and joiners, marks and the BOM.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")


class Button(BaseInput):
    """An NHS.UK button for a crispy form helper; ``css_class`` adds modifiers such as
    ``nhsuk-button--secondary``."""

    input_type = "submit"
    field_classes = ""


def limit_of(model: type[models.Model], name: str) -> int:
    """The most characters a model field takes (its max_length or MaxLengthValidator), so
    a form field and its column cannot drift apart."""
    field = model._meta.get_field(name)
    if getattr(field, "max_length", None):
        return field.max_length
    return next(v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator))


class TextField(forms.CharField):
    """Text a person types: characters that show nothing are taken out, so a title of one
    zero-width space is "blank", and the length is checked on what is left."""

    def to_python(self, value):
        value = super().to_python(value)
        return INVISIBLE.sub("", value).strip() if self.strip else INVISIBLE.sub("", value)


def text_field(
    model: type[models.Model], name: str, *, label: str, required: str = "", **kwargs
) -> TextField:
    """A text field limited as the model's column is; ``required`` is the message when it
    is left blank (no message: optional). The message for too long is written here."""
    limit = limit_of(model, name)
    messages = {"max_length": f"Keep it to {limit:,} characters or fewer"}
    if required:
        messages["required"] = required
    messages.update(kwargs.pop("error_messages", {}))
    return TextField(
        label=label, max_length=limit, required=bool(required), error_messages=messages, **kwargs
    )


def date_field(
    label: str, *, invalid: str, required: str = "", help_text: str = ""
) -> forms.DateField:
    """A date typed as day, month and year (the NHS.UK date input), between 2000 and 2099;
    ``required`` is the message when it is left blank (no message: the date is optional)."""
    messages = {"invalid": invalid}
    if required:
        messages["required"] = required
    field = forms.DateField(
        label=label,
        help_text=help_text,
        required=bool(required),
        widget=DayMonthYear(),
        error_messages=messages,
    )
    field.validators.append(_within_our_dates)
    return field


def _within_our_dates(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(
            f"Enter a date between {EARLIEST_DATE:%-d %B %Y} and {LATEST_DATE:%-d %B %Y}"
        )
