"""Data flows one way (config/layers.py): no module imports from an app above its own,
whether at the top of the file or inside a function."""

import ast
import re
from pathlib import Path

import pytest

from config.layers import LAYERS, allowed
from core import audit

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(LAYERS)


def modules_of(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_from_an_app_above_it(app):
    against = [
        f"{path.relative_to(ROOT)} imports {imported}"
        for path in modules_of(app)
        for imported in sorted(imports_of(path))
        if not allowed(app, imported)
    ]
    assert against == []


def test_every_app_is_in_the_table_of_layers():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS)
    assert set(LAYERS) - apps == {"config"}


def test_readme_shows_the_table_of_allowed_imports():
    readme = (ROOT / "README.md").read_text()
    for number, app in enumerate(LAYERS):
        below = ", ".join(f"`{lower}`" for lower in LAYERS[:number]) or "no app"
        assert f"| `{app}` | {below} |" in readme


# Audit events: each room declares the events it records (core.audit), and records only
# its own, so the trail's words live beside the code that does the thing.

AUDIT_CALL = re.compile(r"\baudit\(\s*action=(?P<action>f?[^,]+),")
EVENT = re.compile(r"""["']([a-z_]+\.[a-z_{}]+)["']""")


def recorded_events(app: str) -> set[str]:
    """The events an app's code records, read from its source; an f-string's event is
    its fixed part followed by '*' ("framework.*")."""
    return {
        re.sub(r"\{[^}]*\}", "*", name)
        for path in modules_of(app)
        if "migrations" not in path.parts
        for call in AUDIT_CALL.finditer(path.read_text())
        for name in EVENT.findall(call["action"])
    }


@pytest.mark.parametrize("app", [app for app in LAYERS if app != "config"])
def test_each_room_records_only_the_events_it_declares(app):
    declared = {event for room in audit.rooms() if room.app == app for event in room.events}
    undeclared = [
        event
        for event in sorted(recorded_events(app))
        if not (
            event in declared
            or (event.endswith("*") and any(d.startswith(event[:-1]) for d in declared))
        )
    ]
    assert undeclared == [], f"{app} records events its audit_events module does not declare"


def test_every_declared_event_is_recorded_somewhere():
    recorded = set().union(*(recorded_events(app) for app in LAYERS))
    unused = [
        event
        for event in sorted(audit.events())
        if event not in recorded
        and not any(r.endswith("*") and event.startswith(r[:-1]) for r in recorded)
    ]
    assert unused == []


# Templates: each room keeps its pages beside its code (<room>/templates/<room>/) and
# renders only those; a page includes its own room's parts, a lower room's, or the shared
# NHS.UK components and layout, which are all the top-level templates/ folder holds.

TEMPLATES = ROOT / "templates"
SHARED_TEMPLATES = {"nhsuk", "includes"}
# The layout, the error pages, the shared components; the public pages and the emails'
# words, which more than one room sends, until they find a room of their own.
TOP_LEVEL_TEMPLATES = {
    "base.html",
    "narrow.html",
    "confirm.html",
    "403.html",
    "403_csrf.html",
    "404.html",
    "500.html",
    "database_busy.html",
    "nhsuk",
    "includes",
    "pages",
    "email",
}
TEMPLATE_NAME = re.compile(r"""["']([a-z_]+)/[\w/.-]+\.(?:html|txt|svg)["']""")
TEMPLATE_USE = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/[\w/.-]+["']""")


def room_templates() -> list[tuple[str, Path]]:
    return [
        (app, path) for app in LAYERS for path in sorted((ROOT / app / "templates").rglob("*.*"))
    ]


def test_top_level_templates_hold_only_the_layout_and_shared_parts():
    assert {path.name for path in TEMPLATES.iterdir()} <= TOP_LEVEL_TEMPLATES


def test_each_room_keeps_its_templates_under_its_own_name():
    misplaced = [
        str(path.relative_to(ROOT))
        for app, path in room_templates()
        if path.relative_to(ROOT / app / "templates").parts[0] != app
    ]
    assert misplaced == []


@pytest.mark.parametrize("app", [app for app in LAYERS if app != "config"])
def test_each_room_renders_only_its_own_templates(app):
    others = [
        f"{path.relative_to(ROOT)} renders {folder}/…"
        for path in modules_of(app)
        if "migrations" not in path.parts
        for folder in TEMPLATE_NAME.findall(path.read_text())
        if folder != app and folder not in SHARED_TEMPLATES
    ]
    assert others == []


def test_templates_include_only_their_own_room_a_lower_one_or_shared_parts():
    against = [
        f"{path.relative_to(ROOT)} uses {folder}/…"
        for room, path in room_templates()
        for folder in TEMPLATE_USE.findall(path.read_text())
        if folder not in SHARED_TEMPLATES and not allowed(room, folder)
    ]
    assert room_templates()
    assert against == []
