"""Template helpers that render Django form fields as NHS.UK design system components."""

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()

WIDGET_CLASSES = {
    "input": ("nhsuk-input", "nhsuk-input--error"),
    "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
    "select": ("nhsuk-select", "nhsuk-select--error"),
}


@register.filter
def component(field: BoundField) -> str:
    """Which NHS.UK component renders this field."""
    widget = field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if widget.is_hidden:
        return "hidden"
    return "input"


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id an error summary link points at: the first option of a group of radios or
    checkboxes, the control itself otherwise."""
    if component(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def nhsuk_control(field: BoundField):
    """Renders a text input, textarea or select with the NHS.UK classes and ARIA links."""
    base, error = WIDGET_CLASSES[component(field)]
    classes = [base, field.field.widget.attrs.get("class", "")]
    if field.errors:
        classes.append(error)
    attrs = {"class": " ".join(filter(None, classes))}
    if describedby := described_by(field):
        attrs["aria-describedby"] = describedby
    return field.as_widget(attrs=attrs)
