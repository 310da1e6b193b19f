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


class DayMonthYear(forms.Widget):
    """The NHS.UK date input: day, month and year typed into three boxes, rendered by
    templates/nhsuk/components/date.html. The three parts reach the form's DateField as
    one ISO date; anything that is not a whole date reaches it as typed, so the field's
    own "invalid" message explains it and the parts are shown back unchanged."""

    PARTS = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        day, month, year = (data.get(f"{name}_{part}", "").strip() for part in self.PARTS)
        if not (day or month or year):
            return data.get(name, "")  # one field posted whole (an API client, a kept form)
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{year}-{int(month):02d}-{int(day):02d}"
        return f"{day}|{month}|{year}"  # no date format reads this: the field says invalid

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in self.PARTS) and name not in data

    @staticmethod
    def parts(value) -> dict[str, str]:
        """The three boxes' contents for a date, an ISO string or what was typed."""
        if hasattr(value, "year"):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        text = str(value or "")
        if "|" in text:
            day, month, year = [*text.split("|"), "", ""][:3]
            return {"day": day, "month": month, "year": year}
        if text.count("-") == 2:
            year, month, day = text.split("-")
            return {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
        return {"day": "", "month": "", "year": ""}
