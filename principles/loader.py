"""Reading and checking a framework data file (TOML) before anything is written.

Errors name the file's location: TOML syntax errors their line and column, content errors
their path in the document, like ``principles[3].questions[2].levels``.
"""

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.forms import limit_of
from principles.models import LEVELS, Framework, Principle, Question

# The largest version the database column holds (a PositiveIntegerField).
MAX_VERSION = 2_147_483_647

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
KEY_PATTERN = re.compile(r"^p(?P<number>\d+)\.[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class FrameworkFileError(ValueError):
    def __init__(self, location: str, message: str):
        super().__init__(f"{location}: {message}")
        self.location = location


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    help_text: str
    levels: tuple[str, ...]
    replaces: str | None


@dataclass(frozen=True)
class PrincipleSpec:
    number: int
    title: str
    summary: str
    guidance: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    slug: str
    version: int
    title: str
    published: bool
    principles: tuple[PrincipleSpec, ...]

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def question_count(self) -> int:
        return sum(len(principle.questions) for principle in self.principles)


def shipped_framework_files() -> list[Path]:
    return sorted(FRAMEWORKS_DIR.glob("*.toml"))


def read_framework(path: Path) -> FrameworkSpec:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise FrameworkFileError("TOML syntax", str(error)) from error
    except UnicodeDecodeError as error:
        raise FrameworkFileError("file", "not UTF-8 text") from error
    except RecursionError as error:
        raise FrameworkFileError("TOML syntax", "tables or arrays nested too deeply") from error
    return parse_framework(document)


def parse_framework(document: dict[str, Any]) -> FrameworkSpec:
    _only(document, {"slug", "version", "title", "published", "principles"}, "top level")
    slug = _text(document, "slug", "top level", limit=limit_of(Framework, "slug"))
    if not SLUG_PATTERN.fullmatch(slug):
        raise FrameworkFileError("slug", "use lower-case letters, digits and hyphens")
    version = _field(document, "version", int, "top level")
    if not 1 <= version <= MAX_VERSION:
        raise FrameworkFileError("version", f"must be a whole number from 1 to {MAX_VERSION}")
    principles = _field(document, "principles", list, "top level")
    if not principles:
        raise FrameworkFileError("principles", "a framework needs at least one principle")
    parsed = tuple(
        _principle(entry, f"principles[{index}]", expected_number=index + 1)
        for index, entry in enumerate(principles)
    )
    keys = [question.key for principle in parsed for question in principle.questions]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise FrameworkFileError("principles", f"question keys used twice: {', '.join(duplicates)}")
    return FrameworkSpec(
        slug=slug,
        version=version,
        title=_text(document, "title", "top level", limit=limit_of(Framework, "title")),
        published=_field(document, "published", bool, "top level"),
        principles=parsed,
    )


def _principle(entry: Any, path: str, *, expected_number: int) -> PrincipleSpec:
    entry = _mapping(entry, path)
    _only(entry, {"number", "title", "summary", "guidance", "questions"}, path)
    number = _field(entry, "number", int, path)
    if number != expected_number:
        raise FrameworkFileError(
            f"{path}.number", f"expected {expected_number}: principles are numbered in order"
        )
    questions = _field(entry, "questions", list, path)
    if not questions:
        raise FrameworkFileError(f"{path}.questions", "a principle needs at least one question")
    return PrincipleSpec(
        number=number,
        title=_text(entry, "title", path, limit=limit_of(Principle, "title")),
        summary=_text(entry, "summary", path),
        guidance=_text(entry, "guidance", path),
        questions=tuple(
            _question(question, f"{path}.questions[{index}]", principle_number=number)
            for index, question in enumerate(questions)
        ),
    )


def _question(entry: Any, path: str, *, principle_number: int) -> QuestionSpec:
    entry = _mapping(entry, path)
    _only(entry, {"key", "text", "help", "levels", "replaces"}, path)
    key = _text(entry, "key", path, limit=limit_of(Question, "key"))
    match = KEY_PATTERN.fullmatch(key)
    if not match or int(match["number"]) != principle_number:
        raise FrameworkFileError(
            f"{path}.key",
            f"{key!r} should look like p{principle_number}.short-name "
            "(lower-case words joined by hyphens)",
        )
    levels = _field(entry, "levels", list, path)
    if len(levels) != len(LEVELS):
        raise FrameworkFileError(
            f"{path}.levels", f"expected {len(LEVELS)} level descriptors, found {len(levels)}"
        )
    for index, descriptor in enumerate(levels):
        if not isinstance(descriptor, str) or not descriptor.strip():
            raise FrameworkFileError(f"{path}.levels[{index}]", "must be non-empty text")
    replaces = entry.get("replaces")
    if replaces is not None and (
        not isinstance(replaces, str) or not KEY_PATTERN.fullmatch(replaces)
    ):
        raise FrameworkFileError(f"{path}.replaces", "must be the key of an earlier question")
    return QuestionSpec(
        key=key,
        text=_text(entry, "text", path),
        help_text=_text(entry, "help", path) if "help" in entry else "",
        levels=tuple(descriptor.strip() for descriptor in levels),
        replaces=replaces,
    )


def _mapping(entry: Any, path: str) -> dict:
    if not isinstance(entry, dict):
        raise FrameworkFileError(path, "expected a table")
    return entry


def _only(entry: dict, allowed: set[str], path: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise FrameworkFileError(path, f"unknown field {unknown[0]!r}")


def _field(entry: dict, name: str, kind: type, path: str):
    where = name if path == "top level" else f"{path}.{name}"
    if name not in entry:
        raise FrameworkFileError(where, "missing")
    value = entry[name]
    # bool is a subclass of int: a version of `true` is not a number.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FrameworkFileError(where, f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _text(entry: dict, name: str, path: str, *, limit: int | None = None) -> str:
    value = _field(entry, name, str, path).strip()
    where = name if path == "top level" else f"{path}.{name}"
    if not value:
        raise FrameworkFileError(where, "must not be empty")
    if "\x00" in value:
        raise FrameworkFileError(where, "holds a NUL character")
    if limit is not None and len(value) > limit:
        raise FrameworkFileError(where, f"is {len(value)} characters; at most {limit}")
    return value
