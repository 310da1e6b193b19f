"""Data exports of a board paper's figures (distribution counts and aggregates) and of the
national comparison, never an individual's answers. The paper's columns are documented in
the README (a test keeps them level)."""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook

from assessments import rules
from core.text import printable
from reports.national import rows as programme_rows
from reports.national.queries import TrustScores
from reports.paper.presenters import BoardPaper
from trusts.models import Region, TrustType


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

PRINCIPLE_COLUMNS = (
    Column("trust_ods_code", "The trust's NHS ODS code"),
    Column("trust_name", "The trust's name"),
    Column("quarter", "The quarter, like 2026/27 Q3"),
    Column("principle_number", "1 to 8"),
    Column("principle", "The principle's name"),
    Column("respondents", "Board members whose submitted answers count"),
    Column("score", f"The principle score, 1 to 5, exact to {PLACES} decimal places"),
    Column("target", "The board's target, 1 to 5 in halves"),
    Column("gap", "Target minus the score as printed (one decimal); positive is below target"),
    Column("rag", "Red, Amber or Green, decided on that gap (blank with no target)"),
    Column(
        "change_since_last_quarter",
        f"Change in score since the latest earlier quarter with results, over questions "
        f"asked both times, exact to {PLACES} decimal places",
    ),
    Column(
        "views_differ",
        f"yes when any question's scores have a population SD of {VIEWS_DIFFER_SD} or more; "
        f"too few scores when a question has fewer than {MIN_SCORES} scores",
    ),
    Column(
        "dont_know_share", f"Share (0 to 1) of its answers that were don't know, {PLACES} places"
    ),
    Column(
        "peer_median",
        f"Median score of at least {rules.MIN_TRUSTS} other trusts closed this quarter",
    ),
)

QUESTION_COLUMNS = (
    Column("trust_ods_code", "The trust's NHS ODS code"),
    Column("trust_name", "The trust's name"),
    Column("quarter", "The quarter, like 2026/27 Q3"),
    Column("principle_number", "1 to 8"),
    Column("question_key", "The question's stable key, the same across framework versions"),
    Column("question", "The question as asked"),
    *(Column(f"level_{level}", f"How many chose level {level}") for level in range(1, 6)),
    Column("dont_know", "How many said don't know"),
    Column("scores", "How many gave a score (level 1 to 5)"),
    Column("mean", f"The mean score, exact to {PLACES} decimal places"),
    Column(
        "views_differ",
        f"yes when the scores have a population SD of {VIEWS_DIFFER_SD} or more; too few "
        f"scores below {MIN_SCORES} scores",
    ),
)


def principle_rows(paper: BoardPaper) -> list[list]:
    return [
        [
            paper.ods_code,
            paper.trust_name,
            paper.quarter,
            row.number,
            row.title,
            paper.submitted,
            _number(row.score_value),
            _number(row.target_value),
            _number(row.gap_value),
            row.rag,
            _number(row.trend_value),
            _agreement(row.views_differ, row.judged),
            _number(row.dont_know_value),
            _number(row.peer_median_value),
        ]
        for row in paper.rows
    ]


def question_rows(paper: BoardPaper) -> list[list]:
    return [
        [
            paper.ods_code,
            paper.trust_name,
            paper.quarter,
            section.number,
            question.key,
            question.text,
            *(count for _, count in question.counts),
            question.dont_know,
            question.n,
            _number(question.mean_value),
            _agreement(question.views_differ, not question.agreement.startswith("too few")),
        ]
        for section in paper.appendix
        for question in section.questions
    ]


def comparison_columns(numbers: tuple[int, ...]) -> tuple[Column, ...]:
    """The comparison export's columns, one for each of the framework's principles, then
    what the scores rest on, as the trust's board paper gives it."""
    levels = ", ".join(rules.CONFIDENCE_LEVELS[:-1]) + f" or {rules.CONFIDENCE_LEVELS[-1]}"
    return (
        Column("trust_ods_code", "The trust's NHS ODS code"),
        Column("trust_name", "The trust's name"),
        Column("region", "NHS England region"),
        Column("trust_type", "Trust type"),
        *(
            Column(f"principle_{n}", f"Score for principle {n}, 1 to 5, {PLACES} places")
            for n in numbers
        ),
        Column("overall", f"Mean of the principle scores, {PLACES} places"),
        Column(
            "respondents",
            "Board members whose submitted answers the scores rest on, when the results "
            "were published",
        ),
        Column("board_size", "Board members when the results were published"),
        Column(
            "response_rate",
            f"respondents divided by board_size, 0 to 1, exact to {PLACES} decimal places",
        ),
        Column(
            "confidence",
            f"Confidence in these results ({levels}), as on the cover of the trust's board paper",
        ),
    )


def comparison_rows(trusts: list[TrustScores], numbers: tuple[int, ...]) -> list[list]:
    return [
        [
            trust.ods_code,
            trust.name,
            Region(trust.region).label,
            TrustType(trust.trust_type).label if trust.trust_type else "",
            *(_number(trust.scores.get(n)) for n in numbers),
            _number(trust.overall),
            trust.rests_on.submitted,
            _whole(trust.rests_on.board_size),
            _number(
                programme_rows.response_rate(trust.rests_on.submitted, trust.rests_on.board_size)
            ),
            programme_rows.confidence(trust.rests_on) or "",
        ]
        for trust in trusts
    ]


EXPORTS = {
    "principles": (PRINCIPLE_COLUMNS, principle_rows),
    "questions": (QUESTION_COLUMNS, question_rows),
}


def _number(value) -> float | str:
    """An exact value as a number at rules.EXPORT_PLACES decimal places (half up); no value
    as an empty cell. Never parsed back from the printed text."""
    number = rules.exported(value)
    return "" if number is None else number


def _whole(count: int | None) -> int | str:
    return "" if count is None else count


def _agreement(differ: bool, judged: bool) -> str:
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
