"""docs/data-map.md names every column of every table: in the map of personal data or in
the list of columns that hold nothing personal. A field added without saying which fails
here, and so does a field the page names that no longer exists."""

import re

from django.apps import apps

from tests.helpers import ROOT

DATA_MAP = ROOT / "docs" / "data-map.md"
# "| `app.Model`: `field`, `field` | ..." in the map; "- `app.Model`: `field`, ..." below it.
ENTRY = re.compile(r"^(?:\| |- )`(?P<model>\w+\.\w+)`: (?P<fields>(?:`\w+`(?:, )?)+)", re.M)


def classified() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in ENTRY.finditer(DATA_MAP.read_text()):
        fields = set(re.findall(r"`(\w+)`", entry["fields"]))
        found.setdefault(entry["model"], set()).update(fields)
    return found


def test_every_field_of_every_model_is_classified_in_the_data_map():
    named = classified()
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name not in named.get(model._meta.label, set())
    ]
    assert missing == [], "Say in docs/data-map.md whether these hold personal data"


def test_the_data_map_names_no_field_that_does_not_exist():
    fields = {
        model._meta.label: {field.name for field in model._meta.concrete_fields}
        for model in apps.get_models()
    }
    unknown = [
        f"{model}.{name}"
        for model, names in classified().items()
        for name in names
        if name not in fields.get(model, set())
    ]
    assert unknown == []


def test_the_map_reads_a_field_it_was_not_told_about_as_missing(tmp_path, monkeypatch):
    text = DATA_MAP.read_text().replace(", `full_name`, `password`", ", `password`", 1)
    (tmp_path / "data-map.md").write_text(text)
    monkeypatch.setattr(f"{__name__}.DATA_MAP", tmp_path / "data-map.md")
    assert "full_name" not in classified()["trusts.User"]
