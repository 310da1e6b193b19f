"""Data flows one way (config/layers.py): no module imports from an app or room above its
own, whether at the top of the file or inside a function; the same holds for the templates
a page renders or includes and the URL names it links to."""

import ast
import re
from importlib.util import resolve_name
from pathlib import Path

import pytest

from config.layers import LAYERS, LINKS_UP, ROOMS, allowed, is_door, room_of, rooms, short_name
from core import audit
from tests.helpers import ROOT


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports_of(path: Path) -> set[str]:
    """The apps and rooms a module imports from, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = (
                resolve_name("." * node.level + (node.module or ""), package)
                if node.level
                else node.module
            )
            modules.add(base)
            modules.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    # "from assessments.quarter import actions" names the room through its package.
    return {room for module in modules if (room := room_of(module))} - {None}


def modules_of(app: str) -> list[Path]:
    return sorted((ROOT / app.replace(".", "/")).rglob("*.py"))


def modules_in(room: str) -> list[Path]:
    """The modules of an app or room, not counting the rooms within it."""
    return [path for path in modules_of(room) if room_of(module_name(path)) == room]


@pytest.mark.parametrize("room", rooms())
def test_no_module_imports_from_an_app_or_room_above_its_own(room):
    against = [
        f"{path.relative_to(ROOT)} imports {imported}"
        for path in modules_in(room)
        for imported in sorted(imports_of(path))
        if not allowed(room, imported)
        and not (is_door(module_name(path)) and imported.split(".")[0] == room)
    ]
    assert against == []


def test_every_app_is_in_the_table_of_layers():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS)
    assert set(LAYERS) - apps == {"config"}


def test_every_room_is_a_package_and_every_package_of_an_app_a_room_or_a_door():
    for app, names in ROOMS.items():
        packages = {
            path.parent.name
            for path in (ROOT / app).glob("*/__init__.py")
            if path.parent.name not in {"migrations", "templatetags"}
        }
        assert packages == set(names) | {"management"} & packages, app


def test_readme_shows_the_table_of_allowed_imports():
    readme = (ROOT / "README.md").read_text()
    for number, app in enumerate(LAYERS):
        below = ", ".join(f"`{lower}`" for lower in LAYERS[:number]) or "no app"
        assert f"| `{app}` | {below} |" in readme
    for app, names in ROOMS.items():
        assert f"`{app}`: " + ", ".join(f"`{name}`" for name in names) in readme


# Audit events: each room declares the events it records (core.audit), and records only
# its own, so the trail's words live beside the code that does the thing.

AUDIT_CALL = re.compile(r"\baudit\(\s*action=(?P<action>f?[^,]+),")
EVENT = re.compile(r"""["']([a-z_]+\.[a-z_{}]+)["']""")


def recorded_events(room: str) -> set[str]:
    """The events a room's code records, read from its source; an f-string's event is
    its fixed part followed by '*' ("framework.*")."""
    return {
        re.sub(r"\{[^}]*\}", "*", name)
        for path in modules_in(room)
        if "migrations" not in path.parts
        for call in AUDIT_CALL.finditer(path.read_text())
        for name in EVENT.findall(call["action"])
    }


@pytest.mark.parametrize("room", [room for room in rooms() if room != "config"])
def test_each_room_records_only_the_events_it_declares(room):
    declared = {event for found in audit.rooms() if found.app == room for event in found.events}
    undeclared = [
        event
        for event in sorted(recorded_events(room))
        if not (
            event in declared
            or (event.endswith("*") and any(d.startswith(event[:-1]) for d in declared))
        )
    ]
    assert undeclared == [], f"{room} records events its audit_events module does not declare"


def test_every_declared_event_is_recorded_somewhere():
    recorded = set().union(*(recorded_events(room) for room in rooms()))
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
# The layout, the error pages and the shared components.
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
}
TEMPLATE_NAME = re.compile(r"""["']([a-z_]+)/[\w/.-]+\.(?:html|txt|svg)["']""")
TEMPLATE_USE = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/[\w/.-]+["']""")


ROOM_BY_FOLDER = {short_name(room): room for room in rooms()}


def room_templates() -> list[tuple[str, Path]]:
    return [
        (room, path)
        for room in rooms()
        for path in sorted((ROOT / room.replace(".", "/") / "templates").rglob("*.*"))
    ]


def test_top_level_templates_hold_only_the_layout_and_shared_parts():
    assert {path.name for path in TEMPLATES.iterdir()} <= TOP_LEVEL_TEMPLATES


def test_each_room_keeps_its_templates_under_its_own_name():
    misplaced = [
        str(path.relative_to(ROOT))
        for room, path in room_templates()
        if path.relative_to(ROOT / room.replace(".", "/") / "templates").parts[0]
        != short_name(room)
    ]
    assert room_templates()
    assert misplaced == []


@pytest.mark.parametrize("room", [room for room in rooms() if room != "config"])
def test_each_room_renders_only_its_own_templates(room):
    others = [
        f"{path.relative_to(ROOT)} renders {folder}/…"
        for path in modules_in(room)
        if "migrations" not in path.parts
        for folder in TEMPLATE_NAME.findall(path.read_text())
        if folder != short_name(room) and folder not in SHARED_TEMPLATES
    ]
    assert others == []


def test_templates_include_only_their_own_room_a_lower_one_or_shared_parts():
    against = [
        f"{path.relative_to(ROOT)} uses {folder}/…"
        for room, path in room_templates()
        for folder in TEMPLATE_USE.findall(path.read_text())
        if folder not in SHARED_TEMPLATES
        and not (folder in ROOM_BY_FOLDER and allowed(room, ROOM_BY_FOLDER[folder]))
    ]
    assert against == []


# URL names: each room names its URLs under its own namespace ("quarter:home") and links
# to its own pages and lower rooms'. A link up (the quarter's next step is its paper) is a
# coupling too: it is declared, with its reason, in config/layers.py's LINKS_UP. The
# top-level templates (the layout, the error pages) belong to the house and link anywhere.

URL_NAME = re.compile(r"""["']([a-z_]+):([a-z0-9_{}-]+)["']""")


def url_names_used(room: str) -> set[tuple[Path, str, str]]:
    sources = [path for path in modules_in(room) if "migrations" not in path.parts] + [
        path for owner, path in room_templates() if owner == room
    ]
    return {
        (path, namespace, f"{namespace}:{name}")
        for path in sources
        for namespace, name in URL_NAME.findall(path.read_text())
        if namespace in ROOM_BY_FOLDER
    }


def test_each_room_names_its_urls_under_its_own_namespace():
    from django.urls import URLResolver, get_resolver

    included = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver)]
    assert all(resolver.namespace for resolver in included), "an include without a namespace"
    namespaces = {
        resolver.namespace: resolver.urlconf_module.__name__
        for resolver in included
        if resolver.namespace != "admin"
    }
    assert all(room_of(module) == ROOM_BY_FOLDER[ns] for ns, module in namespaces.items())
    url_modules = {
        module_name(path) for room in rooms() for path in modules_in(room) if path.name == "urls.py"
    }
    assert set(namespaces.values()) == url_modules - {"config.urls"}


@pytest.mark.parametrize("room", [room for room in rooms() if room != "config"])
def test_each_room_links_only_to_its_own_and_lower_rooms_unless_declared(room):
    upward = [
        f"{path.relative_to(ROOT)} links to {name}"
        for path, namespace, name in sorted(url_names_used(room))
        if not allowed(room, ROOM_BY_FOLDER[namespace]) and name not in LINKS_UP.get(room, {})
    ]
    assert upward == []


def test_every_declared_link_up_is_used_and_runs_up():
    for room, links in LINKS_UP.items():
        used = {name for _, _, name in url_names_used(room)}
        for name in links:
            assert name in used, f"{room} declares a link to {name} it does not make"
            assert not allowed(room, ROOM_BY_FOLDER[name.split(":")[0]]), name


# Template tag libraries: a template loads only its own app's libraries or a lower app's.

TAG_LIBRARIES = {
    path.stem: room_of(module_name(path))
    for room in rooms()
    for path in modules_in(room)
    if path.parent.name == "templatetags" and path.name != "__init__.py"
}
LOAD = re.compile(r"{%\s*load\s+([\w ]+?)\s*%}")


def test_templates_load_only_their_own_or_a_lower_apps_tag_libraries():
    assert TAG_LIBRARIES
    against = [
        f"{path.relative_to(ROOT)} loads {library}"
        for room, path in room_templates()
        for libraries in LOAD.findall(path.read_text())
        for library in libraries.split()
        if library in TAG_LIBRARIES and not allowed(room, TAG_LIBRARIES[library])
    ]
    assert against == []
