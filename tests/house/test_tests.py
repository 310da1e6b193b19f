"""The tests themselves: each says what it protects. A test whose only assertions are on
a status code proves a page answered, not what it showed; it checks the page (the helpers
of tests/pages.py say what a refusal or a redirect shows), or what changed, as well. A
status code asserted while the queries are counted is the query count's test. And the
clock is moved with time-machine (``tests.helpers.on_day``), which moves every clock the
code reads, never by patching one function that some code happens to call."""

import ast
import re

import tests.pages
from tests.helpers import ROOT

TESTS = ROOT / "tests"
PAGE_CHECKS = {name for name in dir(tests.pages) if not name.startswith("_")}
QUERY_COUNTS = {"django_assert_num_queries", "django_assert_max_num_queries"}


def checks(test: ast.FunctionDef) -> tuple[list[ast.Assert], bool]:
    """Its assert statements, and whether it checks anything else (a page, a query count)."""
    asserts, other = [], False
    for node in ast.walk(test):
        if isinstance(node, ast.Assert):
            asserts.append(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            other |= node.func.id in PAGE_CHECKS | QUERY_COUNTS
    return asserts, other


def status_only_tests() -> list[str]:
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                asserts, other = checks(node)
                if (
                    asserts
                    and not other
                    and all("status_code" in ast.unparse(a.test) for a in asserts)
                ):
                    found.append(f"{path.relative_to(TESTS)}::{node.name}")
    return found


def test_no_test_asserts_only_a_status_code():
    assert status_only_tests() == []


def test_the_check_finds_a_status_only_test(tmp_path, monkeypatch):
    (tmp_path / "test_example.py").write_text(
        "def test_page(client):\n    assert client.get('/').status_code == 200\n"
        "def test_page_shown(client):\n    page_headed(client.get('/'), 'Home')\n"
    )
    monkeypatch.setattr(f"{__name__}.TESTS", tmp_path)
    assert status_only_tests() == ["test_example.py::test_page"]


CLOCK_PATCH = re.compile(
    r"""(patch|setattr)\(\s*["'][\w.]*(timezone\.(now|localdate|localtime)|time\.time|date\.today)"""
)


def clock_patches() -> list[str]:
    return [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "test_tests.py" and CLOCK_PATCH.search(path.read_text())
    ]


def test_no_test_patches_the_clock_by_hand():
    assert clock_patches() == []


def test_the_check_finds_a_patched_clock(tmp_path, monkeypatch):
    (tmp_path / "test_example.py").write_text(
        'with mock.patch("django.utils.timezone.localdate", return_value=day):\n    pass\n'
    )
    monkeypatch.setattr(f"{__name__}.TESTS", tmp_path)
    assert clock_patches() == ["test_example.py"]
