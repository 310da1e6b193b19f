from crispy_forms.layout import BaseInput


class Button(BaseInput):
    """An NHS.UK button for a crispy form helper; ``css_class`` adds modifiers such as
    ``nhsuk-button--secondary``."""

    input_type = "submit"
    field_classes = ""
