"""What every data export shares: columns, cells made safe for a spreadsheet, CSV and
Excel writers, the download response. The paper's exports and the national comparison's
define their own columns (reports.paper.exports, reports.national.exports)."""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook

from assessments.results import rules
from core.text import printable


@dataclass(frozen=True)
class Column:
    name: str
    description: str


PLACES = rules.EXPORT_PLACES

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def download(content: bytes, filename: str, extension: str) -> HttpResponse:
    """A file to save, as every download of the paper's room and the national view's is."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


VIEWS_DIFFER_SD = float(rules.VIEWS_DIFFER_SD)
MIN_SCORES = rules.MIN_SCORES_TO_JUDGE


def number_cell(value) -> float | str:
    """An exact value as a number at rules.EXPORT_PLACES decimal places (half up); no value
    as an empty cell. Never parsed back from the printed text."""
    number = rules.exported(value)
    return "" if number is None else number


def whole_cell(count: int | None) -> int | str:
    return "" if count is None else count


def agreement_cell(differ: bool, judged: bool) -> str:
    if differ:
        return "yes"
    return "no" if judged else "too few scores"


# A spreadsheet reads text starting with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula (a trust name of ``=HYPERLINK(…)``,
    say) is given a leading apostrophe, so it is shown, never run. Numbers are left as
    numbers, negative ones included."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def as_csv(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in columns])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads it as UTF-8


def as_xlsx(columns, rows, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    _append(sheet, [column.name for column in columns])
    for row in rows:
        _append(sheet, row)
    notes = workbook.create_sheet("Columns")
    _append(notes, ["column", "meaning"])
    for column in columns:
        _append(notes, [column.name, column.description])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, values) -> None:
    """Appends a row whose text cells are text: openpyxl would store any string starting
    with "=" as a formula, and we write no formulas. A control character, which a
    spreadsheet cannot hold (a vertical tab pasted from Word, say), is a space."""
    sheet.append([safe_cell(printable(v) if isinstance(v, str) else v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
