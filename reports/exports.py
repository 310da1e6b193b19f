"""Data exports of a board paper's figures: distribution counts and aggregates, never an
individual's answers. The columns are documented in the README (a test keeps them level)."""

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook

from reports.presenters import BoardPaper


@dataclass(frozen=True)
class Column:
    name: str
    description: str


PRINCIPLE_COLUMNS = (
    Column("trust_ods_code", "The trust's NHS ODS code"),
    Column("trust_name", "The trust's name"),
    Column("quarter", "The quarter, like 2026/27 Q3"),
    Column("principle_number", "1 to 8"),
    Column("principle", "The principle's name"),
    Column("respondents", "Board members whose submitted answers count"),
    Column("score", "The principle score, 1 to 5, one decimal place"),
    Column("target", "The board's target, 1 to 5 in halves"),
    Column("gap", "Target minus score; positive is below target"),
    Column("rag", "Red, Amber or Green (blank with no target)"),
    Column("change_since_last_quarter", "Change in score over questions asked both times"),
    Column("views_differ", "yes when any question's scores have SD of 1 or more"),
    Column("dont_know_share", "Share of the principle's answers that were don't know"),
    Column("peer_median", "Median score of at least 5 other trusts closed this quarter"),
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
    Column("mean", "The mean score, one decimal place"),
    Column("views_differ", "yes when the scores have SD of 1 or more"),
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
            _number(row.score),
            _number(row.target),
            _number(row.gap),
            row.rag,
            _number(row.trend),
            "yes" if row.views_differ else "no",
            row.dont_know.replace("–", ""),
            _number(row.peer_median),
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
            _number(question.mean),
            "yes" if question.views_differ else "no",
        ]
        for section in paper.appendix
        for question in section.questions
    ]


EXPORTS = {
    "principles": (PRINCIPLE_COLUMNS, principle_rows),
    "questions": (QUESTION_COLUMNS, question_rows),
}


def _number(text: str) -> float | str:
    """Figures as numbers for a spreadsheet; a dash (no value) as an empty cell."""
    try:
        return float(text)
    except ValueError:
        return ""


def as_csv(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in columns])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads it as UTF-8


def as_xlsx(columns, rows, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.name for column in columns])
    for row in rows:
        sheet.append(row)
    notes = workbook.create_sheet("Columns")
    notes.append(["column", "meaning"])
    for column in columns:
        notes.append([column.name, column.description])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
