"""What programme staff ask of the national view."""

from django import forms

from reports.national.queries import Filters, sort_keys
from trusts.models import Region, TrustType


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
