"""Every command input a careless administrator could give: a folder for a file, binary
files, NUL bytes, names past their column, numbers past the database's, deeply nested
TOML. Always a CommandError that names the place, never a traceback, never a partial
write. Run on SQLite and PostgreSQL."""

import pytest
from django.core.management import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from principles.models import Framework
from tests.principles.test_load_framework import load, small_framework
from tests.trusts.test_import_trusts import etr_line, run
from trusts.models import Trust

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def refusal(command) -> str | None:
    """The CommandError's message, or None when the command ran."""
    try:
        command()
    except CommandError as refused:
        return str(refused)
    return None


def import_refused(path, *args) -> str:
    with pytest.raises(CommandError) as refused:
        run(path, *args)
    assert not Trust.objects.exists()
    return str(refused.value)


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (etr_line("QX1", "A\x00B NHS TRUST"), "line 1"),
        (etr_line("QX1", "X" * 300), "line 1: trust QX1's name is 300 characters; at most 200"),
        (etr_line("QX1", "BELL\x07 NHS TRUST"), "line 1: trust QX1's name holds a control"),
        (etr_line("QX1", "LONG ICB NHS TRUST", icb="Q" * 40), "line 1: ICB code is 40"),
    ],
)
def test_import_trusts_bad_cell_names_its_line_and_imports_nothing(tmp_path, db, line, found):
    path = tmp_path / "etr.csv"
    path.write_text(line + "\n", encoding="utf-8")
    assert found in import_refused(path)


def test_import_trusts_folder_or_binary_file_is_a_clear_error(tmp_path, db):
    assert "is a folder" in import_refused(tmp_path)
    good = tmp_path / "etr.csv"
    good.write_text(etr_line("QX1", "TESTSHIRE NHS TRUST") + "\n", encoding="utf-8")
    binary = tmp_path / "types.csv"
    binary.write_bytes(b"ods_code,trust_type\n\xff\xfe\x00\x01garbage")
    assert "types.csv" in import_refused(good, "--types", str(binary))
    assert "is a folder" in import_refused(good, "--types", str(tmp_path))


@FUZZ
@given(content=st.binary(max_size=400))
def test_import_trusts_any_bytes_load_or_are_refused_whole(tmp_path_factory, db, content):
    path = tmp_path_factory.mktemp("etr") / "etr.csv"
    path.write_bytes(content)
    message = refusal(lambda: run(path))
    if message is not None:
        assert "Nothing was imported" in message
        assert not Trust.objects.exists()


def load_refused(path) -> str:
    with pytest.raises(CommandError) as refused:
        load(path)
    assert not Framework.objects.exists()
    return str(refused.value)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (small_framework(version=2**63), "version: must be a whole number from 1 to"),
        (small_framework(version=10**30), "version: must be a whole number from 1 to"),
        (small_framework().replace('"small"', '"' + "s" * 61 + '"'), "slug: is 61 characters"),
        (
            small_framework().replace('"A small framework"', '"' + "T" * 201 + '"'),
            "title: is 201 characters; at most 200",
        ),
        (
            small_framework().replace('"p1.first"', '"p1.' + "k" * 80 + '"'),
            "principles[0].questions[0].key: is 83 characters; at most 80",
        ),
        ("a = " + "[" * 5000 + "]" * 5000, "TOML syntax"),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000, "TOML syntax"),
    ],
    ids=[
        "version-2**63",
        "version-10**30",
        "slug",
        "title",
        "key",
        "nested-arrays",
        "nested-tables",
    ],
)
def test_load_framework_bad_value_names_its_place_and_loads_nothing(tmp_path, db, text, found):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert found in load_refused(path)


def test_load_framework_folder_or_binary_file_is_a_clear_error(tmp_path, db):
    assert "is a folder" in load_refused(tmp_path)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    assert "not UTF-8 text" in load_refused(binary)


@FUZZ
@given(content=st.text(max_size=300))
def test_load_framework_any_text_loads_or_is_refused_whole(tmp_path_factory, db, content):
    path = tmp_path_factory.mktemp("framework") / "any.toml"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    message = refusal(lambda: load(path))
    if message is not None:
        assert "Nothing was loaded" in message
        assert not Framework.objects.exists()


@pytest.mark.parametrize(
    ("command", "arguments", "found"),
    [
        ("send_reminders", ["--days", str(10**20)], "give a whole number from 0 to 366"),
        ("send_reminders", ["--days", "-1"], "give a whole number from 0 to 366"),
        ("seed_national", ["--trusts", str(10**20)], "give a whole number from 1 to 1000"),
        ("seed_national", ["--quarters", "0"], "give a whole number from 1 to 40"),
    ],
)
def test_numbers_past_what_a_command_can_do_are_a_usage_error(db, command, arguments, found):
    from django.core.management import call_command

    with pytest.raises(CommandError, match=found):
        call_command(command, *arguments)
