"""Production serves every static file under a name that changes with its content (the
manifest storage), so a browser may keep it for good. A file or page that names another
static file by its plain name fetches it under the short cache of an unhashed name, or
not at all: a new release could then run new code against old."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.house.test_settings import PRODUCTION, manage

OUR_STATIC = Path(settings.STATICFILES_DIRS[0])


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """The static files as production collects them, with its own storage, into a
    directory of their own."""
    root = tmp_path_factory.mktemp("static_root")
    result = manage(
        "collectstatic", "--noinput", "--verbosity", "0", STATIC_ROOT=str(root), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    return root


def manifest(root: Path) -> dict[str, str]:
    """Each collected file's name, and the hashed name it is served by."""
    return json.loads((root / "staticfiles.json").read_text())["paths"]


def without_comments(path: str, text: str) -> str:
    """The file without the comments that only mention another file (a source map's
    comment is kept: the browser follows it)."""
    if path.endswith(".css"):
        return re.sub(r"/\*(?!#).*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"(?m)(^|\s)//(?!#).*$", r"\1", text)


def test_collected_js_and_css_name_other_static_files_only_by_their_hashed_names(collected):
    paths = manifest(collected)
    plain_names = {name.rsplit("/", 1)[-1] for name in paths}
    # A plain name standing on its own: not part of a longer name (the source map
    # `x.min.js.map`, or the hashed `x.min.3f2a.js`, does not name `x.min.js`).
    named = re.compile(
        r"(?<![\w.-])("
        + "|".join(re.escape(name) for name in sorted(plain_names, key=len, reverse=True))
        + r")(?![\w.-])"
    )
    # Our files and NHS.UK's, not the Django admin's (which names files only in comments).
    ours = sorted(
        path for path in paths if (OUR_STATIC / path).is_file() and path.endswith((".js", ".css"))
    )
    assert {"quarterdeck.js", "quarterdeck.css", "vendor/nhsuk/nhsuk-frontend.min.js"} <= set(ours)
    found = []
    for path in ours:
        text = without_comments(path, (collected / paths[path]).read_text(encoding="utf-8"))
        found += [f"{paths[path]} names {name}" for name in sorted(set(named.findall(text)))]
    assert found == [], "\n".join(found)


def test_pages_load_every_static_file_by_its_hashed_name(collected, client, db, settings):
    settings.STATIC_ROOT = collected
    backend = manage(
        "shell",
        "--no-imports",
        "--command",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION,
    ).stdout.strip()
    assert "Manifest" in backend
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": backend}}
    paths = manifest(collected)
    page = client.get(reverse("accounts:sign-in")).content.decode()
    # Every static address in the page: links, script sources and the NHS.UK import.
    loaded = re.findall(rf'["\']{re.escape(settings.STATIC_URL)}([^"\']+)["\']', page)
    scripts = {path for path in loaded if path.endswith(".js")}
    assert scripts == {paths["quarterdeck.js"], paths["vendor/nhsuk/nhsuk-frontend.min.js"]}
    assert [path for path in loaded if path not in set(paths.values())] == []
