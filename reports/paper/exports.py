"""The board paper's data exports: each principle's and each question's figures
(distribution counts and aggregates), never an individual's answers. The columns are
documented in the README (a test keeps them level)."""

from assessments.results import rules
from reports.exports import MIN_SCORES, PLACES, VIEWS_DIFFER_SD, Column, agreement_cell, number_cell
from reports.paper.presenters import BoardPaper

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
            number_cell(row.score_value),
            number_cell(row.target_value),
            number_cell(row.gap_value),
            row.rag,
            number_cell(row.trend_value),
            agreement_cell(row.views_differ, row.judged),
            number_cell(row.dont_know_value),
            number_cell(row.peer_median_value),
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
            number_cell(question.mean_value),
            agreement_cell(question.views_differ, not question.agreement.startswith("too few")),
        ]
        for section in paper.appendix
        for question in section.questions
    ]


EXPORTS = {
    "principles": (PRINCIPLE_COLUMNS, principle_rows),
    "questions": (QUESTION_COLUMNS, question_rows),
}
