"""Data flows one way (config/layers.py): no module imports from an app above its own,
whether at the top of the file or inside a function."""

import ast
from pathlib import Path

import pytest

from config.layers import LAYERS, allowed

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
