"""Template helpers that render Django form fields as NHS.UK design system components.

Radios, checkboxes, textareas and plain inputs are prepared here rather than through
Django's widget templates: the questionnaire renders dozens of options and controls per
page, and this keeps its page within a small multiple of a bare view
(bench/questionnaire.py).
"""

from functools import lru_cache
from html import escape

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.widgets import DayMonthYear

register = template.Library()


DATE_BOXES = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


@register.filter
def date_boxes(field: BoundField) -> list[tuple[str, str, int, str]]:
    """Each box of an NHS.UK date input (part, label, width) with what it shows: the
    value, or what was typed."""
    parts = DayMonthYear.parts(field.value())
    return [(part, label, width, parts[part]) for part, label, width in DATE_BOXES]


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
    if isinstance(widget, DayMonthYear):
        return "date"
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
    if component(field) == "date":
        return f"{field.auto_id}_day"
    return field.auto_id


@register.filter
def described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


# Widgets whose HTML is one <input> with its attributes, written by ``plain_input``.
PLAIN_INPUTS = (
    forms.TextInput,
    forms.EmailInput,
    forms.URLInput,
    forms.NumberInput,
    forms.PasswordInput,
    forms.HiddenInput,
)


@register.simple_tag
def plain_input(field: BoundField, attrs: dict | None = None) -> str:
    """What ``field.as_widget(attrs=attrs)`` writes for a one-<input> widget, without its
    template: the same attributes (Django's own, the widget's and ``attrs``) and value.
    Any other widget, one given a template of its own, or a localised field goes through
    Django."""
    widget = field.field.widget
    own_template = widget.template_name != type(widget).template_name
    if type(widget) not in PLAIN_INPUTS or own_template or field.field.localize:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(dict(attrs or {}), widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        flatatt(context["attrs"]),
    )


@register.simple_tag
def nhsuk_control(field: BoundField):
    """Renders a text input, textarea or select with the NHS.UK classes and ARIA links."""
    kind = component(field)
    if kind == "hidden":
        return plain_input(field)
    base, error = WIDGET_CLASSES[kind]
    classes = " ".join(
        filter(
            None, [base, field.field.widget.attrs.get("class", ""), error if field.errors else ""]
        )
    )
    describedby = described_by(field)
    if kind == "textarea":
        # No maxlength: a browser would cut pasted text short without a word; the form's
        # own error keeps every character typed.
        return format_html(
            '<textarea class="{}" id="{}" name="{}" rows="{}"{}>\n{}</textarea>',
            classes,
            field.auto_id,
            field.html_name,
            field.field.widget.attrs.get("rows", 5),
            format_html(' aria-describedby="{}"', describedby) if describedby else "",
            field.value() or "",
        )
    attrs = {"class": classes}
    if describedby:
        attrs["aria-describedby"] = describedby
    return plain_input(field, attrs)


@register.simple_tag
def nhsuk_choice_items(field: BoundField, kind: str):
    """The items of a group of radios or checkboxes (``kind``), each with its hint and an
    "or" divider before the widget's ``divider_before`` value, as in NHS.UK frontend."""
    widget = field.field.widget
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    items = _choice_items(
        kind,
        field.auto_id,
        field.html_name,
        tuple((str(choice), str(label)) for choice, label in field.field.choices),
        tuple(getattr(widget, "hints", {}).items()),
        getattr(widget, "divider_before", ""),
    )
    return mark_safe(
        "\n".join(
            before + (" checked" if choice in chosen else "") + after
            for choice, before, after in items
        )
    )


@lru_cache(maxsize=4096)
def _choice_items(kind, auto_id, name, choices, hints, divider) -> tuple[tuple[str, str, str]]:
    """Each option's markup either side of where " checked" goes. The questions of a
    framework version never change, so this is worked out once per process."""
    hints = dict(hints)
    input_type = "radio" if kind == "radios" else "checkbox"
    items = []
    for index, (choice, label) in enumerate(choices):
        option_id = f"{auto_id}_{index}"
        hint = hints.get(choice, "")
        divider_html = (
            format_html('<div class="nhsuk-{}__divider">or</div>\n', kind)
            if divider and choice == divider
            else ""
        )
        before = format_html(
            '{}<div class="nhsuk-{}__item"><input class="nhsuk-{}__input" id="{}" name="{}" '
            'type="{}" value="{}"',
            divider_html,
            kind,
            kind,
            option_id,
            name,
            input_type,
            choice,
        )
        after = format_html(
            '{}><label class="nhsuk-label nhsuk-{}__label" for="{}">{}</label>{}</div>',
            format_html(' aria-describedby="{}-item-hint"', option_id) if hint else "",
            kind,
            option_id,
            label,
            format_html(
                '<div class="nhsuk-hint nhsuk-{}__hint" id="{}-item-hint">{}</div>',
                kind,
                option_id,
                hint,
            )
            if hint
            else "",
        )
        items.append((choice, str(before), str(after)))
    return tuple(items)


@register.filter
def css_string(value) -> str:
    """Text made safe to sit inside a double-quoted CSS string (the PDF's running header).

    Marked safe once escaped for CSS: inside <style> HTML entities are not decoded, so
    HTML-escaping it as well would print "&amp;" in the header. "<" is escaped for CSS, so
    the text cannot close the style element."""
    text = str(value)
    for character, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", " "), ("<", "\\3c ")):
        text = text.replace(character, escaped)
    return mark_safe(text)


@register.simple_tag
def options(choices, selected="") -> str:
    """A select's or a datalist's options, escaped, in one go: ``choices`` are (value,
    label) pairs, or plain values (a datalist's suggestions, which need no label). A long
    list (every trust's name) costs a template loop more than the page's figures, and
    Django's ``escape`` (the standard library's behind a wrapper for lazy text) more than
    the escaping itself."""
    parts = []
    for choice in choices:
        value, label = choice if isinstance(choice, tuple) else (choice, "")
        chosen = " selected" if str(value) == str(selected) and selected != "" else ""
        parts.append(f'<option value="{escape(str(value))}"{chosen}>{escape(str(label))}</option>')
    return mark_safe("".join(parts))
