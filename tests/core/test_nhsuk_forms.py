"""The crispy-forms NHS.UK template pack renders every component we use."""

from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from django import forms
from django.template import Context, Template

from core.forms import Button
from core.templatetags.nhsuk import plain_input
from core.widgets import RadiosWithHints


class EveryComponentForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on your payslip")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    level = forms.ChoiceField(
        label="Level",
        choices=[("1", "One"), ("2", "Two")],
        widget=RadiosWithHints(
            hints={"1": "The first level", "2": "The second level"}, divider_before="2"
        ),
    )
    colours = forms.MultipleChoiceField(
        label="Colours",
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    region = forms.ChoiceField(label="Region", choices=[("a", "North"), ("b", "South")])
    agree = forms.BooleanField(label="I agree")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save and continue"))
        self.helper.add_input(
            Button("later", "Save and come back later", css_class="nhsuk-button--secondary")
        )


def render(form):
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form, "csrf_token": "test-token"})
    )


def test_pack_renders_text_input_with_hint():
    html = render(EveryComponentForm())
    assert '<div class="nhsuk-hint" id="id_name-hint">As on your payslip</div>' in html
    assert 'class="nhsuk-input"' in html
    assert 'aria-describedby="id_name-hint"' in html


def test_pack_renders_textarea_select_and_checkbox():
    html = render(EveryComponentForm())
    assert 'class="nhsuk-textarea"' in html
    assert 'class="nhsuk-select"' in html
    assert 'class="nhsuk-checkboxes__input" id="id_agree"' in html


def test_pack_renders_radios_with_a_hint_per_option():
    html = render(EveryComponentForm())
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Level</legend>' in html
    assert 'id="id_level_0" name="level" type="radio" value="1"' in html
    assert 'aria-describedby="id_level_0-item-hint"' in html
    assert (
        '<div class="nhsuk-hint nhsuk-radios__hint" id="id_level_0-item-hint">The first level</div>'
        in html
    )


def test_pack_renders_checkbox_group():
    html = render(EveryComponentForm())
    assert (
        'class="nhsuk-checkboxes__input" id="id_colours_1" name="colours" type="checkbox"' in html
    )


def test_pack_renders_buttons_with_modifiers():
    html = render(EveryComponentForm())
    assert (
        '<button class="nhsuk-button" data-module="nhsuk-button" type="submit" name="save"' in html
    )
    assert 'class="nhsuk-button nhsuk-button--secondary"' in html


def test_pack_error_summary_links_each_error_to_its_field():
    form = EveryComponentForm(data={"name": "", "region": "zzz"})
    html = render(form)
    assert 'class="nhsuk-error-summary"' in html
    assert '<a href="#id_name">This field is required.</a>' in html
    assert '<a href="#id_level_0">' in html  # radios: the first option
    assert '<a href="#id_region">' in html
    assert "nhsuk-form-group--error" in html
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>' in html


def test_pack_checked_values_survive_a_failed_post():
    form = EveryComponentForm(data={"level": "2", "colours": ["blue"]})
    html = render(form)
    assert 'value="2" checked' in html
    assert 'value="blue" checked' in html


def test_pack_renders_or_divider_before_the_chosen_option():
    html = render(EveryComponentForm())
    assert html.index('<div class="nhsuk-radios__divider">or</div>') < html.index('id="id_level_1"')
    assert html.index('<div class="nhsuk-radios__divider">or</div>') > html.index('id="id_level_0"')


class PlainInputsForm(forms.Form):
    name = forms.CharField(label="Name", max_length=40, help_text="As on your badge")
    email = forms.EmailField(label="Email")
    link = forms.URLField(
        label="Link",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )
    count = forms.IntegerField(label="Count", min_value=0)
    secret = forms.CharField(label="Secret", widget=forms.PasswordInput)
    version = forms.CharField(required=False, widget=forms.HiddenInput)


def input_attributes(html: str) -> dict:
    """The one <input> in ``html`` as its attributes, in any order."""
    found = []

    class Inputs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Inputs().feed(html)
    ((tag, attrs),) = found
    assert tag == "input"
    return attrs


@pytest.mark.parametrize("bound", [False, True], ids=["empty", "typed with errors"])
@pytest.mark.parametrize("name", list(PlainInputsForm.base_fields))
def test_plain_input_writes_what_djangos_widget_template_writes(name, bound):
    data = {"name": "x" * 41, "email": "not <an> email", "link": 'a"b', "count": "-1"}
    form = PlainInputsForm(data if bound else None, initial={"version": "7"})
    form.is_valid()
    field = form[name]
    extra = {"class": "nhsuk-input", "aria-describedby": "hint"}
    assert input_attributes(plain_input(field, extra)) == input_attributes(
        field.as_widget(attrs=extra)
    )
    assert input_attributes(plain_input(field)) == input_attributes(field.as_widget())
