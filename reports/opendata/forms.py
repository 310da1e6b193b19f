"""Publishing has nothing to fill in: the form is there for its error summary, which
sends the person to the button when the quarter cannot be published."""

from django import forms


class PublishForm(forms.Form):
    non_field_anchor = "publish"
