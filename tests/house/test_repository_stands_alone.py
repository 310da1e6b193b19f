"""The repository stands alone: a clone of it is all anyone needs to read it. No file in it
cites notes, house style or data kept beside it on our own machines (they are not in a
clone), and every relative link in the README and docs/ leads to a file the repository
has, and to a heading that file has (docs/architecture.md, "What keeps this true")."""

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

from tests.helpers import ROOT

# Files kept beside the repository, never in it: the design notes and house style, and the
# shared folder of data. Spelt so that this file does not match itself.
OUTSIDE = re.compile(r"\b(?:DESIGN|STYLE)\.md\b|(?:\.\./|/work/)shared\b")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)", re.MULTILINE)
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def repository_files(root: Path = ROOT) -> list[str]:
    """Every file git tracks or would track (a new file not yet committed included), as a
    path from the root, that is there on disk."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({path for path in listed.split("\0") if path and (root / path).is_file()})


def text_of(path: Path) -> str | None:
    """A file's text, or None for a binary file (an image, a database)."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def mentions_outside(root: Path, files: list[str]) -> list[str]:
    """Each line, in any text file, that cites a file kept outside the repository."""
    found = []
    for name in files:
        text = text_of(root / name)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def prose_of(text: str) -> str:
    """Markdown without its code (fenced blocks and inline spans), where a link is text."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def anchors_of(text: str) -> set[str]:
    """The anchors a markdown file's headings get, as GitHub makes them: the heading's
    words in lower case, punctuation dropped, spaces as hyphens; a repeated one numbered."""
    anchors: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", text)):
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
        anchor = re.sub(r"[^\w\- ]", "", words).replace(" ", "-")
        numbered, count = anchor, 0
        while numbered in anchors:
            count += 1
            numbered = f"{anchor}-{count}"
        anchors.add(numbered)
    return anchors


def markdown_files(files: list[str]) -> list[str]:
    return [name for name in files if name == "README.md" or re.match(r"docs/.+\.md$", name)]


def broken_links(root: Path, files: list[str]) -> list[str]:
    """Each relative link in README.md and docs/**/*.md whose file the repository does not
    have (or that leaves it), or whose #anchor names no heading of the markdown it leads to."""
    present = set(files)
    folders = {str(Path(name).parent) for name in files}
    broken = []
    for name in markdown_files(files):
        text = (root / name).read_text(encoding="utf-8")
        prose = prose_of(text)
        for target in LINK.findall(prose) + REFERENCE.findall(prose):
            if SCHEME.match(target):
                continue  # a web address or an email address, not a file
            path, _, anchor = target.partition("#")
            # No path: a heading of the same file.
            resolved = os.path.normpath(Path(name).parent / unquote(path)) if path else name
            if resolved.startswith(".."):
                broken.append(f"{name}: {target} leads outside the repository")
            elif resolved not in present and resolved not in folders:
                broken.append(f"{name}: {target} is not in the repository")
            elif (
                anchor
                and resolved.endswith(".md")
                and anchor not in anchors_of((root / resolved).read_text(encoding="utf-8"))
            ):
                broken.append(f"{name}: {target} names no heading of {resolved}")
    return broken


def test_no_file_cites_a_file_outside_the_repository():
    assert mentions_outside(ROOT, repository_files()) == []


def test_every_relative_link_in_the_readme_and_docs_leads_to_a_file_it_has():
    assert broken_links(ROOT, repository_files()) == []


def test_the_readme_and_the_architecture_are_among_the_files_checked():
    assert {"README.md", "docs/architecture.md"} <= set(markdown_files(repository_files()))


def test_the_checks_find_a_citation_outside_and_a_broken_link(tmp_path):
    notes = "DESIGN" + ".md"  # spelt in two, so that this file does not cite it
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(
        "# Title\n\nSee [the design](docs/guide.md#budgets), [a gone file](docs/gone.md),\n"
        "[a missing heading](docs/guide.md#nowhere), [above](#title), [out](../elsewhere.md)"
        " and [the web](https://example.org/).\n\n```\n[in code](docs/gone.md)\n```\n"
    )
    (tmp_path / "docs" / "guide.md").write_text(f"# Guide\n\n## Budgets\n\nAs in {notes}.\n")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\0" + notes.encode())
    files = ["README.md", "docs/guide.md", "picture.png"]

    assert mentions_outside(tmp_path, files) == [f"docs/guide.md:5: As in {notes}."]
    assert broken_links(tmp_path, files) == [
        "README.md: docs/gone.md is not in the repository",
        "README.md: docs/guide.md#nowhere names no heading of docs/guide.md",
        "README.md: ../elsewhere.md leads outside the repository",
    ]


def test_headings_give_the_anchors_github_gives():
    text = (
        "# Where each rule lives\n\n## Budgets (measured)\n\n## Budgets (measured)\n\n"
        "```\n# no\n```"
    )
    assert anchors_of(text) == {
        "where-each-rule-lives",
        "budgets-measured",
        "budgets-measured-1",
    }
