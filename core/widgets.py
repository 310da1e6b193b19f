from django import forms


class RadiosWithHints(forms.RadioSelect):
    """NHS.UK radios with a hint under each option and an optional "or" divider before
    one of them (``divider_before``), rendered by templates/nhsuk/components/choices.html."""

    def __init__(self, *args, hints: dict[str, str] | None = None, divider_before: str = "", **kw):
        super().__init__(*args, **kw)
        self.hints = hints or {}
        self.divider_before = divider_before

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["hint"] = self.hints.get(str(value), "")
        option["divider_before"] = bool(self.divider_before) and str(value) == self.divider_before
        return option
