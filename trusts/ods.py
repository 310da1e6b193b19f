"""Reading the NHS ODS ``etr.csv`` file of NHS trusts, and the optional trust-type file.

Parsing is separate from writing: a file is read whole and checked line by line first, so
a malformed line stops the import before anything is written.
"""

import csv
import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.forms import limit_of
from trusts.models import ODS_CODE_PATTERN, Region, Trust, TrustType

# etr.csv has no header; these are 0-based positions of the columns we use.
CODE, NAME, REGION, ICB, OPEN_DATE, CLOSE_DATE = 0, 1, 2, 3, 10, 11
MIN_COLUMNS = CLOSE_DATE + 1
ENGLISH_REGIONS = frozenset(Region.values)
SMALL_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "at", "upon"})
KEEP_UPPER = frozenset({"NHS", "UK", "ICB", "CIC", "LLP"})


class OdsFileError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class TrustRecord:
    line: int
    ods_code: str
    name: str
    region: str
    icb_code: str
    closed: bool

    @property
    def english(self) -> bool:
        return self.region in ENGLISH_REGIONS


def read_etr(path: Path) -> list[TrustRecord]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return parse_etr(handle)


def parse_etr(lines: Iterable[str]) -> list[TrustRecord]:
    records = []
    seen: dict[str, int] = {}
    for line, row in _rows(csv.reader(lines, strict=True)):
        if not any(cell.strip() for cell in row):
            continue
        record = _parse_row(line, row)
        if record.ods_code in seen:
            raise OdsFileError(
                line,
                f"ODS code {record.ods_code} appears again (first on line {seen[record.ods_code]})",
            )
        seen[record.ods_code] = line
        records.append(record)
    if not records:
        raise OdsFileError(1, "the file holds no trusts")
    return records


def _rows(reader) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted field may run over several lines)."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise OdsFileError(line, f"not valid CSV ({error})") from error
        except UnicodeDecodeError as error:
            raise OdsFileError(line, "the file is not UTF-8 text") from error
        yield line, row


def _parse_row(line: int, row: list[str]) -> TrustRecord:
    if len(row) < MIN_COLUMNS:
        raise OdsFileError(line, f"expected at least {MIN_COLUMNS} columns, found {len(row)}")
    code = row[CODE].strip().upper()
    if not ODS_CODE_PATTERN.fullmatch(code):
        raise OdsFileError(line, f"{row[CODE]!r} is not an ODS code (3 or 5 letters and digits)")
    name = _text(line, row[NAME], f"trust {code}'s name", limit_of(Trust, "name"))
    if not name:
        raise OdsFileError(line, f"trust {code} has no name")
    for column, label in ((OPEN_DATE, "open date"), (CLOSE_DATE, "close date")):
        _check_date(line, row[column].strip(), label)
    return TrustRecord(
        line=line,
        ods_code=code,
        name=display_name(name),
        region=_text(line, row[REGION], "region code", limit_of(Trust, "region")).upper(),
        icb_code=_text(line, row[ICB], "ICB code", limit_of(Trust, "icb_code")).upper(),
        closed=bool(row[CLOSE_DATE].strip()),
    )


def _text(line: int, value: str, label: str, limit: int) -> str:
    """A cell's text, refused with its line when it holds control characters or is longer
    than its column."""
    value = value.strip()
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        raise OdsFileError(line, f"{label} holds a control character")
    if len(value) > limit:
        raise OdsFileError(line, f"{label} is {len(value)} characters; at most {limit}")
    return value


def _check_date(line: int, value: str, label: str) -> None:
    if not value:
        return
    try:
        datetime.datetime.strptime(value, "%Y%m%d")
    except ValueError as error:
        raise OdsFileError(line, f"{label} {value!r} is not a date written YYYYMMDD") from error


def display_name(ods_name: str) -> str:
    """ODS names are in capitals; boards read them in title case ("King's", "NHS", "of")."""
    return " ".join(
        _title_word(word, first=index == 0) for index, word in enumerate(ods_name.split())
    )


def _title_word(word: str, *, first: bool) -> str:
    if word in KEEP_UPPER:
        return word
    parts = word.split("-")
    titled = [part if first and i == 0 else _small_word(part) for i, part in enumerate(parts)]
    return "-".join(part if part.islower() else part.capitalize() for part in titled)


def _small_word(part: str) -> str:
    return part.lower() if part.lower() in SMALL_WORDS else part


AMBULANCE_NAME = re.compile(r"\bAMBULANCE\b", re.IGNORECASE)


def type_from_name(name: str) -> str:
    """The one trust type a name gives away; other types come from a type file or the admin."""
    return TrustType.AMBULANCE if AMBULANCE_NAME.search(name) else ""


def read_trust_types(path: Path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return parse_trust_types(handle)


def parse_trust_types(lines: Iterable[str]) -> dict[str, str]:
    """A CSV with the header ``ods_code,trust_type``; the type as a value or a label."""
    by_name = {label.lower(): value for value, label in TrustType.choices}
    by_name.update({value: value for value in TrustType.values})
    rows = _rows(csv.reader(lines, strict=True))
    _, header = next(rows, (1, []))
    if [cell.strip().lower() for cell in header[:2]] != ["ods_code", "trust_type"]:
        raise OdsFileError(1, "the header must be ods_code,trust_type")
    types = {}
    for line_number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise OdsFileError(line_number, "expected an ODS code and a trust type")
        code, trust_type = row[0].strip().upper(), row[1].strip().lower()
        if not ODS_CODE_PATTERN.fullmatch(code):
            raise OdsFileError(line_number, f"{row[0]!r} is not an ODS code")
        if trust_type not in by_name:
            allowed = ", ".join(TrustType.values)
            raise OdsFileError(line_number, f"unknown trust type {row[1]!r} (use one of {allowed})")
        types[code] = by_name[trust_type]
    return types
