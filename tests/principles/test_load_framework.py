import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from principles.loader import read_framework, shipped_framework_files
from principles.models import LEVEL_LABELS, Framework, LevelDescriptor, Principle, Question

DESIGN_PRINCIPLES = [
    "Deliver things that patients and staff need",
    "Set clear, realistic goals",
    "Test, measure and learn how it's working",
    "Think long term, deliver in the short term",
    "Invest in a dedicated, cross-functional in-house digital team",
    "Get the best out of technology suppliers",
    "Build trust, not barriers",
    "Don't stick to the wrong plan",
]


def load(*paths):
    out = StringIO()
    call_command("load_framework", *[str(p) for p in paths], stdout=out)
    return out.getvalue()


def small_framework(
    version=1, published=False, question_text="How well do we do this?", extra_question="", levels=5
):
    level_list = ", ".join(f'"Level {n} description."' for n in range(1, levels + 1))
    return f'''
slug = "small"
version = {version}
title = "A small framework"
published = {"true" if published else "false"}

[[principles]]
number = 1
title = "First principle"
summary = "About the first principle."
guidance = "How to tell."

  [[principles.questions]]
  key = "p1.first"
  text = "{question_text}"
  help = "A hint."
  levels = [{level_list}]
{extra_question}
'''


@pytest.fixture
def framework_file(tmp_path):
    def write(text, name="small.toml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


# The shipped framework


@pytest.mark.parametrize("path", shipped_framework_files(), ids=lambda p: p.name)
def test_shipped_framework_has_eight_principles_three_questions_five_levels_each(path):
    spec = read_framework(path)
    assert [p.title for p in spec.principles] == DESIGN_PRINCIPLES
    assert all(len(p.questions) == 3 for p in spec.principles)
    assert spec.question_count == 24
    assert all(len(q.levels) == 5 for p in spec.principles for q in p.questions)
    assert spec.published


@pytest.mark.parametrize("path", shipped_framework_files(), ids=lambda p: p.name)
def test_shipped_framework_questions_are_plain_questions_with_distinct_levels(path):
    spec = read_framework(path)
    for principle in spec.principles:
        for question in principle.questions:
            assert question.text.endswith("?"), question.key
            assert question.help_text, question.key
            assert len(set(question.levels)) == 5, question.key


def test_load_framework_creates_the_shipped_versions(db):
    out = load()
    assert "digital-boards version 1 (digital-boards-v1.toml): created" in out
    assert "digital-boards version 2 (digital-boards-v2.toml): created" in out
    for version in (1, 2):
        framework = Framework.objects.get(slug="digital-boards", version=version)
        assert framework.published
        assert framework.principles.count() == 8
        assert framework.questions.count() == 24
        assert LevelDescriptor.objects.filter(question__framework=framework).count() == 120


def test_shipped_version_two_rewords_one_question_and_replaces_another(db):
    load()
    v1, v2 = (
        {q.key: q for q in Question.objects.filter(framework__version=version)}
        for version in (1, 2)
    )
    assert set(v1) - set(v2) == {"p8.reprioritising"}
    assert set(v2) - set(v1) == {"p8.portfolio-review"}
    assert v2["p8.portfolio-review"].replaces == v1["p8.reprioritising"]
    reworded = [key for key in v1.keys() & v2.keys() if v1[key].text != v2[key].text]
    assert reworded == ["p3.regular-metrics"]


def test_load_framework_second_run_changes_nothing(db):
    load()
    first = set(Question.objects.values_list("pk", flat=True))
    assert "unchanged" in load()
    assert set(Question.objects.values_list("pk", flat=True)) == first


def test_level_labels_follow_the_design_scale():
    assert list(LEVEL_LABELS.values()) == [
        "Not started",
        "Emerging",
        "Developing",
        "Established",
        "Leading",
    ]


# Published versions are never edited in place


def test_load_framework_refuses_to_change_a_published_version(framework_file, db):
    load(framework_file(small_framework(published=True)))
    changed = framework_file(small_framework(published=True, question_text="Reworded?"))
    with pytest.raises(CommandError, match="is published and cannot be changed in place"):
        load(changed)
    assert Question.objects.get(key="p1.first").text == "How well do we do this?"


def test_load_framework_updates_an_unpublished_version(framework_file, db):
    load(framework_file(small_framework()))
    assert "updated" in load(framework_file(small_framework(question_text="Reworded?")))
    assert Question.objects.get(key="p1.first").text == "Reworded?"
    assert Framework.objects.count() == 1


def test_load_framework_links_a_replacing_question_to_the_earlier_version(framework_file, db):
    load(framework_file(small_framework(published=True), name="v1.toml"))
    replacement = """
  [[principles.questions]]
  key = "p1.second"
  text = "A new question?"
  replaces = "p1.first"
  levels = ["a", "b", "c", "d", "e"]
"""
    load(framework_file(small_framework(version=2, extra_question=replacement), name="v2.toml"))
    new = Question.objects.get(framework__version=2, key="p1.second")
    assert new.replaces == Question.objects.get(framework__version=1, key="p1.first")


# Malformed files: the location of the error, and nothing written


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("slug = 'small'\nversion = \n", r"TOML syntax: .*line 2"),
        (small_framework().replace('slug = "small"\n', ""), r"slug: missing"),
        (small_framework().replace("version = 1", 'version = "one"'), r"version: expected int"),
        (small_framework(levels=4), r"principles\[0\]\.questions\[0\]\.levels: expected 5"),
        (
            small_framework().replace('key = "p1.first"', 'key = "First"'),
            r"principles\[0\]\.questions\[0\]\.key",
        ),
        (
            small_framework().replace('key = "p1.first"', 'key = "p2.first"'),
            r"principles\[0\]\.questions\[0\]\.key: 'p2.first' should look like p1",
        ),
        (small_framework().replace("number = 1", "number = 2"), r"principles\[0\]\.number"),
        (
            small_framework().replace('help = "A hint."', 'hint = "A hint."'),
            r"principles\[0\]\.questions\[0\]: unknown field 'hint'",
        ),
        (
            small_framework().replace('"Level 3 description."', '""'),
            r"principles\[0\]\.questions\[0\]\.levels\[2\]: must be non-empty text",
        ),
        (
            small_framework(
                extra_question="""
  [[principles.questions]]
  key = "p1.first"
  text = "Again?"
  levels = ["a", "b", "c", "d", "e"]
"""
            ),
            r"question keys used twice: p1.first",
        ),
        (
            small_framework(
                extra_question="""
  [[principles.questions]]
  key = "p1.second"
  text = "Replacing nothing?"
  replaces = "p1.nowhere"
  levels = ["a", "b", "c", "d", "e"]
"""
            ),
            r"principles\[0\]\.questions\[1\]\.replaces: no earlier version",
        ),
    ],
)
def test_load_framework_malformed_file_names_the_location_and_writes_nothing(
    framework_file, db, text, location
):
    path = framework_file(text)
    with pytest.raises(CommandError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert re.search(location, message), message
    assert message.endswith("Nothing was loaded.")
    assert not Framework.objects.exists()
    assert not Principle.objects.exists()


def test_load_framework_bad_second_file_leaves_the_first_unloaded(framework_file, db):
    good = framework_file(small_framework(), name="good.toml")
    bad = framework_file(small_framework(version=2, levels=3), name="bad.toml")
    with pytest.raises(CommandError):
        load(good, bad)
    assert not Framework.objects.exists()


def test_load_framework_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        load(tmp_path / "missing.toml")
