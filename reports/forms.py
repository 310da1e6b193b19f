"""The digital lead's cover sheet for the board paper, and what programme staff ask of
the national view."""

from crispy_forms.helper import FormHelper
from django import forms

from core.forms import Button, date_field, text_field
from reports.models import CoverPurpose, CoverSheet
from reports.programme import Filters, sort_keys
from trusts.models import Region, TrustType


class CoverSheetForm(forms.Form):
    meeting = text_field(
        CoverSheet,
        "meeting",
        label="Meeting",
        help_text="For example, Trust board (held in public)",
        required="Enter the meeting the paper goes to",
    )
    meeting_date = date_field(
        "Date of the meeting", invalid="Enter the date of the meeting as a real date"
    )
    agenda_item = text_field(
        CoverSheet, "agenda_item", label="Agenda item (optional)", help_text="For example, 7.2"
    )
    executive_sponsor = text_field(
        CoverSheet,
        "executive_sponsor",
        label="Executive sponsor (optional)",
        help_text="The executive director who presents the paper, with their role",
    )
    author = text_field(
        CoverSheet,
        "author",
        label="Author (optional)",
        help_text="Leave blank to show the trust's digital leads",
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=CoverPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the paper's purpose"},
    )
    recommendation = text_field(
        CoverSheet,
        "recommendation",
        label="Recommendation (optional)",
        help_text="What the board is asked to do, in the trust's own words",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    previous_considerations = text_field(
        CoverSheet,
        "previous_considerations",
        label="Previously considered by (optional)",
        help_text="For example, Digital committee, 14 November 2026",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    strategy_title = text_field(
        CoverSheet,
        "strategy_title",
        label="Trust strategy the paper supports (optional)",
        help_text="For example, Digital strategy 2025 to 2030",
    )
    strategy_url = forms.URLField(
        label="Web address of the strategy (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the web address of the strategy, like https://..."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("purpose", CoverPurpose.ASSURANCE)
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save the cover sheet"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("strategy_title") and not cleaned.get("strategy_url"):
            self.add_error(
                "strategy_url", "Enter the web address of the strategy, or clear its name"
            )
        return cleaned


class NationalQuery(forms.Form):
    """The national view's query string: filters, sort order, the principle whose spread is
    shown and the trust whose trend is asked for. These come from links and a GET form, so
    a value that is not understood (an old link, a principle the quarter's framework does
    not have) falls back to the default rather than stopping the page."""

    region = forms.ChoiceField(choices=Region.choices, required=False)
    icb = forms.CharField(max_length=5, required=False)
    type = forms.ChoiceField(choices=TrustType.choices, required=False)
    sort = forms.ChoiceField(required=False)
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    principle = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    trust = forms.CharField(max_length=200, required=False)

    def __init__(self, data, *, numbers: tuple[int, ...] = ()):
        super().__init__(data)
        self.numbers = numbers
        self.fields["principle"].choices = [(n, str(n)) for n in numbers]
        self.fields["sort"].choices = [(key, key) for key in sort_keys(numbers)]
        self.is_valid()  # what is not understood is left out of cleaned_data

    def _value(self, name: str, default):
        return self.cleaned_data.get(name) or default

    @property
    def filters(self) -> Filters:
        return Filters(
            region=self._value("region", ""),
            icb=self._value("icb", "").strip().upper(),
            trust_type=self._value("type", ""),
        )

    @property
    def sort_by(self) -> str:
        return self._value("sort", "name")

    @property
    def descending(self) -> bool:
        return self.cleaned_data.get("order") == "desc"

    @property
    def shown_principle(self) -> int | None:
        return self._value("principle", self.numbers[0] if self.numbers else None)

    @property
    def typed_trust(self) -> str:
        return self._value("trust", "")
